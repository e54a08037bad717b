from functools import cache

from django.conf import settings
from django.db import connections, models
from django.db.models import Q

from .changes import rows_changed


class NotificationKind(models.TextChoices):
    MENTIONED = "mentioned", "mentioned you"
    REPLIED = "replied", "replied to your post"
    POSTED = "posted", "posted in a topic you watch"
    HELPFUL = "helpful", "found your post helpful"
    QUOTED = "quoted", "quoted you"
    ACCEPTED = "accepted", "marked your reply as the answer"
    POST_HIDDEN = "post_hidden", "hid your post"
    POST_UNHIDDEN = "post_unhidden", "made your post visible again"
    POST_DELETED = "post_deleted", "deleted your post"
    POST_RESTORED = "post_restored", "restored your post"
    POST_EDITED = "post_edited", "edited your post"
    NEEDS_SOURCE = "needs_source", "asked you to add a source"
    FLAG_OUTCOME = "flag_outcome", "reviewed your flag"
    CREDENTIAL = "credential", "reviewed your expert credential"
    SUSPENDED = "suspended", "suspended your account"
    EVIDENCE_CHANGED = "evidence_changed", "found that a study you relied on has changed"
    STUDY_SUGGESTION = "study_suggestion", "reviewed your suggested study correction"


# A member id no account has: the place in the prepared count where the member's goes.
_ANY_MEMBER = -7_316_052_498


@cache
def _unread_count_sql(alias: str, cap: int) -> tuple[str, tuple]:
    unread = Notification.objects.using(alias).filter(recipient_id=_ANY_MEMBER).unread().about_visible_posts()
    sql, params = unread.values("pk")[:cap].query.sql_with_params()
    return f"SELECT COUNT(*) FROM ({sql}) unread", params


class NotificationQuerySet(models.QuerySet):
    # Marking read, batching and creating in bulk change the members' counts that open pages
    # show live; see forum.live.change_events.
    def update(self, **kwargs):
        recipients = set(self.values_list("recipient_id", flat=True).distinct())
        rows = super().update(**kwargs)
        rows_changed.send(sender=self.model, fields=set(kwargs), recipient_ids=recipients)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        rows_changed.send(sender=self.model, fields=set(), recipient_ids={n.recipient_id for n in objs},
                         created=not kwargs.get("update_conflicts"))
        return created

    def unread(self):
        return self.filter(read_at__isnull=True)

    def about_visible_posts(self):
        # A notification about a post that has since been deleted would lead nowhere (and name
        # a deleted topic), so it quietly drops out of the list and the count. Except the one that
        # tells an author their post was deleted: that deletion is its whole message.
        return self.filter(Q(post__isnull=True) | Q(kind="post_deleted")
                           | Q(post__deleted_at__isnull=True, post__topic__deleted_at__isnull=True))

    def unread_count(self, user, *, cap: int) -> int:
        """How many notifications `user` has not read (about posts still there), counted up to `cap`.

        The header shows this on every page a member opens. Its SQL is composed by the ORM once
        per process and database, for a stand-in member, and then run with the member's id in its
        place: composing the query each time cost more than running it."""
        sql, params = _unread_count_sql(self.db, cap)
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [user.pk if param == _ANY_MEMBER else param for param in params])
            return cursor.fetchone()[0]

    def for_list(self, user):
        return (
            # count 0: a mention counted in the unread row of its topic (notifying._group_mentions).
            self.filter(recipient=user, count__gte=1)
            .about_visible_posts()
            .select_related("actor", "topic", "post")
            .order_by("-created_at", "-pk")
        )


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    topic = models.ForeignKey("forum.Topic", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    post = models.ForeignKey("forum.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # What a notification about a study (a suggested correction's outcome) leads to.
    study = models.ForeignKey("forum.Study", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # A short explanation shown with the notification (a moderator's reason, a flag outcome).
    message = models.CharField(max_length=300, blank=True)
    # For batched kinds ("3 people found this helpful").
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        constraints = [
            # One "quoted" notification per quoting post, however often that post is edited.
            models.UniqueConstraint(
                fields=["recipient", "kind", "post"], condition=Q(kind="quoted"),
                name="notification_quoted_once_per_post",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "post"], condition=Q(kind="mentioned"),
                name="notification_mentioned_once_per_post",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.recipient} {self.kind} by {self.actor}"

    @property
    def url(self) -> str:
        """Where the row leads: the post (opening it marks this read), else the topic; "" for a
        notification about the member's account, which the page links to their profile."""
        if self.post_id and self.topic_id and self.kind != NotificationKind.POST_DELETED:
            return self.topic.post_url(self.post.post_number)
        if self.topic_id:
            return self.topic.get_absolute_url()
        if self.study_id:
            from forum.common.url_patterns import fast_reverse

            return fast_reverse("forum:study", self.study_id)
        return ""

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
