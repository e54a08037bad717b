"""Full-text search over posts (PostgreSQL full-text search or SQLite FTS5) and studies.

    query.py     web-search syntax, parsed once and written out safely for each database
    schema.py    the index and the triggers that keep it in step (installed by a migration)
    postgres.py  matching, ranking and snippets on PostgreSQL
    sqlite.py    the same on SQLite
    posts.py     filters and visibility; the entry point for post searches
    studies.py   studies by title, journal and abstract
    snippets.py  escaping snippets and highlighting matches
"""

from .posts import PostSearch, search_posts, with_snippets
from .query import SearchExpression, parse_query
from .studies import search_studies

__all__ = ["PostSearch", "SearchExpression", "parse_query", "search_posts", "search_studies", "with_snippets"]
