from django.conf import settings
from django.db import models

from .changes import rows_changed


class VoteQuerySet(models.QuerySet):
    def post_ids_voted(self, user, posts) -> set[int]:
        """The ids of those of `posts` that `user` found helpful (none for a visitor)."""
        if not user.is_authenticated or not posts:
            return set()
        return set(self.filter(user=user, post__in=[p.pk for p in posts]).values_list("post_id", flat=True))


class Vote(models.Model):
    """One member found one post helpful."""

    post = models.ForeignKey("forum.Post", on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VoteQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="vote_once_per_post")]


class FlagReason(models.TextChoices):
    SPAM = "spam", "Spam"
    INAPPROPRIATE = "inappropriate", "Inappropriate"
    OFF_TOPIC = "off_topic", "Off-topic"
    NEEDS_SOURCE = "needs_source", "Needs a source"
    MISREPRESENTS_STUDY = "misrepresents", "The cited study does not say this"
    OTHER = "other", "Something else"


class FlagState(models.TextChoices):
    OPEN = "open", "Waiting for review"
    AGREED = "agreed", "Agreed: the post was hidden"
    DISAGREED = "disagreed", "Reviewed: no action needed"
    DELETED = "deleted", "Agreed: the post was deleted"
    SOURCE_REQUESTED = "source_requested", "Agreed: the author was asked for a source"
    EDITED = "edited", "Agreed: a moderator edited the post"


class FlagQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # Settling flags empties the review queue: moderators' open pages count it live.
        rows = super().update(**kwargs)
        rows_changed.send(sender=self.model, fields=set(kwargs))
        return rows

    def open(self):
        return self.filter(state=FlagState.OPEN)


class Flag(models.Model):
    post = models.ForeignKey("forum.Post", on_delete=models.CASCADE, related_name="flags")
    flagger = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(max_length=16, choices=FlagReason.choices)
    note = models.CharField(max_length=500, blank=True)
    # For "The cited study does not say this": which of the post's citations the flag is about.
    study = models.ForeignKey("forum.Study", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    state = models.CharField(max_length=20, choices=FlagState.choices, default=FlagState.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The moderator's reason, which the flagger is shown with the outcome.
    resolution_reason = models.CharField(max_length=300, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        constraints = [
            # One open flag per member and post: flagging again is a no-op, not a louder flag.
            models.UniqueConstraint(fields=["post", "flagger"], condition=models.Q(state="open"),
                                    name="flag_one_open_per_member_and_post"),
        ]
        indexes = [models.Index(fields=["state", "post"], name="flag_queue_idx")]


# What each audit code reads as in the log; a code missing here shows as itself, never as nothing.
ACTION_LABELS = {
    "study_edit": "Edited a study", "study_restore": "Restored a study's earlier revision",
    "study_suggestion_accept": "Accepted a suggested study correction",
    "study_suggestion_reject": "Rejected a suggested study correction",
    "pin": "Pinned in its category", "unpin": "Unpinned from its category",
    "pin_site_wide": "Pinned site-wide", "unpin_site_wide": "Unpinned site-wide",
    "close": "Closed", "reopen": "Reopened", "archive": "Archived",
    "list": "Listed", "unlist": "Unlisted", "move": "Moved", "retitle": "Retitled",
    "delete_topic": "Deleted the topic", "restore_topic": "Restored the topic",
    "hide_post": "Hid the post", "unhide_post": "Unhid the post",
    "delete_post": "Deleted the post", "restore_post": "Restored the post", "edit_post": "Edited the post",
    "needs_source": "Asked for a source", "clear_needs_source": "Cleared “needs a source”",
    "flags_agree": "Agreed with the flags and hid the post", "flags_disagree": "Disagreed with the flags",
    "flags_delete": "Agreed with the flags and deleted the post",
    "flags_ask_source": "Agreed with the flags and asked for a source",
    "suspend": "Suspended", "unsuspend": "Lifted the suspension",
    "approve_credential": "Verified an expert credential", "decline_credential": "Declined an expert credential",
    "revoke_credential": "Revoked an expert credential",
    "staff_note": "Added a staff note",
    "edit_evidence_summary": "Edited another's evidence summary",
    "accept_answer": "Accepted an answer", "unaccept_answer": "Unaccepted the answer",
}
_STATE_NAMES = {"open": "open", "closed": "closed", "archived": "archived"}


class ModerationAction(models.Model):
    """The audit log: every moderator action, who, what, on what, why and when."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=40, db_index=True)
    topic = models.ForeignKey("forum.Topic", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    post = models.ForeignKey("forum.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.actor} {self.action}"

    @property
    def label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action.replace("_", " ").capitalize())

    @property
    def change(self) -> tuple[str, str] | None:
        """(from, to) for actions that replace one value with another: moves, retitles, states."""
        details = self.details or {}
        if self.action in {"move", "retitle"} and "previous" in details:
            return details["previous"], details.get("to", "")
        if self.action in {"close", "reopen", "archive"} and "previous" in details:
            to = {"close": "closed", "reopen": "open", "archive": "archived"}[self.action]
            return _STATE_NAMES.get(details["previous"], details["previous"]), to
        return None


class StaffNote(models.Model):
    """What moderators want each other to know about a member (Discourse's user notes): seen by
    moderators only, on the member's profile and beside their flagged posts in the review queue."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
