"""Digests: a member who chose daily or weekly mail gets one mail per period grouping everything,
and no mail per notification."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from forum.discussion.posting import reply_create
from forum.following.digests import digest_set, digests_send_due
from tests.factories import make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(member, other_member):
    return make_topic(author=member, title="Does vitamin D prevent colds?")


def replies(thread, author, n):
    for i in range(n):
        reply_create(author=author, topic=thread, raw=f"@maria point number {i} from the BMJ review.")


def test_a_daily_digest_groups_a_days_notifications_in_one_mail(member, other_member, thread, settings):
    digest_set(user=member, frequency="daily")
    mail.outbox.clear()
    replies(thread, other_member, 3)

    assert [m for m in mail.outbox if member.email in m.to] == []  # nothing mailed one by one

    assert digests_send_due(now=timezone.now() + timedelta(hours=2)) == 0  # not due yet
    assert digests_send_due(now=timezone.now() + timedelta(days=1, minutes=1)) == 1
    mine = [m for m in mail.outbox if member.email in m.to]
    assert len(mine) == 1
    # Three mentions by one writer in one topic are one notification, as in the inbox.
    assert "daily digest: 1 notification" in mine[0].subject
    assert "Does vitamin D prevent colds?" in mine[0].body and "mentioned you 3 times" in mine[0].body
    # Run again in the same period: nothing more.
    assert digests_send_due(now=timezone.now() + timedelta(days=1, minutes=2)) == 0


def test_never_means_no_notification_mail(member, other_member, thread):
    digest_set(user=member, frequency="never")
    mail.outbox.clear()
    replies(thread, other_member, 1)

    assert digests_send_due(now=timezone.now() + timedelta(days=8)) == 0
    assert [m for m in mail.outbox if member.email in m.to] == []


def test_the_setting_is_chosen_on_the_settings_page(member_client, member):
    page = member_client.get(reverse("forum:notification_preferences")).content.decode()
    assert 'value="weekly"' in page

    member_client.post(reverse("forum:notification_preferences"), {"email_digest": "weekly"})

    member.refresh_from_db()
    assert member.email_digest == "weekly"
