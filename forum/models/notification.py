from django.conf import settings
from django.db import models
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
        rows_changed.send(sender=self.model, fields=set(), recipient_ids={n.recipient_id for n in objs})
        return created

    def unread(self):
        return self.filter(read_at__isnull=True)

    def about_visible_posts(self):
        # A notification about a post that has since been deleted would lead nowhere (and name
        # a deleted topic), so it quietly drops out of the list and the count. Except the one that
        # tells an author their post was deleted: that deletion is its whole message.
        return self.filter(Q(post__isnull=True) | Q(kind="post_deleted")
                           | Q(post__deleted_at__isnull=True, post__topic__deleted_at__isnull=True))

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
