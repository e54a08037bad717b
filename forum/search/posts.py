"""Searching posts: the filters users can set, visibility, and the database's own matching."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Exists, OuterRef

from accounts.models import Role
from forum.models import Citation, Post

from . import postgres, sqlite
from .query import SearchExpression, parse_query
from .reuse import candidates_reused
from .snippets import marked_excerpt

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


def search_posts(search: PostSearch) -> "RankedPosts":
    """Matching visible posts, best first, each with `search_rank` and `search_snippet`.

    An empty expression (blank, punctuation, only stop words or exclusions) matches nothing.
    """
    expression = search.expression
    posts = searchable_posts()
    if search.category:
        posts = posts.filter(topic__category__slug=search.category)
    if search.author:
        posts = posts.filter(author__in=get_user_model().objects.by_username(search.author))
    if search.experts_only:
        posts = posts.filter(author__role=Role.EXPERT)
    if search.doi:
        posts = posts.filter(Exists(Citation.objects.filter(post=OuterRef("pk"), study__doi=search.doi)))
    # The search's own fields name its filters: a key for its reused candidates that costs
    # nothing to make, where composing the filtered query's SQL cost a millisecond.
    return RankedPosts(posts, expression, titles_only=search.titles_only, described=repr(search))


class RankedPosts:
    """Search results, best first, as a sequence that Paginator (or a slice) reads page by page.

    Ranking every match is what makes a common word slow on a big forum: at a million posts,
    "placebo trial" matches a fifth of them. So the newest FORUM_SEARCH_CANDIDATES matches are
    ranked (an index walk that stops early) and the rest are not considered; `capped` says when
    that happened, and the page asks for a narrower search. Rows, snippets included, are fetched
    for the page being shown only.
    """

    def __init__(self, posts, expression: SearchExpression, *, titles_only: bool = False, prefetch=(),
                 described: str | None = None):
        self.posts, self.expression, self.titles_only, self.prefetch = posts, expression, titles_only, prefetch
        self.described = described
        self.limit = settings.FORUM_SEARCH_CANDIDATES
        self._ranked: list[tuple[int, float]] | None = None

    def _backend(self):
        return _BACKENDS[connections[self.posts.db].vendor]

    def ranked(self) -> list[tuple[int, float]]:
        """(post id, rank), best first."""
        if self._ranked is None:
            if self.expression.is_empty:
                self._ranked = []
            else:
                rows = candidates_reused(self._backend(), self.posts, self.expression,
                                         titles_only=self.titles_only, limit=self.limit, described=self.described)
                # Best rank first; among equals the newer post, as both databases did before.
                rows.sort(key=lambda row: (-row[1], -row[2].timestamp(), -row[0]))
                self._ranked = [(pk, rank) for pk, rank, _created in rows]
        return self._ranked

    @property
    def capped(self) -> bool:
        return len(self.ranked()) >= self.limit

    def count(self) -> int:
        return len(self.ranked())

    __len__ = count

    def prefetch_related(self, *lookups) -> "RankedPosts":
        return RankedPosts(self.posts, self.expression, titles_only=self.titles_only, prefetch=(*self.prefetch, *lookups),
                           described=self.described)

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index:index + 1][0]
        return self.posts_for(self.ranked()[index])

    def posts_for(self, wanted: list[tuple[int, float]]) -> list:
        """The posts of `wanted` ((post id, rank) pairs from `ranked()`), in its order, each with
        `search_rank` and `search_snippet`."""
        if not wanted:
            return []
        ranks = dict(wanted)
        # Through the search's own filters: a post hidden or deleted since the candidates were
        # found (forum/search/reuse.py keeps them) is not shown.
        # A result shows the post's HTML (its excerpt) and its author's byline, never its raw text.
        rows = (self.posts.filter(pk__in=list(ranks)).select_related("topic", "topic__category", "author")
                .defer("raw", *get_user_model().beyond_byline("author")))
        if self.prefetch:
            rows = rows.prefetch_related(*self.prefetch)
        found = {post.pk: post for post in self._backend().with_snippets(rows, self.expression, list(ranks))}
        page = []
        for pk, rank in wanted:
            if pk in found:  # deleted between the two queries: left out, not an error
                found[pk].search_rank = rank
                page.append(found[pk])
        return page

    def __iter__(self):
        return iter(self[:])


def with_snippets(posts):
    """Attach `snippet_html` (escaped, matches in <mark>) to each post of a results page: the
    post's excerpt (forum/following/post_excerpts.py), centred on the words the database matched."""
    from forum.following.post_excerpts import cited_study_ids, study_short_names

    posts = list(posts)
    names = study_short_names(set().union(*(cited_study_ids(post.cooked) for post in posts)) if posts else ())
    for post in posts:
        post.snippet_html = marked_excerpt(post, post.search_snippet, names=names)
    return posts
