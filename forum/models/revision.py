from django.conf import settings
from django.db import models


class PostRevision(models.Model):
    """The text of a post before one edit: nothing a user wrote is ever overwritten.

    Revision N holds version N and who replaced it, when and why; version 1 was written by the
    post's author at `Post.created_at`, version N+1 by revision N's `edited_by`.
    """

    post = models.ForeignKey("forum.Post", on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(help_text="The version this revision preserves (1 = original).")
    raw = models.TextField()
    competing_interests = models.CharField(max_length=300, blank=True)
    title = models.CharField(max_length=200, blank=True, help_text="Topic title at that version, for first posts.")
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        help_text="Who replaced this version.",
    )
    edited_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["post", "number"], name="revision_unique_number_per_post"),
        ]

    def __str__(self) -> str:
        return f"v{self.number} of post {self.post_id}"
