"""What a search page shows of its results, kept for the next reader of the same results.

Drawing a page of results is most of what a search costs once its candidates are reused
(forum/search/reuse.py): the database's highlighted snippet of each post, the post's excerpt read
from its HTML around the matched words, the list itself, and the studies that match. All of it
depends only on which posts are on the page and on the query, never on who is reading (the
search's filters decide which posts; a result shows nothing of the reader's own), so it is kept
as HTML under those and one generation.

The generation is renewed by every write that can change how a result reads: the "search" writes
(a post's text edited or re-rendered, a post hidden, deleted or moved, a topic retitled, moved or
unlisted) and the "site" ones (a member's name, a category, a study's metadata): see
forum/live/change_events.py. Dates are written in the reader's time zone, which is part of the key.

On with the fragment cache (FORUM_FRAGMENT_CACHE). Without a reachable cache every page is drawn.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from forum.live import change_events

GENERATION_KEY = "search-shown-gen"
# As long as a kept search's candidates: past that, the next reader draws the page anew anyway.
_KEEP_SECONDS = 24 * 60 * 60


def _renew(*_ids) -> None:
    if settings.FORUM_FRAGMENT_CACHE:
        change_events.generations_renew([GENERATION_KEY])


def connect() -> None:
    change_events.subscribe("search", _renew)
    change_events.subscribe("site", _renew)


def _key(parts: tuple) -> str:
    described = repr((parts, timezone.get_current_timezone_name()))
    return "search-shown:" + hashlib.blake2b(described.encode(), digest_size=16).hexdigest()


def shown_html(parts: tuple, draw: Callable[[], str]) -> str:
    """The HTML `draw()` makes for what `parts` names (the query and the page's post ids, say),
    from the cache when it was drawn under the current generation."""
    if not settings.FORUM_FRAGMENT_CACHE:
        return draw()
    key = _key(parts)
    hits, generations = change_events.entries_current([key], [GENERATION_KEY])
    if key in hits:
        return hits[key]
    html = draw()
    if all(generations):  # "" when the cache cannot be reached: nothing is kept under it
        cache.set(key, (generations, html), timeout=_KEEP_SECONDS)
    return html
