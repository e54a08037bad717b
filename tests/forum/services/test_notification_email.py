"""Notification email: what it says, the one-click unsubscribe, preferences, and mail that fails."""

import re

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from accounts import tasks
from forum.discussion.posting import reply_create
from forum.following.notifying import preference_set, preferences_for, unsubscribe_token
from forum.models import Notification, NotificationKind as Kind, NotificationPreference, Post
from forum.moderation import actions as moderation
from forum.moderation.experts import credential_decide, credential_request
from tests.factories import make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

UNSUBSCRIBE_LINK = re.compile(r"https?://[^/\s]+(/notifications/unsubscribe/[^/\s]+/)")


@pytest.fixture
def topic(member):
    return make_topic(author=member, title="Does vitamin D prevent colds?", raw="What do the trials say?")


@pytest.fixture
def answer(topic, other_member):
    return make_reply(topic=topic, author=other_member, raw="Large trials found no effect on colds.")


@pytest.fixture
def mention(topic, other_member, member, django_capture_on_commit_callbacks):
    """Omar mentions Maria; returns the one mail Maria gets."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply_create(author=other_member, topic=topic, raw="@maria the BMJ meta-analysis says otherwise.")
    (message,) = mail.outbox
    return message


def unsubscribe_path(message) -> str:
    match = UNSUBSCRIBE_LINK.search(message.body)
    assert match, message.body
    return match.group(1)


class TestContent:
    def test_the_subject_names_who_did_what_and_where(self, mention):
        assert mention.subject == "[Evident] Omar Haddad mentioned you in “Does vitamin D prevent colds?”"
        assert mention.to == ["maria@example.org"]

    def test_the_body_has_the_link_and_the_excerpt(self, mention, topic, settings):
        post = Post.objects.get(topic=topic, post_number=2)
        assert f"{settings.SITE_URL.rstrip('/')}{post.get_absolute_url()}" in mention.body
        assert "@maria the BMJ meta-analysis says otherwise." in mention.body

    def test_a_hidden_post_is_not_quoted_in_the_mail(self, answer, moderator, other_member,
                                                     django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            moderation.post_hide(moderator=moderator, post=answer, reason="Needs a source.")

        (message,) = mail.outbox
        assert message.to == [other_member.email]
        assert "hid your post" in message.subject
        assert "Needs a source." in message.body
        assert "Large trials found no effect" not in message.body

    def test_one_click_unsubscribe_headers(self, mention, settings):
        path = unsubscribe_path(mention)
        assert mention.extra_headers["List-Unsubscribe"] == f"<{settings.SITE_URL.rstrip('/')}{path}>"
        assert mention.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    def test_a_repeated_send_is_not_sent_again(self, mention):
        # A worker killed after the mail went out runs the task again: the mail carries the same
        # Message-ID, recorded as sent when the server took it, so the repeat sends nothing.
        from forum.following.notifying import notification_email_send

        notification = Notification.objects.get(kind=Kind.MENTIONED)
        notification_email_send(notification_id=notification.pk, recipient_id=notification.recipient_id,
                                kind=notification.kind)

        (first,) = mail.outbox
        assert first.extra_headers["Message-ID"] == f"<notification-{notification.pk}@127.0.0.1>"
        assert first.message()["Message-ID"] == first.extra_headers["Message-ID"]

    def test_nothing_is_sent_before_the_transaction_commits(self, topic, other_member):
        mail.outbox.clear()
        reply_create(author=other_member, topic=topic, raw="@maria see this.")  # never committed here

        assert mail.outbox == []

    def test_a_credential_decision_without_a_post_links_to_the_inbox(self, other_member, moderator, settings,
                                                                      django_capture_on_commit_callbacks):
        request = credential_request(user=other_member, credential="PhD, epidemiology")
        with django_capture_on_commit_callbacks(execute=True):
            credential_decide(moderator=moderator, request=request, approve=True)

        (message,) = mail.outbox
        assert "reviewed your expert credential" in message.subject
        assert f"{settings.SITE_URL.rstrip('/')}{reverse('forum:notifications')}" in message.body
        assert "approved" in message.body


class TestPreferences:
    def test_defaults_mail_the_important_kinds_only(self, member):
        prefs = preferences_for(member)
        assert prefs[Kind.MENTIONED] == (True, True)
        assert prefs[Kind.POSTED] == (True, False)
        assert prefs[Kind.HELPFUL] == (True, False)

    def test_turning_email_off_for_a_kind_stops_that_mail_but_not_the_inbox(self, member, topic, other_member,
                                                                              django_capture_on_commit_callbacks):
        preference_set(user=member, kind=Kind.MENTIONED, web=True, email=False)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            reply_create(author=other_member, topic=topic, raw="@maria see this.")

        assert mail.outbox == []
        assert Notification.objects.get(recipient=member).read_at is None

    def test_turning_email_on_for_a_quiet_kind_sends_it(self, member, topic, other_member,
                                                         django_capture_on_commit_callbacks):
        preference_set(user=member, kind=Kind.POSTED, web=True, email=True)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            reply_create(author=other_member, topic=topic, raw="An ordinary reply.")

        (message,) = mail.outbox
        assert "posted in a topic you watch" in message.subject

    def test_email_only_keeps_the_notification_out_of_the_unread_count(self, other_member, moderator,
                                                                        django_capture_on_commit_callbacks):
        preference_set(user=other_member, kind=Kind.CREDENTIAL, web=False, email=True)
        request = credential_request(user=other_member, credential="PhD, epidemiology")
        with django_capture_on_commit_callbacks(execute=True):
            credential_decide(moderator=moderator, request=request, approve=False)

        assert len(mail.outbox) == 1
        assert not Notification.objects.filter(recipient=other_member).unread().exists()

    def test_both_off_means_nothing_at_all(self, member, topic, other_member, django_capture_on_commit_callbacks):
        preference_set(user=member, kind=Kind.MENTIONED, web=False, email=False)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            reply_create(author=other_member, topic=topic, raw="@maria see this.")

        assert mail.outbox == []
        assert not Notification.objects.filter(recipient=member).exists()

    def test_the_settings_page_saves_each_kind(self, member_client, member):
        response = member_client.post(reverse("forum:notification_preferences"),
                                      {"web-mentioned": "on", "web-posted": "on", "email-posted": "on"})

        assert response.status_code == 302
        prefs = preferences_for(member)
        assert prefs[Kind.MENTIONED] == (True, False)
        assert prefs[Kind.POSTED] == (True, True)
        assert prefs[Kind.QUOTED] == (False, False)

    def test_the_settings_page_needs_a_login(self, client):
        response = client.get(reverse("forum:notification_preferences"))

        assert response.status_code == 302
        assert "/accounts/login/" in response.url


class TestUnsubscribe:
    def test_opening_the_link_asks_first_and_changes_nothing(self, client, mention, member):
        response = client.get(unsubscribe_path(mention))

        assert response.status_code == 200
        page = parse(response.content)
        assert "Stop these emails?" in page.find("h1").text
        assert "Unsubscribe" in [button.text.strip() for button in page.find_all("button", type="submit")]
        assert not NotificationPreference.objects.filter(user=member).exists()

    def test_a_one_click_post_without_a_session_or_csrf_token_unsubscribes(self, mention, member):
        from django.test import Client

        mail_client = Client(enforce_csrf_checks=True)
        response = mail_client.post(unsubscribe_path(mention), {"List-Unsubscribe": "One-Click"})

        assert response.status_code == 200
        assert "You are unsubscribed" in response.content.decode()
        assert preferences_for(member)[Kind.MENTIONED] == (True, False)
        assert preferences_for(member)[Kind.QUOTED] == (True, True)  # only that kind

    def test_after_unsubscribing_no_more_of_that_kind_arrive(self, client, mention, topic, other_member,
                                                             django_capture_on_commit_callbacks):
        client.post(unsubscribe_path(mention))
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            reply_create(author=other_member, topic=topic, raw="@maria one more thing.")

        assert mail.outbox == []

    def test_unsubscribing_twice_is_harmless(self, client, mention, member):
        client.post(unsubscribe_path(mention))
        response = client.post(unsubscribe_path(mention))

        assert response.status_code == 200
        assert NotificationPreference.objects.filter(user=member, kind=Kind.MENTIONED).count() == 1

    @pytest.mark.parametrize("tamper", [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: "not-a-token",
    ])
    def test_a_tampered_token_is_not_found(self, client, member, tamper):
        token = tamper(unsubscribe_token(member.pk, Kind.MENTIONED))

        assert client.get(reverse("forum:unsubscribe", args=[token])).status_code == 404
        assert client.post(reverse("forum:unsubscribe", args=[token])).status_code == 404
        assert not NotificationPreference.objects.filter(user=member).exists()

    def test_a_token_for_an_unknown_kind_is_not_found(self, client, member):
        from django.core import signing

        from forum.following.notifying import UNSUBSCRIBE_SALT

        token = signing.dumps({"u": member.pk, "k": "everything"}, salt=UNSUBSCRIBE_SALT, compress=True)

        assert client.post(reverse("forum:unsubscribe", args=[token])).status_code == 404


class FailingBackend(BaseEmailBackend):
    """A mail server that is down: every send raises, and each attempt is counted."""

    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        raise ConnectionRefusedError("mail server unreachable")


class FlakyBackend(FailingBackend):
    """Fails twice, then delivers."""

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).attempts < 3:
            raise TimeoutError("mail server too slow")
        mail.outbox.extend(messages)
        return len(messages)


class TestMailFailure:
    @pytest.fixture(autouse=True)
    def failing_mail(self, settings):
        settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
        FailingBackend.attempts = 0
        return FailingBackend

    def test_a_failing_send_is_retried_up_to_the_limit_without_raising(self, topic, other_member,
                                                                      django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            post = reply_create(author=other_member, topic=topic, raw="@maria see this.")

        assert FailingBackend.attempts == tasks.MAX_ATTEMPTS
        assert Post.objects.filter(pk=post.pk).exists()

    def test_the_post_is_saved_and_the_request_succeeds(self, client, topic, other_member,
                                                       django_capture_on_commit_callbacks):
        client.force_login(other_member)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("forum:reply", args=[topic.pk]), {"raw": "@maria the BMJ review."})

        assert response.status_code == 302
        assert Post.objects.filter(topic=topic, raw="@maria the BMJ review.").exists()
        assert Notification.objects.filter(kind=Kind.MENTIONED).count() == 1
        assert FailingBackend.attempts == tasks.MAX_ATTEMPTS

    def test_a_later_attempt_that_succeeds_stops_the_retries(self, settings, topic, other_member,
                                                            django_capture_on_commit_callbacks):
        settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
        FlakyBackend.attempts = 0
        with django_capture_on_commit_callbacks(execute=True):
            reply_create(author=other_member, topic=topic, raw="@maria see this.")

        assert FlakyBackend.attempts == 3
        assert [m.to for m in mail.outbox] == [["maria@example.org"]]
