"""The header bell's unread count comes from the cache, and every change to it shows on the very
next page (forum/caching/notification_bell.py). Redis stopped: tests/faults/test_cache_outage.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forum.caching.notification_bell import CAP, unread_count_for_bell
from forum.discussion.deleting import post_delete
from forum.models import Notification, NotificationKind
from forum.moderation.actions import post_restore, topic_delete, topic_restore
from forum.moderation.experts import credential_decide, credential_request
from tests.factories import UserFactory, make_reply
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _bell_cached(settings):
    settings.FORUM_FRAGMENT_CACHE = True


def page_view(client) -> tuple[str, list[str]]:
    """What a page's bell says, and the queries the page made about notifications."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("forum:latest"))
    assert response.status_code == 200
    label = parse(response.content).find("a", class_="site-nav__bell").get("aria-label")
    return label, [q["sql"] for q in queries if Notification._meta.db_table in q["sql"]]


def test_the_second_page_shows_the_count_without_asking_the_database(member_client, member, mention):
    first_label, first_queries = page_view(member_client)
    second_label, second_queries = page_view(member_client)

    assert first_label == second_label == "Notifications, 1 unread"
    assert len(first_queries) == 1  # the count, made once
    assert second_queries == []


def test_the_count_read_again_costs_no_query(member, mention, django_assert_num_queries):
    assert unread_count_for_bell(member) == 1
    with django_assert_num_queries(0):
        assert unread_count_for_bell(member) == 1


def test_a_new_notification_shows_on_the_next_page(member_client, topic, mention):
    page_view(member_client)

    make_reply(topic=topic, author=UserFactory(display_name="Lena Park"), raw="Another view.")

    assert page_view(member_client)[0] == "Notifications, 2 unread"


def unread_for(member, topic, how_many: int) -> None:
    Notification.objects.bulk_create([Notification(recipient=member, kind=NotificationKind.POSTED, topic=topic)
                                      for _ in range(how_many)])


def test_a_count_past_the_cap_is_not_made_again_for_each_new_notification(member_client, member, topic, mention):
    unread_for(member, topic, CAP)
    label, queries = page_view(member_client)
    assert label == "Notifications, more than 99 unread" and len(queries) == 1

    make_reply(topic=topic, author=UserFactory(display_name="Lena Park"), raw="Another view.")

    assert page_view(member_client) == ("Notifications, more than 99 unread", [])
    member_client.post(reverse("forum:notifications_read_all"))
    assert page_view(member_client)[0] == "Notifications"


def test_a_count_below_the_cap_counts_each_new_notification(member_client, member, topic, mention):
    unread_for(member, topic, CAP - 2)
    assert page_view(member_client)[0] == "Notifications, 99 unread"

    make_reply(topic=topic, author=UserFactory(display_name="Lena Park"), raw="Another view.")

    assert page_view(member_client)[0] == "Notifications, more than 99 unread"


def test_marking_all_read_shows_on_the_next_page(member_client, mention):
    page_view(member_client)

    member_client.post(reverse("forum:notifications_read_all"))

    assert page_view(member_client)[0] == "Notifications"


def test_opening_one_shows_on_the_next_page(member_client, topic, mention):
    make_reply(topic=topic, author=UserFactory(), raw="Another view.")
    assert page_view(member_client)[0] == "Notifications, 2 unread"

    member_client.post(reverse("forum:notification_open", args=[mention.pk]))

    assert page_view(member_client)[0] == "Notifications, 1 unread"


def test_another_members_notification_leaves_this_count_in_the_cache(member_client, other_member, moderator,
                                                                     mention):
    page_view(member_client)

    credential_decide(moderator=moderator, approve=True,
                      request=credential_request(user=other_member, credential="PhD, epidemiology"))

    assert Notification.objects.filter(recipient=other_member).exists()
    assert page_view(member_client) == ("Notifications, 1 unread", [])


