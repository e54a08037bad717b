"""Whole topic pages for visitors who are not signed in, served from the cache.

Most readers of a forum are visitors, and every visitor sees the same topic page. The first one
to ask renders it; the next ones get the stored bytes before a session is loaded or a query is
made.

Exactness comes from generations, not from expiry. Each topic has a generation token, and the
site has one; a stored page remembers the two tokens it was rendered under and is served only
while both are unchanged. Every write that can change what a visitor sees of a topic announces it
(forum.live.change_events: a reply, an edit, a vote, a hide, a quote's new status ...), and the
topic's token is renewed; writes whose effect reaches across topics (a renamed member, a study's
new metadata, a moved or retitled topic that other topics quote) renew the site's.

A token changes twice: at once, and again when the transaction commits. A reader that renders
between the two may have seen the old rows and stores its page under the first new token; the
second change makes sure that page is never served.

A page says "3 minutes ago": its copy is kept until the first such date on it would read
differently (the view says when, as `dates_change_at` on its response), and never longer than
FORUM_PAGE_CACHE_SECONDS. A post over a month old shows its day, which never changes: a page of
such posts is kept that long.

A renewal that cannot reach the cache (Redis down) renews the cache's epoch instead, which
abandons every stored page: forum/caching/resilient_cache.py.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone

from forum.live.change_events import entries_current, generations_renew

SITE_KEY = "page-gen:site"
# The slug as the URL pattern spells it: an address no topic page has (a NUL in it) is no cache key.
_TOPIC_PATH = re.compile(r"^/t/[-a-zA-Z0-9_]+/(\d+)/$")
# Only the addresses the site links to are stored: `?utm_source=...` and the like would let
# anyone fill the cache with copies of one page.
CACHEABLE_QUERY = re.compile(r"^(page=[1-9]\d{0,5})?$")


def _topic_key(topic_id: int) -> str:
    return f"page-gen:topic:{topic_id}"


def _parts_key(topic_id: int) -> str:
    return f"part-gen:topic:{topic_id}"


def _page_key(path: str, query: str) -> str:
    return f"page:{path}?{query}"


def _change(keys: list[str]) -> None:
    if settings.FORUM_PAGE_CACHE or settings.FORUM_FRAGMENT_CACHE:
        generations_renew(keys)


def topic_changed(*topic_ids: int | None) -> None:
    """What visitors see of these topics has changed (or will, when this transaction commits),
    the parts drawn from the whole topic (`cached_for_topic`) with the rest: renewed together."""
    ids = {t for t in topic_ids if t is not None}
    if ids:
        _change([*map(_topic_key, ids), *map(_parts_key, ids)])


def topic_counts_changed(*topic_ids: int | None) -> None:
    """Only posts' helpful counts changed: the pages, not their parts drawn from the whole topic."""
    keys = sorted({_topic_key(t) for t in topic_ids if t is not None})
    if keys:
        _change(keys)


def site_changed() -> None:
    """Something shown on many topic pages has changed: no stored page is current any more."""
    _change([SITE_KEY])


def generation_keys(topic_id: int) -> list[str]:
    """The generations a page of this topic is stored under: the site's and the topic's."""
    return [SITE_KEY, _topic_key(topic_id)]


def current_entries(keys: list[str], topic_id: int) -> tuple[dict, tuple[str, ...]]:
    """In one round trip: the entries under `keys` still current for this topic (its generation
    and the site's), and the generations a new entry is to be stored under."""
    return entries_current(keys, generation_keys(topic_id))


def _part_key(topic_id: int, name: str) -> str:
    return f"part:{name}:{topic_id}"


def parts_keys(topic_id: int, names: list[str]) -> list[str]:
    """The keys `cached_for_topic` reads for these parts, for a page that reads its keys together
    (change_events.read_together)."""
    if not settings.FORUM_FRAGMENT_CACHE:
        return []
    return [*(_part_key(topic_id, name) for name in names), *_parts_generation_keys(topic_id)]


def _parts_generation_keys(topic_id: int) -> list[str]:
    """The generations the parts drawn from a whole topic are stored under."""
    return [SITE_KEY, _parts_key(topic_id)]


def cached_for_topic(topic_id: int, renders: dict) -> dict:
    """Parts of a topic page drawn from the whole topic (the Evidence panel: citations come and
    go with posts, studies change site-wide), cached under the site's generation and the topic's
    parts' one, which every change to the topic renews but a vote ("topic_counts" in
    forum/live/change_events.py): {name: value}, calling `renders[name]()` for each part without
    a current copy."""
    if not settings.FORUM_FRAGMENT_CACHE:
        return {name: render() for name, render in renders.items()}
    names = {_part_key(topic_id, name): name for name in renders}
    hits, generations = entries_current(list(names), _parts_generation_keys(topic_id))
    values, fresh = {}, {}
    for key, name in names.items():
        if key in hits:
            values[name] = hits[key]
        else:
            values[name] = renders[name]()
            fresh[key] = (generations, values[name])
    if fresh:
        cache.set_many(fresh, timeout=24 * 60 * 60)
    return values


def keep_seconds(dates_change_at) -> int:
    """How long a page may be kept: until `dates_change_at`, when the first relative date on it
    would read differently (None: none ever will), and FORUM_PAGE_CACHE_SECONDS at the longest.
    0 when that moment has passed: the page is not to be kept at all."""
    longest = settings.FORUM_PAGE_CACHE_SECONDS
    if dates_change_at is None:
        return longest
    return max(0, min(longest, int((dates_change_at - timezone.now()).total_seconds())))


def _is_visitor(request) -> bool:
    # A session cookie may mean a signed-in member; a messages cookie means a flash message to
    # show. Either way the page is this reader's own.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and CookieStorage.cookie_name not in request.COOKIES


class VisitorPageCacheMiddleware:
    """Serves and stores topic pages for visitors. Sits before the session middleware so a hit
    costs a cache look-up and nothing else; the security middlewares before it still add their
    headers on the way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = _TOPIC_PATH.match(request.path_info)
        query = request.META.get("QUERY_STRING", "")
        # Not with DEBUG on: a developer changing a template would be shown the old page.
        if not (settings.FORUM_PAGE_CACHE and not settings.DEBUG and match and request.method == "GET"
                and CACHEABLE_QUERY.match(query) and _is_visitor(request)):
            return self.get_response(request)

        page_key = _page_key(request.path_info, query)
        hits, generations = current_entries([page_key], int(match[1]))
        if page_key in hits:
            return hits[page_key]

        response = self.get_response(request)
        keep = keep_seconds(getattr(response, "dates_change_at", None))
        if response.status_code == 200 and not response.cookies and not response.streaming and keep:
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            response["X-Page-Cache"] = "stored"
            cache.set(page_key, (generations, _copy_for_cache(response)), timeout=keep)
        return response


def _copy_for_cache(response):
    copy = HttpResponse(response.content, status=response.status_code)
    for header, value in response.items():
        copy[header] = value
    copy["X-Page-Cache"] = "hit"
    return copy


# --- What changes a page -------------------------------------------------------------------
# Writes announce what they changed through forum.live.change_events; the page cache listens.


def connect_signals() -> None:
    from forum.live import change_events

    change_events.connect_signals()
    change_events.subscribe("topic", topic_changed)
    change_events.subscribe("topic_counts", topic_counts_changed)
    change_events.subscribe("site", site_changed)
