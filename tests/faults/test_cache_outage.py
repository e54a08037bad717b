"""Redis refused, stalled or restarted with old data: the forum reads and writes from the
database, and no page older than a write is served once Redis is back.

Every test runs against a private redis-server it stops, stalls (SIGSTOP) or restarts; the
production backend (forum.caching.resilient_cache) with short timeouts. Writes go through the real views,
and the epoch renewal after commit needs real transactions (transactional_db).
"""

import logging
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.caching import page_cache
from forum.caching.resilient_cache import ResilientRedisCache, _State
from forum.discussion.editing import post_edit
from forum.models import CacheEpoch, ModerationAction, Notification, Post
from forum.moderation.actions import post_hide
from tests.factories import make_reply
from tests.forum.test_page_cache import topic, visit  # noqa: F401  (the same topic, the same visitor)
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db(transaction=True)


def reply(client, topic, raw):
    return client.post(reverse("forum:reply", args=[topic.pk]), {"raw": raw})


def wait_for_retry():
    time.sleep(0.35)  # RETRY_SECONDS in the test settings is 0.3


def test_visitors_and_members_read_and_reply_with_redis_stopped(redis_cache, topic, member_client, caplog):
    url = topic.get_absolute_url()
    assert visit(url)["X-Page-Cache"] == "stored"
    redis_cache.stop()

    with caplog.at_level(logging.WARNING, logger="forum.caching.resilient_cache"):
        pages = [visit(url) for _ in range(3)]
        posted = reply(member_client, topic, "Posted while the cache was down.")
        after = visit(url)
        member_page = member_client.get(url)

    assert all(page.status_code == 200 for page in pages)
    assert "Two trials say a little." in pages[0].content.decode()
    assert posted.status_code == 302
    assert Post.objects.filter(raw="Posted while the cache was down.").exists()
    assert "Posted while the cache was down." in after.content.decode()
    assert member_page.status_code == 200 and "Posted while the cache was down." in member_page.content.decode()
    # Said once, not on every request.
    assert [r.getMessage() for r in caplog.records].count(
        "Cache unreachable (ConnectionError); serving from the database until it returns.") == 1


def test_editing_and_moderating_work_with_redis_stopped(redis_cache, topic, member, moderator):
    url = topic.get_absolute_url()
    visit(url)
    answer = topic.posts.get(post_number=2)
    redis_cache.stop()

    post_edit(editor=answer.author, post=answer, raw="Two trials say a little; a third says nothing.")
    post_hide(moderator=moderator, post=topic.posts.get(post_number=1), reason="Needs a source.")
    page = visit(url).content.decode()

    assert "a third says nothing" in page
    assert "Asking for my father." not in page
    assert ModerationAction.objects.filter(actor=moderator).exists()


def test_a_stalled_redis_costs_one_short_timeout_not_one_per_request(redis_cache, topic, settings, monkeypatch):
    # Counted, not timed: each call that meets the stalled server waits out one socket timeout
    # and marks the cache down. A retry pause longer than any slow machine needs for ten pages
    # makes "once" the right count however loaded the machine is.
    from tests.faults.redis_server import resilient_cache_settings

    settings.CACHES = resilient_cache_settings(redis_cache.url, RETRY_SECONDS=600)
    url = topic.get_absolute_url()
    visit(url)
    redis_cache.stall()
    timeouts = []
    real_mark_down = ResilientRedisCache._mark_down
    monkeypatch.setattr(ResilientRedisCache, "_mark_down",
                        lambda cache, error: (timeouts.append(error), real_mark_down(cache, error)))

    pages = [visit(url) for _ in range(10)]

    assert all(page.status_code == 200 for page in pages)
    assert len(timeouts) == 1, timeouts


def test_signing_in_works_with_redis_stopped(redis_cache, member, password):
    # allauth's login rate limit takes a lock in the cache; without the local fallback every
    # sign-in would be refused with 429 while Redis is down.
    redis_cache.stop()

    response = Client().post(reverse("account_login"), {"login": member.username, "password": password})

    assert response.status_code == 302


def test_posting_limits_still_hold_per_process_with_redis_stopped(redis_cache, topic, member_client, settings,
                                                                   clock_mid_minute):
    settings.FORUM_POSTS_PER_MINUTE_PER_USER = 2
    redis_cache.stop()

    statuses = [reply(member_client, topic, f"Reply number {n} during the outage.").status_code for n in range(3)]

    assert statuses == [302, 302, 429]


