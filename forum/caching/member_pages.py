"""Members' topic pages from one shared copy, with each member's own parts put back.

A visitor's topic page is served whole from the cache (page_cache.py); a member's differs in a
few places only: their name and bell, their notification level, their draft, their own posts'
edit links and the posts they found helpful or flagged. The page is rendered once for every
member of the same kind (a moderator, the topic's author, an expert who may write the evidence
summary: `reader_kind`), with those places marked as slots (forum/common/personal_slots.py) and
the reader's own posts drawn as anybody's; that skeleton is stored under the topic's and the
site's generations, as a visitor's page is. Each member's request then costs the skeleton's
look-up, the few queries of their own state, and the rendering of their slots.

The page a member is served is the same whichever way it was made: the first member of a kind
to ask renders the page in full and has their slots filled by the same code as the next one
(tests/forum/caching/test_member_pages.py compares the two for members, moderators and the
topic's author).
"""

from __future__ import annotations

import pickle
from datetime import timedelta

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.utils import timezone

from forum.caching.page_cache import CACHEABLE_QUERY, current_entries, generation_keys, keep_seconds
from forum.common.personal_slots import skeleton_without

# Slots whose stored content is shared (rendered for no one in particular) and replaced only for
# a reader with something of their own there; every other slot is rendered for each reader.
NEUTRAL_SLOTS = ("composer", "post:")


def shared_page_applies(request) -> bool:
    """Whether this request's topic page may come from, and go into, the shared copy."""
    user = request.user
    if not (settings.FORUM_PAGE_CACHE and settings.FORUM_FRAGMENT_CACHE and not settings.DEBUG):
        return False
    if not user.is_authenticated or user.is_suspended:
        # A suspended member's page says why on every page: theirs alone, and rare.
        return False
    # A message to show (after a post, a vote without JavaScript ...) is placed on the page.
    if CookieStorage.cookie_name in request.COOKIES or request.session.get(SessionStorage.session_key):
        return False
    # The addresses the site links to, as for visitors' pages.
    return CACHEABLE_QUERY.match(request.META.get("QUERY_STRING", "")) is not None


def reader_kind(user, *, may_write_summary: bool) -> str:
    """What decides the shared parts of a member's page, besides whether they wrote the topic:
    everything the page shows differently to two members other than their slots."""
    return f"{int(bool(user.is_moderator))}.{user.moderation_step or '-'}.{int(may_write_summary)}"


def _key(request, kind: str, *, as_author: bool) -> str:
    return f"member-page:{request.path_info}?{request.META.get('QUERY_STRING', '')}:{kind}.{int(as_author)}"


def _keys(request, *, may_write_summary: bool) -> tuple[str, str]:
    kind = reader_kind(request.user, may_write_summary=may_write_summary)
    return _key(request, kind, as_author=False), _key(request, kind, as_author=True)


def lookup_keys(request, *, topic_id: int, may_write_summary: bool) -> list[str]:
    """The keys `member_page_find` reads, for a page that reads its keys together."""
    return [*_keys(request, may_write_summary=may_write_summary), *generation_keys(topic_id)]


def member_page_find(request, *, topic_id: int, may_write_summary: bool) -> tuple[dict | None, tuple]:
    """The stored page for this reader, if current: looked up for them both as the topic's author
    and not, in one round trip, since which they are is known from the stored page."""
    as_other, as_author = _keys(request, may_write_summary=may_write_summary)
    hits, generations = current_entries([as_other, as_author], topic_id)
    # The page says "3 minutes ago": it is kept no longer by the site's clock either.
    now = timezone.now()
    for key, entry in hits.items():
        if (entry["topic"].author_id == request.user.pk) == (key == as_author) and entry["kept_until"] > now:
            return entry, generations
    return None, generations


def member_page_store(request, *, generations: tuple, skeleton: list, topic, posts, dates_change_at,
                      versions: list[str], citation_numbers, last_number: int | None,
                      may_write_summary: bool) -> dict:
    """Store the shared copy of this page, kept until `dates_change_at` (page_cache.keep_seconds);
    returns the entry as a later request reads it."""
    keep = keep_seconds(dates_change_at)
    entry = {
        "skeleton": skeleton_without(skeleton, [name for name in _slot_names(skeleton)
                                                if not name.startswith(NEUTRAL_SLOTS)]),
        "topic": topic,
        # Unpickled only for a reader with posts of their own, votes or flags on the page.
        "posts": pickle.dumps(posts, protocol=pickle.HIGHEST_PROTOCOL),
        "authors": [(post.pk, post.author_id) for post in posts],
        "last_number": last_number,
        "kept_until": timezone.now() + timedelta(seconds=keep),
        "versions": versions,
        "citation_numbers": citation_numbers,
    }
    key = _key(request, reader_kind(request.user, may_write_summary=may_write_summary),
               as_author=topic.author_id == request.user.pk)
    if keep:
        cache.set(key, (generations, entry), timeout=keep)
    return entry


def entry_posts(entry: dict) -> list:
    return pickle.loads(entry["posts"])  # noqa: S301 - bytes this site stored in its own cache


def _slot_names(skeleton: list) -> list[str]:
    return [part[0] for part in skeleton if not isinstance(part, str)]
