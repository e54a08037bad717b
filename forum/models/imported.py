from django.db import models


class ImportedRecord(models.Model):
    """What one import brought in from another forum, keyed by that forum's own ids.

    A second run finds each thing it made before (and updates it when the source changed) rather
    than making it again, and an interrupted run resumes where the last committed topic ended.
    """

    class Kind(models.TextChoices):
        CATEGORY = "category", "Category"
        MEMBER = "member", "Member"
        TOPIC = "topic", "Topic"
        POST = "post", "Post"

    # The site imported from (its base address), so two sites' ids never meet.
    source = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    external_id = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()
    # A digest of the source fields the import maps: unchanged means nothing to update.
    fingerprint = models.CharField(max_length=64, blank=True)
    # For posts: the text as the source had it, so links to topics imported later can be
    # rewritten once those exist, without fetching the post again.
    source_raw = models.TextField(blank=True)
    needs_relink = models.BooleanField(default=False)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "external_id"], name="imported_record_unique"),
        ]
        indexes = [models.Index(fields=["source", "kind", "object_id"], name="imported_record_object_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.external_id} from {self.source}"
