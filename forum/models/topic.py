from django.conf import settings
from django.db import models
from django.db.models.expressions import Col
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact

from forum.common.prepared import Prepared
from forum.common.url_patterns import fast_reverse

from .changes import rows_changed


class TopicState(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    ARCHIVED = "archived", "Archived"


def page_for(post_number: int) -> int:
    """The page of its topic a post is on (post numbers never change: a deleted post keeps its place)."""
    return max(1, -(-post_number // settings.FORUM_POSTS_PER_PAGE))


class TopicQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # Moderation and posting change topics with update(); see forum.live.change_events.
        topic_ids = self._pk_asked() or list(self.values_list("pk", flat=True))
        rows = super().update(**kwargs)
        rows_changed.send(sender=self.model, fields=set(kwargs), topic_ids=topic_ids)
        return rows

    def _pk_asked(self) -> list[int] | None:
        """[id] for `filter(pk=id)` and nothing else: the topic a change is about is known without
        reading it first (a reply updates its topic while holding its row lock)."""
        where = self.query.where
        if self.query.is_sliced or where.negated or len(where.children) != 1:
            return None
        lookup = where.children[0]
        if (isinstance(lookup, Exact) and isinstance(lookup.lhs, Col) and lookup.lhs.target is self.model._meta.pk
                and type(lookup.rhs) is int):
            return [lookup.rhs]
        return None

    def visible_to(self, user):
        if getattr(user, "is_moderator", False):
            return self
        return self.filter(deleted_at__isnull=True)

    def listed(self):
        return self.filter(unlisted=False)

    def with_reading_state(self, user):
        """Annotate how far `user` has read (`last_read`, None if never opened) and their watch
        level, in the same query as the list."""
        from .following import TopicSubscription

        mine = TopicSubscription.objects.filter(user=user, topic=models.OuterRef("pk"))
        return self.annotate(
            last_read=models.Subquery(mine.values("last_read_post_number")[:1]),
            watch_level=models.Subquery(mine.values("level")[:1]),
        )

    def unread_for_member(self):
        """After with_reading_state: topics with posts the member has not seen, muted ones aside."""
        # Never-opened topics have no level (NULL), and `exclude(watch_level="muted")` would drop
        # them too: NOT (NULL = 'muted') is not true in SQL.
        return self.filter(
            models.Q(last_read__isnull=True) | models.Q(last_read__lt=models.F("posts_count")),
            models.Q(watch_level__isnull=True) | models.Q(watch_level__in=["watching", "tracking"]),
        )

    def awaiting_expert(self):
        """Topics an expert should look at: not pinned (announcements ask nothing), not asked by an
        expert, and no visible expert reply. Worked out from the posts as they are now, so a member
        verified as an expert since then counts, whatever `expert_answered` was when they wrote."""
        from .post import Post

        expert_reply = Post.objects.filter(
            topic=models.OuterRef("pk"), post_number__gt=1, author__role="expert",
            deleted_at__isnull=True, hidden_at__isnull=True,
        )
        return (self.filter(pinned=False, pinned_globally=False)
                .exclude(author__role="expert").exclude(models.Exists(expert_reply)))

    def with_evidence_certainty(self):
        """Annotate `evidence_certainty`: the level of the topic's evidence summary ("" without
        one), in the same query, so lists show their badges and the topic page asks for the
        summary only when there is one. A join on the one-to-one summary: as a subquery it cost
        more to compose than to run."""
        return self.annotate(evidence_certainty=Coalesce(
            models.F("evidence_summary__certainty"), models.Value(""), output_field=models.CharField(),
        ))

    def for_list(self, *, in_category: bool = False, with_category: bool = True):
        """Topics as lists show them, with their category and the bylines of their author and last
        poster; their tags come by `topics_tags_attach` once the page's topics are read.
        `with_category=False`: the category left to a caller who has every one at hand."""
        # Site-wide pins lead every list; a category page then shows its own pins.
        pins = ["-pinned_globally", "-pinned"] if in_category else ["-pinned_globally"]
        User = self.model._meta.get_field("author").related_model
        # A list shows two members a topic: the rest of their rows (password hash, biography, dates
        # parsed one by one) cost a tenth of the page to read.
        related = ["category", "author", "last_poster"] if with_category else ["author", "last_poster"]
        return (
            self.with_evidence_certainty()
            .select_related(*related)
            .defer(*User.beyond_byline("author", "last_poster"))
            .order_by(*pins, "-last_posted_at", "-pk")
        )


class Topic(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, allow_unicode=False)
    category = models.ForeignKey("forum.Category", on_delete=models.PROTECT, related_name="topics")
    tags = models.ManyToManyField("forum.Tag", blank=True, related_name="topics")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="topics")
    state = models.CharField(max_length=16, choices=TopicState.choices, default=TopicState.OPEN)
    pinned = models.BooleanField(default=False, help_text="Pinned at the top of its category.")
    pinned_globally = models.BooleanField(default=False, help_text="Pinned at the top of the latest list.")
    unlisted = models.BooleanField(default=False, help_text="Reachable by link, absent from lists.")
    expert_answered = models.BooleanField(default=False)
    posts_count = models.PositiveIntegerField(default=0)
    last_posted_at = models.DateTimeField(null=True, blank=True)
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_answer = models.ForeignKey(
        "forum.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When the answer was accepted: evidence that changes later is pointed out on it.
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    State = TopicState

    objects = TopicQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["-pinned_globally", "-last_posted_at"], name="topic_latest_idx"),
            # The category page's order: site-wide pins, then the category's, then activity.
            models.Index(fields=["category", "-pinned_globally", "-pinned", "-last_posted_at"],
                         name="topic_category_list_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self, url=fast_reverse) -> str:
        # `url`: a page's own (forum/common/url_patterns.py, page_reverse) when it links many.
        return url("forum:topic", self.slug, self.pk)

    def post_url(self, post_number: int) -> str:
        """The post's permalink, for sharing: it finds the post's page when followed."""
        return fast_reverse("forum:post_permalink", self.slug, self.pk, post_number)

    def post_page_url(self, post_number: int) -> str:
        """Where the permalink leads: the page that shows the post, at the post. Pages sent back
        to a topic after a write go here at once, not through the permalink's extra request."""
        page = page_for(post_number)
        return f"{self.get_absolute_url()}{f'?page={page}' if page > 1 else ''}#post-{post_number}"

    @property
    def unread_count(self) -> int | None:
        """Posts after the member's last read one (None: never opened), from with_reading_state."""
        last_read = getattr(self, "last_read", None)
        if last_read is None:
            return None
        return max(self.posts_count - last_read, 0)

    @property
    def evidence_certainty_label(self) -> str:
        """"Low", "Very low" ... from `with_evidence_certainty`; "" without a summary."""
        from .evidence_summary import CertaintyLevel

        level = getattr(self, "evidence_certainty", "")
        return CertaintyLevel(level).label if level else ""

    @property
    def replies_count(self) -> int:
        return max(self.posts_count - 1, 0)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def accepts_replies(self) -> bool:
        return self.state == TopicState.OPEN and not self.is_deleted


def _topics_tags(topic_ids):
    return (Topic.tags.through.objects.filter(topic_id__in=topic_ids)
            .order_by("tag__name").values_list("topic_id", "tag_id", "tag__name"))


# Every topic list shows its topics' tags: composed once per process for each length of list
# (forum/common/prepared.py), where prefetch_related composed its query on every page.
_TOPICS_TAGS = Prepared(_topics_tags)


def topics_tags_attach(topics) -> None:
    """Each topic's tags, by name, read in one query for the list, as `topic.shown_tags`."""
    from .tag import Tag

    topics = list(topics)
    found: dict[int, list] = {topic.pk: [] for topic in topics}
    tags: dict[int, Tag] = {}
    for topic_id, tag_id, name in (_TOPICS_TAGS.fetch(list(found)) if found else ()):
        if tag_id not in tags:
            tags[tag_id] = Tag.from_db(None, ["id", "name"], (tag_id, name))
        found[topic_id].append(tags[tag_id])
    # A plain list, where `topic.tags.all()` answering from a prefetched queryset cost a related
    # manager and a queryset for every row (a tenth of a millisecond a page).
    for topic in topics:
        topic.shown_tags = found[topic.pk]
