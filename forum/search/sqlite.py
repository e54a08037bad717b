"""SQLite full-text search: the FTS5 table `forum_post_search`, ranked with bm25() and
highlighted with snippet()."""

from .query import SearchExpression
from .snippets import START, STOP

# Title words count ten times body words, as PostgreSQL's A weight outranks B.
_RANK = "-bm25(forum_post_search, 10.0, 1.0)"
_SNIPPET = f"snippet(forum_post_search, 1, '{START}', '{STOP}', ' … ', 40)"


def matching(posts, expression: SearchExpression, *, titles_only: bool = False):
    """`posts` narrowed to those matching, with `search_rank` and `search_snippet`, best first."""
    match = expression.to_fts5(column="title" if titles_only else None)
    # extra() because bm25() and snippet() only work on the FTS5 table's own cursor, so the table
    # has to be joined in the FROM clause rather than reached through a subquery.
    return posts.extra(
        tables=["forum_post_search"],
        where=["forum_post_search.rowid = forum_post.id", "forum_post_search MATCH %s"],
        params=[match],
        select={"search_rank": _RANK, "search_snippet": _SNIPPET},
    ).order_by("-search_rank", "-created_at", "-pk")
