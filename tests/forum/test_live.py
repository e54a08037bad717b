"""Live pages underneath: which writes renew which tokens, and held requests waking up."""

import threading
import time

import pytest
from django.core.cache import cache

from forum.following.notifying import notify
from forum.live import pages as live
from forum.live.change_events import generations_current
from forum.moderation.flagging import flag_create
from tests.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db


def tokens(*keys):
    return generations_current(list(keys))


def test_a_reply_renews_its_topic_and_the_topic_lists_but_not_other_topics(member, other_member):
    topic, other = make_topic(author=member), make_topic(author=member)
    before = tokens(live.topic_key(topic.pk), live.topic_key(other.pk), live.TOPIC_LIST_KEY)
    make_reply(topic=topic, author=other_member)
    after = tokens(live.topic_key(topic.pk), live.topic_key(other.pk), live.TOPIC_LIST_KEY)
    assert after[live.topic_key(topic.pk)] != before[live.topic_key(topic.pk)]
    assert after[live.TOPIC_LIST_KEY] != before[live.TOPIC_LIST_KEY]
    assert after[live.topic_key(other.pk)] == before[live.topic_key(other.pk)]


def test_a_notification_renews_its_recipients_token_only(member, other_member):
    topic = make_topic(author=member)
    before = tokens(live.member_key(member.pk), live.member_key(other_member.pk))
    notify(recipient=member, kind="mentioned", actor=other_member, post=topic.posts.first())
    after = tokens(live.member_key(member.pk), live.member_key(other_member.pk))
    assert after[live.member_key(member.pk)] != before[live.member_key(member.pk)]
    assert after[live.member_key(other_member.pk)] == before[live.member_key(other_member.pk)]


def test_a_flag_renews_the_review_token(member, other_member):
    reply = make_reply(topic=make_topic(author=member), author=other_member)
    before = tokens(live.REVIEW_KEY)
    flag_create(flagger=member, post=reply, reason="other", note="No source given")
    assert tokens(live.REVIEW_KEY) != before


def test_with_live_pages_turned_off_pages_carry_no_tokens(member, settings):
    settings.FORUM_LIVE = False
    assert live.tokens_for_page(topic_id=1, user=member) == {}


def test_with_the_cache_down_pages_carry_no_tokens(member, monkeypatch):
    # The resilient cache answers "nothing" while Redis is down: no page is made live on that.
    monkeypatch.setattr(cache, "get_many", lambda keys, *a, **kw: {})
    monkeypatch.setattr(cache, "add", lambda *a, **kw: False)
    assert live.tokens_for_page(topic_id=1, user=member) == {}


@pytest.mark.django_db(False)
def test_a_held_request_wakes_when_its_key_is_announced_and_not_for_another():
    woke = {}

    def hold(name, key):
        started = time.monotonic()
        live.wait_for_change([key], timeout=10)
        woke[name] = time.monotonic() - started

    waiting = [threading.Thread(target=hold, args=(name, live.topic_key(n))) for name, n in (("a", 1), ("b", 2))]
    for thread in waiting:
        thread.start()
    time.sleep(0.2)
    live._publish([live.topic_key(1), "page-gen:topic:2"])  # the page cache's key wakes no one
    waiting[0].join(timeout=5)
    assert woke["a"] < 2
    assert "b" not in woke
    live._publish([live.topic_key(2)])
    waiting[1].join(timeout=5)
    assert "b" in woke
