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
    # extra() because bm25() only works on the FTS5 table's own cursor, so the table has to be
    # joined in the FROM clause rather than reached through a subquery. Ordering by the FTS5
    # rowid lets FTS5 walk its index newest first and stop at the limit.
    return list(posts.extra(
        tables=["forum_post_search"],
        where=["forum_post_search.rowid = forum_post.id", "forum_post_search MATCH %s"],
        params=[match],
        select={"search_rank": _RANK},
        order_by=["-forum_post_search.rowid"],
    ).values_list("pk", "search_rank", "created_at")[:limit])


def with_snippets(posts, expression: SearchExpression):
    """`posts` (a page of results) with `search_snippet`."""
    return posts.extra(
        tables=["forum_post_search"],
        where=["forum_post_search.rowid = forum_post.id", "forum_post_search MATCH %s"],
        params=[expression.to_fts5()],
        select={"search_snippet": _SNIPPET},
    )
