"""PostgreSQL full-text search: websearch_to_tsquery over the stored search vector (GIN index),
ranked with ts_rank and highlighted with ts_headline."""

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.db.models import F, Func, TextField, Value
from django.db.models.expressions import RawSQL

from .query import SearchExpression
from .snippets import START, STOP

CONFIG = "english"


def _query(expression: SearchExpression) -> SearchQuery:
    return SearchQuery(expression.to_websearch(), search_type="websearch", config=CONFIG)


def candidates(posts, expression: SearchExpression, *, titles_only: bool = False, limit: int):
    """(id, rank, created_at) of the newest `limit` of `posts` that match."""
    query = _query(expression)
    # `search_vector` is a column the trigger keeps, not a model field (see schema.py). Titles
    # are the A-weighted lexemes of a first post's vector.
    vector_sql = "ts_filter(forum_post.search_vector, '{a}')" if titles_only else "forum_post.search_vector"
    vector = RawSQL(vector_sql, [], output_field=SearchVectorField())
    posts = posts.alias(search_vector=vector).filter(search_vector=query)
    if titles_only:
        posts = posts.filter(post_number=1)
    # Newest first and stop at the limit: a common word is found by walking the primary key
    # backwards, a rare one through the GIN index; either way ts_rank runs on `limit` rows at most.
    return list(posts.annotate(search_rank=SearchRank(vector, query)).order_by("-pk")
                .values_list("pk", "search_rank", "created_at")[:limit])


def reranked(rows: list[tuple], *, capped: bool) -> list[tuple]:
    """Candidates put together from two answers (forum/search/reuse.py): ts_rank weighs each post
    on its own, so their ranks stand."""
    return rows


def _regexp_replace(expression, pattern: str, replacement: str):
    return Func(expression, Value(pattern), Value(replacement), Value("gi"), function="regexp_replace",
                output_field=TextField())


def _snippet_text():
    # The indexed text with a quote's bounds as quotation marks (the index drops quote tags
    # altogether), so a snippet does not run the quoted words into the writer's own.
    text = _regexp_replace(F("raw"), "[\x02\x03]", "")
    text = _regexp_replace(text, r"\[quote[^\]]*\]", " “")
    return _regexp_replace(text, r"\[/quote\]", "” ")


def with_snippets(posts, expression: SearchExpression, ids: list[int]):
    """`posts` (a page of results) with `search_snippet`."""
    return posts.annotate(
        search_snippet=SearchHeadline(
            _snippet_text(),
            _query(expression),
            config=CONFIG,
            start_sel=START,
            stop_sel=STOP,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
        ),
    )
