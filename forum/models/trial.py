from django.db import models


class TrialLookupState(models.TextChoices):
    PENDING = "pending", "Not checked yet"
    FOUND = "found", "Found"
    # The registry answered 404: no such trial. Final; asked again only with a later refresh.
    UNKNOWN = "unknown", "Not in the registry"
    # Timeout, refused, 5xx, 429: tried again later (forum.evidence.registry_status).
    DELAYED = "delayed", "Registry unreachable, will retry"


class TrialRecord(models.Model):
    """One registered trial as ClinicalTrials.gov describes it (forum.references.clinicaltrials).

    Shared by every study carrying the NCT number (a protocol and its results paper). What
    readers see is copied onto those studies (`Study.registry`) through a revision, so chips
    come with the study rows a page already reads, and each change is in the study's history.
    """

    nct_id = models.CharField(max_length=12, unique=True)
    facts = models.JSONField(default=dict, blank=True)
    lookup_state = models.CharField(max_length=10, choices=TrialLookupState.choices,
                                    default=TrialLookupState.PENDING)
    lookup_error = models.CharField(max_length=300, blank=True, help_text="For staff: never shown on public pages.")
    lookup_attempts = models.PositiveSmallIntegerField(default=0)
    lookup_failing_since = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.nct_id
