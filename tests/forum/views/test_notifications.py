"""The bell, the notification list, opening one and marking all read."""

import pytest
from django.urls import reverse

from forum.discussion.answers import vote_toggle
from forum.models import Notification, NotificationKind as Kind
from forum.moderation import actions as moderation
from tests.factories import UserFactory, make_reply
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


def bell(response):
    return parse(response.content).find("a", class_="site-nav__bell")


def entries(response) -> list[str]:
    page = parse(response.content)
    return [" ".join(link.text.split()) for link in page.find_all("a", class_="notification__link")]


class TestBell:
    def test_the_accessible_name_says_how_many_are_unread(self, member_client, mention, topic):
        make_reply(topic=topic, author=UserFactory(display_name="Lena Park"), raw="Another view.")

        assert bell(member_client.get(reverse("forum:latest"))).get("aria-label") == "Notifications, 2 unread"

    def test_more_than_99_unread_reads_99_plus(self, member_client, member):
        from forum.models import Notification

        Notification.objects.bulk_create(
            [Notification(recipient=member, kind="mentioned", message=f"note {n}") for n in range(120)]
        )

        response = member_client.get(reverse("forum:latest"))

        assert bell(response).get("aria-label") == "Notifications, more than 99 unread"
        assert parse(response.content).find("span", class_="bell-count").text == "99+"

    def test_nothing_unread_is_just_notifications(self, member_client, member):
        assert bell(member_client.get(reverse("forum:latest"))).get("aria-label") == "Notifications"

    def test_visitors_have_no_bell(self, client):
        assert 'class="site-nav__bell' not in client.get(reverse("forum:latest")).content.decode()


class TestInbox:
    def test_lists_who_did_what_where_newest_first(self, member_client, mention, topic, other_member):
        vote_toggle(user=other_member, post=topic.posts.get(post_number=1))

        assert entries(member_client.get(reverse("forum:notifications"))) == [
            "Unread: Omar Haddad found your post helpful in “Does vitamin D prevent colds?”",
            "Unread: Omar Haddad mentioned you in “Does vitamin D prevent colds?”",
        ]

    def test_batched_votes_say_how_many_people(self, member_client, topic):
        first = topic.posts.get(post_number=1)
        for name in ("Ann", "Ben", "Cy"):
            vote_toggle(user=UserFactory(display_name=name), post=first)

        assert entries(member_client.get(reverse("forum:notifications"))) == [
            "Unread: Cy and 2 others found your post helpful in “Does vitamin D prevent colds?”"]

    def test_only_your_own_notifications(self, client, mention, other_member):
        client.force_login(other_member)

        assert entries(client.get(reverse("forum:notifications"))) == []

    def test_the_moderators_reason_is_shown(self, client, topic, other_member, moderator):
        answer = make_reply(topic=topic, author=other_member)
        moderation.post_hide(moderator=moderator, post=answer, reason="Please cite a study.")
        client.force_login(other_member)

        page = parse(client.get(reverse("forum:notifications")).content)
        assert page.find("span", class_="notification__message").text == "Please cite a study."

    def test_your_deleted_post_is_still_explained(self, client, topic, other_member, moderator):
        answer = make_reply(topic=topic, author=other_member)
        moderation.post_moderator_delete(moderator=moderator, post=answer, reason="Advertising.")
        client.force_login(other_member)

        response = client.get(reverse("forum:notifications"))

        assert entries(response) == ["Unread: Moderator Mo deleted your post in “Does vitamin D prevent colds?”"]
        assert bell(response).get("aria-label") == "Notifications, 1 unread"

    def test_notifications_about_posts_deleted_since_drop_out(self, member_client, mention):
        from forum.discussion.deleting import post_delete

        post_delete(actor=mention.actor, post=mention.post)

        response = member_client.get(reverse("forum:notifications"))
        assert entries(response) == []
        assert bell(response).get("aria-label") == "Notifications"

    def test_a_visitor_is_sent_to_log_in(self, client):
        response = client.get(reverse("forum:notifications"))

        assert response.status_code == 302 and "/accounts/login/" in response.url