def test_deleting_the_post_drops_the_count_and_restoring_brings_it_back(member_client, other_member, moderator,
                                                                        mention):
    assert page_view(member_client)[0] == "Notifications, 1 unread"

    # Nothing is said to the member: their count changes because the post is gone.
    post_delete(actor=other_member, post=mention.post)
    assert page_view(member_client)[0] == "Notifications"

    post_restore(moderator=moderator, post=mention.post)
    assert page_view(member_client)[0] == "Notifications, 1 unread"


def test_deleting_the_whole_topic_drops_the_count_and_restoring_brings_it_back(member_client, moderator, topic,
                                                                               mention):
    assert page_view(member_client)[0] == "Notifications, 1 unread"

    topic_delete(moderator=moderator, topic=topic, reason="Duplicate.")
    assert page_view(member_client)[0] == "Notifications"

    topic_restore(moderator=moderator, topic=topic)
    assert page_view(member_client)[0] == "Notifications, 1 unread"


def test_a_post_deleted_by_saving_it_drops_the_count_too(member_client, mention):
    # The admin's way: the row saved whole, not through a service's update().
    assert page_view(member_client)[0] == "Notifications, 1 unread"
    post = mention.post
    post.deleted_at = timezone.now()
    post.save()

    assert page_view(member_client)[0] == "Notifications"


def test_with_the_cache_turned_off_the_count_is_made_each_time(member_client, mention, settings):
    settings.FORUM_FRAGMENT_CACHE = False
    page_view(member_client)

    label, queries = page_view(member_client)

    assert label == "Notifications, 1 unread" and len(queries) == 1


def test_a_cache_that_answers_nothing_still_gives_the_right_count(member_client, member, topic, mention,
                                                                  monkeypatch):
    # What the resilient cache answers while Redis is down (forum/caching/resilient_cache.py).
    from django.core.cache import cache

    monkeypatch.setattr(cache, "get_many", lambda keys, *a, **kw: {})
    monkeypatch.setattr(cache, "add", lambda *a, **kw: False)
    monkeypatch.setattr(cache, "set", lambda *a, **kw: False)
    monkeypatch.setattr(cache, "set_many", lambda data, *a, **kw: list(data))

    assert page_view(member_client)[0] == "Notifications, 1 unread"
    make_reply(topic=topic, author=UserFactory(), raw="Another view.")
    assert page_view(member_client)[0] == "Notifications, 2 unread"
    member_client.post(reverse("forum:notifications_read_all"))
    assert page_view(member_client)[0] == "Notifications"


def test_an_open_page_is_told_the_new_count(member_client, topic, mention):
    from tests.forum.views.test_live import ask, page_state

    # Opening the topic reads the mention on it, which the page hears of at its first look.
    params = page_state(member_client, topic)
    first = ask(member_client, params).json()
    assert first["notifications"] == {"unread": 0}
    params.update(t=first["tokens"]["topic"], member=first["tokens"]["member"])

    make_reply(topic=topic, author=UserFactory(), raw="Another view.")

    assert ask(member_client, params).json()["notifications"] == {"unread": 1}



def test_a_mention_read_by_opening_its_topic_is_not_counted_from_what_the_page_read_ahead(
        member_client, other_member, settings):
    """A member's topic page reads the bell's count with its stored copy, before the member has
    read anything: opening the page reads the mention, and the bell it shows counts again."""
    from django.test import Client

    from tests.factories import make_topic

    settings.FORUM_PAGE_CACHE = True
    topic = make_topic(author=other_member, title="Is magnesium any use for cramp?")
    make_reply(topic=topic, author=other_member, raw="@maria you asked about this last week.")
    assert page_view(member_client)[0] == "Notifications, 1 unread"  # the count is in the cache
    third = Client()
    third.force_login(UserFactory())
    assert third.get(topic.get_absolute_url())["X-Page-Cache"] == "member-stored"

    page = member_client.get(topic.get_absolute_url())

    assert page["X-Page-Cache"] == "member-hit"
    assert parse(page.content).find("a", class_="site-nav__bell").get("aria-label") == "Notifications"
