from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models

from forum.common.prepared import Prepared
from forum.common.url_patterns import fast_reverse

from .changes import rows_changed


class PostQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # Services hide, delete, re-render and count votes with update(): the topics whose
        # cached pages show these posts are found here, once, rather than at every call.
        from .quote import Quote

        topic_ids = set(self.values_list("topic_id", flat=True))
        if {"hidden_at", "deleted_at"} & kwargs.keys():
            # A hidden or deleted post leaves the "Quoted in" lines of the posts it quotes.
            topic_ids |= set(Quote.objects.filter(quoting_post__in=self).exclude(quoted_post=None)
                             .values_list("quoted_post__topic_id", flat=True))
        rows = super().update(**kwargs)
        rows_changed.send(sender=self.model, fields=set(kwargs), topic_ids=topic_ids)
        return rows

    def in_visible_topics(self, user):
        """Posts in topics `user` may open. A condition on the joined topic, not `topic IN
        (visible topics)`: SQLite would build the list of all 60,000 first."""
        if getattr(user, "is_moderator", False):
            return self
        return self.filter(topic__deleted_at__isnull=True)

    def for_topic_page(self, topic, first: int, last: int):
        # Post numbers are contiguous (deleted posts keep their number as a placeholder), so a
        # page is a number range on the (topic, post_number) index, never an OFFSET scan.
        # The replied-to post is wanted for its number alone: joining for one column beats
        # loading its whole row, body and HTML included. Authors come in a second query: on
        # PostgreSQL, posts 1-20 of a topic look common across the table (most topics are that
        # short), and joined to the users the planner then sorted and merged 30,000 user rows
        # for a 20-post page (26 ms instead of 0.2).
        # The page shows each post's stored HTML, never its raw text: not read (as much again).
        # Authors are not joined: `page_posts` reads them, and `authors_attach` for other callers.
        return (
            self.filter(topic=topic, post_number__range=(first, last))
            .defer("raw")
            .annotate(reply_to_number=models.F("reply_to__post_number"))
            .order_by("post_number")
        )

    def by_author_visible(self, user):
        return self.filter(author=user, deleted_at__isnull=True, topic__deleted_at__isnull=True)


class Post(models.Model):
    topic = models.ForeignKey("forum.Topic", on_delete=models.CASCADE, related_name="posts")
    post_number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts")
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies"
    )
    raw = models.TextField()
    cooked = models.TextField()
    cooked_version = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Hidden by a moderator (or by spam flags): readers see a placeholder, the author sees why.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    needs_source_at = models.DateTimeField(null=True, blank=True)
    helpful_count = models.PositiveIntegerField(default=0)
    # One line, asked for when the author cites a study they wrote (forum/markup/citations.py).
    competing_interests = models.CharField(max_length=300, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "post_number"], name="post_unique_number_per_topic"),
        ]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="post_author_recent_idx"),
            models.Index(fields=["cooked_version"], name="post_cooked_version_idx"),
            # A topic's visible posts without reading their rows: the Evidence panel counts
            # citations of a 1,000-post topic's visible posts, and each row read on SQLite walks
            # past the post's text to reach deleted_at and hidden_at (14 ms -> 0.5 ms). Not a
            # partial index: once analysed, SQLite preferred the plain topic index to it.
            models.Index(fields=["topic", "deleted_at", "hidden_at"], name="post_topic_visibility_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.post_number} in topic {self.topic_id}"

    def get_absolute_url(self) -> str:
        return self.topic.post_url(self.post_number)

    def page_url(self) -> str:
        """Where its permalink leads (Topic.post_page_url): pages sent back to it after a write."""
        return self.topic.post_page_url(self.post_number)

    def revisions_url(self) -> str:
        return fast_reverse("forum:post_revisions", self.pk)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def quoting_posts(self) -> list["QuotingPost"]:
        """The visible posts quoting this one, as set in `quoted_in` from `quoting_posts_by_post`."""
        return getattr(self, "quoted_in", [])

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def needs_source(self) -> bool:
        return self.needs_source_at is not None

    @property
    def is_first(self) -> bool:
        return self.post_number == 1


@dataclass(frozen=True)
class QuotingPost:
    """Enough of a quoting post for a "Quoted in" link: numbers and a title, no body."""

    pk: int
    post_number: int
    topic_id: int
    topic_slug: str
    topic_title: str

    def get_absolute_url(self) -> str:
        return fast_reverse("forum:post_permalink", self.topic_slug, self.topic_id, self.post_number)


# A page of a topic's posts and their authors, composed once per process (forum/common/prepared.py):
# every topic page and live update reads them.
_PAGE_POSTS = Prepared(lambda topic_id, first, last: Post.objects.for_topic_page(topic_id, first, last))
_AUTHORS = Prepared(lambda ids: get_user_model()._base_manager.filter(pk__in=ids))
# A post's byline (templates/jinja2/forum/discussion/_post.html and the fragment's key): the rest
# of a member's row (password hash, biography, the dates of sign-ins and digests, parsed one by one
# on SQLite) cost as much to read as the posts.
_BYLINES = Prepared(lambda ids: get_user_model()._base_manager.filter(pk__in=ids).only(*get_user_model().BYLINE_FIELDS))


def page_posts(topic, first: int, last: int) -> list["Post"]:
    """Posts `first` to `last` of `topic` (Post.objects.for_topic_page), each with its author's
    byline (User.BYLINE_FIELDS; anything else of the author is read when asked for)."""
    posts = _PAGE_POSTS.fetch(topic.pk, first, last)
    authors_attach(posts, read=_BYLINES)
    return posts


def authors_attach(posts: list["Post"], *, read: Prepared = _AUTHORS) -> None:
    """Give each post its author, read in one query by `id IN (...)`. Django 5.2's
    prefetch_related("author") builds its condition as a tuple lookup that SQLite gets as one
    `(id = %s)` OR-term per post, compiled expression by expression: a third of a 100-post page
    whose posts' HTML was cached."""
    if not posts:
        return
    author_field = Post._meta.get_field("author")
    authors = {author.pk: author for author in read.fetch(sorted({post.author_id for post in posts}))}
    for post in posts:
        author_field.set_cached_value(post, authors[post.author_id])


def _quoting_posts(post_ids):
    from .quote import Quote

    return (
        Quote.objects.filter(
            quoted_post__in=post_ids,
            quoting_post__deleted_at__isnull=True, quoting_post__hidden_at__isnull=True,
            quoting_post__topic__deleted_at__isnull=True,
        )
        .order_by("quoting_post__topic_id", "quoting_post__post_number")
        .values_list("quoted_post_id", "quoting_post_id", "quoting_post__post_number", "quoting_post__topic_id",
                     "quoting_post__topic__slug", "quoting_post__topic__title")
    )


_QUOTING_POSTS = Prepared(_quoting_posts)


def quoting_posts_by_post(post_ids: list[int]) -> dict[int, list[QuotingPost]]:
    """The distinct visible posts quoting each of `post_ids`, in one query for a page. Plain rows
    rather than model instances: a page of posts can be quoted dozens of times."""
    rows = _QUOTING_POSTS.fetch(list(post_ids)) if post_ids else []
    by_post: dict[int, dict[int, QuotingPost]] = {pk: {} for pk in post_ids}
    for quoted_id, *quoting in rows:
        by_post[quoted_id].setdefault(quoting[0], QuotingPost(*quoting))
    return {pk: list(quoting.values()) for pk, quoting in by_post.items()}
