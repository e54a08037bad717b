"""The header bell's count of a member's unread notifications, read from the cache.

Every page a signed-in member opens shows it, and counting it (up to 100 unread rows, each joined
to its post and topic to leave out those about deleted ones: `about_visible_posts()`) was the
costliest statement of a member's page view. So the count is kept in the cache, exact the way the
page cache is (forum/caching/page_cache.py): by generations, not expiry. An entry remembers the
two tokens it was counted under and is used only while both are unchanged:

- the member's, renewed whenever their notifications change (new, read, grouped, removed: the
  "notifications" change event);
- the site's, renewed whenever a post or a topic is deleted or restored ("post_deletion"), which
  can change anyone's count. One token for everyone, not a renewal for each member concerned:
  deletions are rare beside page views, and finding whose notifications are about a deleted
  topic's posts would cost a query at every deletion.

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


def _count_key(user_id: int) -> str:
    return f"bell:{CAP}:{user_id}"


def lookup_keys(user) -> list[str]:
    """The keys `unread_count_for_bell` reads, for a page that reads its keys together."""
    return [_count_key(user.pk), _member_key(user.pk), SITE_KEY] if settings.FORUM_FRAGMENT_CACHE else []


def unread_count_for_bell(user) -> int:
    """How many notifications `user` has not read, counted up to CAP: from the cache while
    nothing that changes it has happened since it was counted, else from the database."""
    if not settings.FORUM_FRAGMENT_CACHE:
        return Notification.objects.unread_count(user, cap=CAP)
    count_key = _count_key(user.pk)
    hits, tokens = change_events.entries_current([count_key], [_member_key(user.pk), SITE_KEY])
    if count_key in hits:
        return hits[count_key]
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


def _post_deletion_changed() -> None:
    _renew([SITE_KEY])


def connect() -> None:
    """Subscribed before live pages (ForumConfig.ready): a write outside a transaction renews
    each subscriber's keys in turn, and a live page woken by its own key must find the bell's
    already renewed, or it would be sent the count from before."""
    change_events.subscribe("notifications", _notifications_changed)
    change_events.subscribe("post_deletion", _post_deletion_changed)
