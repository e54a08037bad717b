"""SQLite full-text search: the FTS5 table `forum_post_search`, ranked with bm25() and
highlighted with snippet()."""

from .query import SearchExpression
from .snippets import START, STOP

# Title words count ten times body words, as PostgreSQL's A weight outranks B.
_RANK = "-bm25(forum_post_search, 10.0, 1.0)"
_SNIPPET = f"snippet(forum_post_search, 1, '{START}', '{STOP}', ' … ', 40)"


def candidates(posts, expression: SearchExpression, *, titles_only: bool = False, limit: int):
    """(id, rank, created_at) of the newest `limit` of `posts` that match."""
    match = expression.to_fts5(column="title" if titles_only else None)
    matching = _matching(posts, match)
    # Ordering by the FTS5 rowid lets FTS5 walk its index newest first and stop at the limit.
    newest = list(matching.extra(order_by=["-forum_post_search.rowid"]).values_list("pk", "created_at")[:limit])
    if len(newest) < limit:
        ranked = matching.extra(select={"search_rank": _RANK}).values_list("pk", "search_rank", "created_at")
        return list(ranked)
    # So many posts match that bm25() would cost more than everything else: before it weighs a
    # word it counts every row containing it (170 ms for "placebo trial" at a million posts).
    # The newest matches are shown newest first instead.
    return [(pk, 0.0, created) for pk, created in newest]


def reranked(rows: list[tuple], *, capped: bool) -> list[tuple]:
    """Candidates put together from two answers (forum/search/reuse.py), ranked as `candidates`
    ranks one answer: newest first, unweighed, once the limit is reached."""
    return [(pk, 0.0, created) for pk, _rank, created in rows] if capped else rows


def _matching(posts, match: str):
    # extra() because bm25() and snippet() only work on the FTS5 table's own cursor, so the table
    # has to be joined in the FROM clause rather than reached through a subquery.
    return posts.extra(
        tables=["forum_post_search"],
        where=["forum_post_search.rowid = forum_post.id", "forum_post_search MATCH %s"],
        params=[match],
    )


def with_snippets(posts, expression: SearchExpression, ids: list[int]):
    """`posts` (the page of results `ids`) with `search_snippet`."""
    # The rowid range keeps FTS5 to the part of its index where the page lies; without it,
    # snippet() on twenty posts walked every match of a common word (140 ms at a million posts).
    return posts.extra(
        tables=["forum_post_search"],
        where=["forum_post_search.rowid = forum_post.id", "forum_post_search MATCH %s",
               "forum_post_search.rowid BETWEEN %s AND %s"],
        params=[expression.to_fts5(), min(ids), max(ids)],
        select={"search_snippet": _SNIPPET},
    )
