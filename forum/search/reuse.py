"""A search's candidates found once, then reused with only the posts written since read again.

Finding the newest matches of a query is most of what a search costs on a big forum (at a million
posts, 10 to 40 ms of PostgreSQL for "sleep quality" or "naltrexone", a thousand rows to read and
rank), and the same queries come back again and again. So the candidates of a query (post id,
rank, date; forum/search/posts.py ranks them) are kept for FORUM_SEARCH_REUSE_SECONDS together
with the newest post id there was when they were found. A search in that time asks the database
only about the posts written since, through the same filters, and puts what it finds first: the
newest matches, as a search from scratch would find them.

Nothing else a search depends on is left to time: an edit, a hide, a delete, a restore, a topic
retitled, moved or unlisted, a member renamed (forum/live/change_events.py, "search") renews a
generation that every kept entry is stored under, and none of them is used again. Rows
shown are read through the same visibility filter at the time of the page.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max

from forum.live import change_events
from forum.models import Post

GENERATION_KEY = "search-gen"
# Posts written while a search ran may commit after it with lower ids than the newest it saw: the
# posts just below that id are read again with the new ones (a duplicate is dropped).
_IN_FLIGHT_MARGIN = 50
# How many new posts a kept answer is read together with before it is kept again as of now.
_KEPT_AGAIN_AFTER = 200


def _renew() -> None:
    if settings.FORUM_SEARCH_REUSE_SECONDS > 0:
        change_events.generations_renew([GENERATION_KEY])


def connect() -> None:
    change_events.subscribe("search", _renew)


def _key(posts, expression, titles_only: bool, limit: int, generation: str, described: str | None) -> str:
    if described is None:  # the posts named by their query when the caller gives no name for them
        described = repr(posts.query.sql_with_params())
    described = repr((posts.db, described, expression.to_websearch(), titles_only, limit, generation))
    return "search-candidates:" + hashlib.blake2b(described.encode(), digest_size=16).hexdigest()


def candidates_reused(backend, posts, expression, *, titles_only: bool, limit: int,
                      described: str | None = None) -> list[tuple]:
    """(post id, rank, created_at) of the newest `limit` of `posts` matching `expression`, as
    `backend.candidates` finds them, from a kept answer and the posts written since when there is one.
    `described` names what `posts` are (the search's filters), in place of their SQL, in the key."""
    seconds = settings.FORUM_SEARCH_REUSE_SECONDS
    if seconds <= 0:
        return backend.candidates(posts, expression, titles_only=titles_only, limit=limit)
    generation = change_events.generations_current([GENERATION_KEY])[GENERATION_KEY] or secrets.token_hex(8)
    key = _key(posts, expression, titles_only, limit, generation, described)
    kept = cache.get(key)
    newest_id = Post.objects.aggregate(newest=Max("pk"))["newest"] or 0
    if kept is None:
        rows = backend.candidates(posts, expression, titles_only=titles_only, limit=limit)
        cache.set(key, {"newest_id": newest_id, "rows": rows, "until": time.time() + seconds}, timeout=seconds)
        return rows
    since = max(0, kept["newest_id"] - _IN_FLIGHT_MARGIN)
    fresh = backend.candidates(posts.filter(pk__gt=since), expression, titles_only=titles_only, limit=limit)
    merged = {row[0]: row for row in kept["rows"]}
    merged.update((row[0], row) for row in fresh)
    newest_first = sorted(merged.values(), key=lambda row: row[0], reverse=True)[:limit]
    # Kept again as of now once many posts have come since: every search reads the posts written
    # since its kept answer, and on a busy forum five minutes of them cost more than the answer.
    # Until the same moment: the answer is still found afresh every FORUM_SEARCH_REUSE_SECONDS.
    remaining = int(kept.get("until", 0) - time.time())
    if newest_id - kept["newest_id"] > _KEPT_AGAIN_AFTER and remaining > 0:
        cache.set(key, {**kept, "newest_id": newest_id, "rows": newest_first}, timeout=remaining)
    if not fresh:
        return kept["rows"]
    return backend.reranked(newest_first, capped=len(newest_first) >= limit)