class TestOpening:
    def test_opening_marks_it_read_and_goes_to_the_post(self, member_client, mention):
        response = member_client.post(reverse("forum:notification_open", args=[mention.pk]))

        assert response.status_code == 302 and response.url == mention.post.get_absolute_url()
        mention.refresh_from_db()
        assert mention.read_at is not None

    def test_opening_one_without_a_post_goes_back_to_the_list(self, client, other_member, moderator):
        from forum.moderation.experts import credential_decide, credential_request

        credential_decide(moderator=moderator, approve=True,
                          request=credential_request(user=other_member, credential="PhD"))
        client.force_login(other_member)
        note = Notification.objects.get(recipient=other_member)

        response = client.post(reverse("forum:notification_open", args=[note.pk]))

        assert response.url == reverse("forum:notifications")

    def test_opening_a_deleted_posts_notification_does_not_lead_nowhere(self, client, topic, other_member,
                                                                        moderator):
        answer = make_reply(topic=topic, author=other_member)
        moderation.post_moderator_delete(moderator=moderator, post=answer, reason="Advertising.")
        client.force_login(other_member)
        note = Notification.objects.get(recipient=other_member)

        response = client.post(reverse("forum:notification_open", args=[note.pk]))

        assert response.url == reverse("forum:notifications")
        note.refresh_from_db()
        assert note.read_at is not None

    def test_when_the_whole_topic_was_deleted_the_author_still_hears_why(self, client, member, topic, moderator):
        moderation.post_moderator_delete(moderator=moderator, post=topic.posts.get(post_number=1),
                                         reason="Duplicate question.")
        client.force_login(member)
        note = Notification.objects.get(recipient=member, kind=Kind.POST_DELETED)

        assert "deleted your post" in entries(client.get(reverse("forum:notifications")))[0]
        response = client.post(reverse("forum:notification_open", args=[note.pk]), follow=True)
        assert response.status_code == 200

    def test_someone_elses_notification_is_not_found(self, client, mention, other_member):
        client.force_login(other_member)

        assert client.post(reverse("forum:notification_open", args=[mention.pk])).status_code == 404
        mention.refresh_from_db()
        assert mention.read_at is None

    def test_get_changes_nothing(self, member_client, mention):
        assert member_client.get(reverse("forum:notification_open", args=[mention.pk])).status_code == 405

    def test_mark_all_read(self, member_client, member, mention, topic, other_member):
        make_reply(topic=topic, author=UserFactory())

        response = member_client.post(reverse("forum:notifications_read_all"))

        assert response.status_code == 302
        assert not Notification.objects.filter(recipient=member).unread().exists()
        assert bell(member_client.get(reverse("forum:latest"))).get("aria-label") == "Notifications"

    def test_mark_all_read_leaves_other_members_alone(self, client, mention, other_member, topic):
        make_reply(topic=topic, author=UserFactory(), raw="@omar what do you think?")
        client.force_login(other_member)

        client.post(reverse("forum:notifications_read_all"))

        mention.refresh_from_db()
        assert mention.read_at is None


class TestOpeningThePost:
    def test_reading_the_post_marks_its_notifications_read(self, member_client, member, mention, topic):
        other = Notification.objects.create(recipient=member, kind=Kind.SUSPENDED, message="elsewhere")

        page = parse(member_client.get(mention.topic.post_url(mention.post.post_number), follow=True).content)

        mention.refresh_from_db()
        assert mention.is_read and not Notification.objects.get(pk=other.pk).is_read
        # The header already counts what is left.
        assert page.find("a", class_="site-nav__bell").get("aria-label") == "Notifications, 1 unread"

    def test_the_bell_menu_lists_the_latest_as_links(self, member_client, mention):
        page = parse(member_client.get(reverse("forum:notification_menu")).content)

        links = page.find_all("a", class_="notification__link")
        assert [link.get("href") for link in links] == [mention.topic.post_url(mention.post.post_number)]
        assert reverse("forum:notifications") in [a.get("href") for a in page.find_all("a")]
