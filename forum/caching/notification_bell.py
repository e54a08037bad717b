"""The header bell's count of a member's unread notifications, read from the cache.

Every page a signed-in member opens shows it, and counting it (up to 100 unread rows, each joined
to its post and topic to leave out those about deleted ones: `about_visible_posts()`) was the
costliest statement of a member's page view. So the count is kept in the cache, exact the way the
page cache is (forum/caching/page_cache.py): by generations, not expiry. An entry remembers the
two tokens it was counted under and is used only while both are unchanged:

- the member's, renewed whenever their notifications change in a way that may leave fewer
  unread (read, grouped, removed: the "notifications" change event);
- the site's, renewed whenever a post or a topic is deleted or restored ("post_deletion"), which
  can change anyone's count. One token for everyone, not a renewal for each member concerned:
  deletions are rare beside page views, and finding whose notifications are about a deleted
  topic's posts would cost a query at every deletion.

A third token, the member's "added", is renewed when they are only sent new notifications
("notifications_added"): a count stored under an older one is out of date, unless it had already
reached the cap. A member watching busy topics has hundreds unread and a new one every few
seconds; each new one made the count again (a hundred rows joined to their posts and topics, the
costliest statement of the load test), to show "99+" again.

Tokens change at once and again when the write commits (change_events.generations_renew), so a
count made between a write and its commit is never taken for current. (Nothing renews them after a
rollback: a count made inside the very transaction that changed it and then rolled back would
stand. No view reads the bell inside its writes' transaction; the header is drawn after them.)

With the cache unreachable every read misses and the count comes from the database, as it did
before; a renewal lost then renews the cache's epoch (forum/caching/resilient_cache.py), so a
count Redis held from before is not trusted when it returns.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from forum.live import change_events
from forum.models import Notification

# Counted up to 100 and shown as "99+" beyond: a member who has not looked in months has
# thousands, and counting them all would cost as much again each time the count is made.
CAP = 100
SITE_KEY = "bell-gen:site"
# A count stays while its tokens do; a member who does not come back for a day is counted afresh.
ENTRY_SECONDS = 24 * 60 * 60


def _member_key(user_id: int) -> str:
    return f"bell-gen:member:{user_id}"


def _added_key(user_id: int) -> str:
    return f"bell-gen:added:{user_id}"


def _count_key(user_id: int) -> str:
    return f"bell:{CAP}:2:{user_id}"  # 2: counted under three tokens


def lookup_keys(user) -> list[str]:
    """The keys `unread_count_for_bell` reads, for a page that reads its keys together."""
    return [_count_key(user.pk), *_token_keys(user.pk)] if settings.FORUM_FRAGMENT_CACHE else []


def _token_keys(user_id: int) -> list[str]:
    return [_member_key(user_id), SITE_KEY, _added_key(user_id)]


def unread_count_for_bell(user) -> int:
    """How many notifications `user` has not read, counted up to CAP: from the cache while
    nothing that changes it has happened since it was counted, else from the database."""
    if not settings.FORUM_FRAGMENT_CACHE:
        return Notification.objects.unread_count(user, cap=CAP)
    count_key = _count_key(user.pk)
    found, tokens = change_events.entries_found([count_key], _token_keys(user.pk))
    if count_key in found:
        counted_under, count = found[count_key]
        # Under the same tokens; or at the cap, with nothing since but new notifications.
        if counted_under == tokens or (count >= CAP and counted_under[:2] == tokens[:2]):
            return count
    count = Notification.objects.unread_count(user, cap=CAP)
    # "" is a token the cache could not give (it is down): nothing is stored under it.
    if all(tokens):
        cache.set(count_key, (tokens, count), timeout=ENTRY_SECONDS)
    return count


# --- What changes a count ---------------------------------------------------------------------

def _renew(keys) -> None:
    if settings.FORUM_FRAGMENT_CACHE:
        change_events.generations_renew(keys)


def _notifications_changed(*user_ids: int) -> None:
    _renew(_member_key(u) for u in user_ids)


def _notifications_added(*user_ids: int) -> None:
    _renew(_added_key(u) for u in user_ids)


def _post_deletion_changed() -> None:
    _renew([SITE_KEY])


def connect() -> None:
    """Subscribed before live pages (ForumConfig.ready): a write outside a transaction renews
    each subscriber's keys in turn, and a live page woken by its own key must find the bell's
    already renewed, or it would be sent the count from before."""
    change_events.subscribe("notifications", _notifications_changed)
    change_events.subscribe("notifications_added", _notifications_added)
    change_events.subscribe("post_deletion", _post_deletion_changed)
