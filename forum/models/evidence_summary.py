"""A topic's evidence summary: how certain the evidence is, outcome by outcome, as people judged it.

Modelled on GRADE's certainty levels and five domains, written by experts and moderators, and
always shown as the community's assessment, never as an official GRADE rating. The outcomes are
kept as one JSON list (see `forum.evidence.certainty.Outcome` for its shape) because a summary is
read, written and revised as a whole; every save keeps the whole list as a revision.
"""

from django.conf import settings
from django.db import models


class CertaintyLevel(models.TextChoices):
    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    VERY_LOW = "very_low", "Very low"


class DomainJudgement(models.TextChoices):
    NO_CONCERN = "no_concern", "No serious concern"
    SERIOUS = "serious", "Serious"
    VERY_SERIOUS = "very_serious", "Very serious"


# GRADE's five reasons to rate the certainty of a body of evidence down, in GRADE's order.
GRADE_DOMAINS: tuple[tuple[str, str], ...] = (
    ("risk_of_bias", "Risk of bias"),
    ("inconsistency", "Inconsistency"),
    ("indirectness", "Indirectness"),
    ("imprecision", "Imprecision"),
    ("publication_bias", "Publication bias"),
)


class EvidenceSummary(models.Model):
    """The current version of a topic's summary; `EvidenceSummaryRevision` keeps every version."""

    topic = models.OneToOneField("forum.Topic", on_delete=models.CASCADE, related_name="evidence_summary")
    outcomes = models.JSONField(default=list)
    # The first outcome's level: what topic lists show as the badge, read in the list's own query.
    certainty = models.CharField(max_length=16, choices=CertaintyLevel.choices)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"evidence summary of topic {self.topic_id} (v{self.version})"

    @property
    def certainty_label(self) -> str:
        return CertaintyLevel(self.certainty).label


class EvidenceSummaryRevision(models.Model):
    """The summary as one save left it: version N, who wrote it, when and why."""

    summary = models.ForeignKey(EvidenceSummary, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    outcomes = models.JSONField(default=list)
    certainty = models.CharField(max_length=16, choices=CertaintyLevel.choices)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["summary", "number"], name="evidence_summary_revision_unique_number"),
        ]