def test_redis_back_with_its_old_data_serves_no_page_older_than_the_outage_writes(redis_cache, topic, member_client):
    url = topic.get_absolute_url()
    visit(url)
    assert visit(url)["X-Page-Cache"] == "hit"
    epoch_before = CacheEpoch.objects.get().token

    # Stalled, not stopped: when it answers again it still holds the page and the topic's token.
    redis_cache.stall()
    assert reply(member_client, topic, "Written during the stall.").status_code == 302
    redis_cache.resume()
    wait_for_retry()

    page = visit(url)

    assert CacheEpoch.objects.get().token != epoch_before
    assert "Written during the stall." in page.content.decode()
    assert page["X-Page-Cache"] == "stored"  # rendered afresh and stored under the new epoch
    assert visit(url)["X-Page-Cache"] == "hit"


def test_the_bell_counts_right_through_an_outage_and_after(redis_cache, topic, member_client, other_member,
                                                          settings):
    settings.FORUM_FRAGMENT_CACHE = True
    assert bell_counted(member_client) == ("Notifications, 1 unread", True)  # the reply to their topic
    assert bell_counted(member_client) == ("Notifications, 1 unread", False)  # Redis has it

    # Stalled, not stopped: when it answers again it still holds the count of 1 and its tokens.
    redis_cache.stall()
    member_client.post(reverse("forum:notifications_read_all"))
    during = bell_counted(member_client)
    redis_cache.resume()
    wait_for_retry()

    assert during == ("Notifications", True)
    assert bell_counted(member_client) == ("Notifications", True)  # not the 1 Redis held
    make_reply(topic=topic, author=other_member, raw="Written after the outage.")
    assert bell_counted(member_client) == ("Notifications, 1 unread", True)
    assert bell_counted(member_client) == ("Notifications, 1 unread", False)


def bell_counted(client) -> tuple[str, bool]:
    """What a page's bell says, and whether the page asked the database for it."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("forum:latest"))
    assert page.status_code == 200
    label = parse(page.content).find("a", class_="site-nav__bell").get("aria-label")
    return label, any(Notification._meta.db_table in query["sql"] for query in queries)


def test_a_process_that_did_not_notice_the_outage_trusts_old_pages_for_at_most_epoch_seconds(
    redis_cache, topic, member_client, monkeypatch,
):
    url = topic.get_absolute_url()
    visit(url)
    # Another web process: same Redis, its own copy of the epoch, read just now.
    other = other_process(redis_cache)
    assert visit(url)["X-Page-Cache"] == "hit"

    redis_cache.stall()
    reply(member_client, topic, "Written while only this process saw the cache down.")
    redis_cache.resume()
    monkeypatch.setattr(page_cache, "cache", other)

    # Within EPOCH_SECONDS (1 s in these settings) the other process may still serve the page
    # it had; that is the bound, and once it has passed, never again.
    time.sleep(1.05)
    page = visit(url)

    assert "Written while only this process saw the cache down." in page.content.decode()


def other_process(server):
    """Another web process: same Redis, its own copy of the epoch, read just now."""
    from tests.faults.redis_server import resilient_cache_settings

    other = ResilientRedisCache(server.url, resilient_cache_settings(server.url)["default"])
    other._state = _State()
    assert other.get("probe") is None  # reads the epoch
    return other


def test_redis_restarted_from_an_old_snapshot_is_not_trusted(redis_cache, topic, member_client, monkeypatch):
    url = topic.get_absolute_url()
    visit(url)
    other = other_process(redis_cache)
    redis_cache.save()  # the snapshot holds this page and the topic's token as they are now
    # This write's renewal reaches Redis, and is lost with it.
    assert reply(member_client, topic, "Written before the crash.").status_code == 302
    assert "Written before the crash." in visit(url).content.decode()
    epoch_before = CacheEpoch.objects.get().token
    redis_cache.stop()
    redis_cache.start()
    assert b"evident-test" in redis_cache.command("KEYS", "*")  # back with the old data

    time.sleep(1.05)  # the other process's EPOCH_SECONDS
    monkeypatch.setattr(page_cache, "cache", other)
    seen_by_other = [visit(url) for _ in range(2)]
    monkeypatch.undo()
    seen_here = [visit(url)]
    wait_for_retry()
    seen_here += [visit(url) for _ in range(2)]

    assert CacheEpoch.objects.get().token != epoch_before
    for page in seen_by_other + seen_here:
        assert "Written before the crash." in page.content.decode()
    assert seen_here[-1]["X-Page-Cache"] == "hit"


def test_fragments_and_pages_render_normally_once_redis_is_back(redis_cache, topic, member_client):
    url = topic.get_absolute_url()
    redis_cache.stop()
    visit(url)
    redis_cache.start()
    wait_for_retry()

    assert visit(url)["X-Page-Cache"] == "stored"
    assert visit(url)["X-Page-Cache"] == "hit"
    assert member_client.get(url).status_code == 200
    assert not cache.is_down
