"""Searching posts: the filters users can set, visibility, and the database's own matching."""

from dataclasses import dataclass

from django.db import connections
from django.db.models import Exists, OuterRef

from accounts.models import Role
from forum.models import Citation, Post

from . import postgres, sqlite
from .query import SearchExpression, parse_query
from .snippets import highlight

_BACKENDS = {"postgresql": postgres, "sqlite": sqlite}


@dataclass(frozen=True)
class PostSearch:
    text: str
    category: str = ""        # category slug
    author: str = ""          # username, any case
    experts_only: bool = False
    doi: str = ""             # already normalised (forum.references.identifiers.normalize_doi)
    titles_only: bool = False

    @property
    def expression(self) -> SearchExpression:
        return parse_query(self.text)


def searchable_posts():
    # Hidden and deleted content is left in the index and filtered here, so hiding a post or
    # deleting a topic takes effect at once without touching the index.
    return Post.objects.filter(
        deleted_at__isnull=True, hidden_at__isnull=True,
        topic__deleted_at__isnull=True, topic__unlisted=False,
    )


def search_posts(search: PostSearch):
    """Matching visible posts, best first, each with `search_rank` and `search_snippet`.

    An empty expression (blank, punctuation, only stop words or exclusions) matches nothing.
    """
    expression = search.expression
    posts = searchable_posts()
    if expression.is_empty:
        return posts.none()
    if search.category:
        posts = posts.filter(topic__category__slug=search.category)
    if search.author:
        posts = posts.filter(author__username__iexact=search.author)
    if search.experts_only:
        posts = posts.filter(author__role=Role.EXPERT)
    if search.doi:
        posts = posts.filter(Exists(Citation.objects.filter(post=OuterRef("pk"), study__doi=search.doi)))
    backend = _BACKENDS[connections[posts.db].vendor]
    return backend.matching(posts, expression, titles_only=search.titles_only).select_related(
        "topic", "topic__category", "author"
    )


def with_snippets(posts):
    """Attach `snippet_html` (escaped, matches in <mark>) to each post of a results page."""
    for post in posts:
        post.snippet_html = highlight(post.search_snippet)
    return posts
