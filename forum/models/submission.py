"""One-time composer tokens: each form carries one, and only its first submit writes anything."""

from django.conf import settings
from django.db import models


class Submission(models.Model):
    """A form submit that was carried out, by the token its form carried.

    A double click, Back then "Post reply" again, a retried request or a second tab all send the
    same token; the unique constraint lets exactly one of them through, and the others are
    answered with the post the first one wrote or acted on.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    kind = models.CharField(max_length=16)  # reply, topic, edit, flag
    post = models.ForeignKey("forum.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="submission_once_per_token")]

    def __str__(self) -> str:
        return f"{self.kind} {self.token}"
