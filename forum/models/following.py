from django.conf import settings
from django.db import models


class WatchLevel(models.TextChoices):
    WATCHING = "watching", "Watching: notified of every new post"
    TRACKING = "tracking", "Tracking: unread counts, notified when mentioned or replied to"
    MUTED = "muted", "Muted: never notified, hidden from unread"


class TopicSubscription(models.Model):
    """A member's relation to one topic: how closely they follow it and how far they have read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_subscriptions")
    topic = models.ForeignKey("forum.Topic", on_delete=models.CASCADE, related_name="subscriptions")
    level = models.CharField(max_length=10, choices=WatchLevel.choices, default=WatchLevel.TRACKING)
    # Set when the member chose the level themselves; automatic watching never overrides a choice.
    level_chosen = models.BooleanField(default=False)
    last_read_post_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="topic_subscription_unique")]
        indexes = [models.Index(fields=["topic", "level"], name="topic_subscription_level_idx")]


class CategorySubscription(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="category_subscriptions")
    category = models.ForeignKey("forum.Category", on_delete=models.CASCADE, related_name="subscriptions")
    level = models.CharField(max_length=10, choices=WatchLevel.choices, default=WatchLevel.TRACKING)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="category_subscription_unique")]


class Draft(models.Model):
    """What a member was writing, saved as they type: per topic, for a new topic, or an edit.

    Everything the composer holds is kept, as typed and uncut: a draft over a limit is still the
    member's text, and the form says by how much it is over when they post it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    key = models.CharField(max_length=40, help_text='"new-topic", "topic-<id>" or "edit-<post id>"')
    title = models.TextField(blank=True)
    raw = models.TextField()
    reply_to = models.PositiveIntegerField(null=True, blank=True)
    category = models.ForeignKey("forum.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    tags = models.TextField(blank=True, help_text="As typed: comma-separated")
    reason = models.TextField(blank=True, help_text="An edit's reason, as typed")
    competing_interests = models.TextField(blank=True, help_text="As typed")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="draft_unique_per_place")]


class NotificationPreference(models.Model):
    """A member's choice for one kind of notification; without a row, the kind's default applies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(max_length=24)
    web = models.BooleanField(default=True)
    email = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]
