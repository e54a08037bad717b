from django.db import models


class QuoteStatus(models.TextChoices):
    VERIFIED = "verified", "Matches the source"
    MODIFIED = "modified", "The source has changed since"
    UNMATCHED = "unmatched", "Not found in the source"
    MISSING = "missing", "The source was removed or is not visible"


class Quote(models.Model):
    """One attributed quote in a post, extracted from its markup each time the post is cooked."""

    quoting_post = models.ForeignKey("forum.Post", on_delete=models.CASCADE, related_name="quotes")
    # Null when the markup names a post that does not exist (or never did).
    quoted_post = models.ForeignKey(
        "forum.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="quoted_by"
    )
    quoted_username = models.CharField(max_length=30)
    quoted_topic_id = models.PositiveBigIntegerField(null=True, blank=True)
    quoted_post_number = models.PositiveIntegerField()
    text = models.TextField()
    full = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=QuoteStatus.choices)
    checked_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["quoted_post"], name="quote_quoted_post_idx")]

    def __str__(self) -> str:
        return f"post {self.quoting_post_id} quotes {self.quoted_username} #{self.quoted_post_number}"


class StudyQuoteStatus(models.TextChoices):
    VERIFIED = "verified", "Matches the abstract"
    UNMATCHED = "unmatched", "Not found in the abstract"
    PENDING = "pending", "Checked when the study's details arrive"
    NO_ABSTRACT = "no_abstract", "No abstract stored to check against"
    UNRESOLVED = "unresolved", "Study not found"


class StudyQuote(models.Model):
    """A post quotes a study's abstract (`[quote="doi:…"]`); extracted each time the post is
    cooked, so a post quoting a study still being looked up is found and re-checked when its
    details arrive."""

    quoting_post = models.ForeignKey("forum.Post", on_delete=models.CASCADE, related_name="study_quotes")
    # Null for an identifier that cannot name a study (a malformed DOI).
    study = models.ForeignKey("forum.Study", on_delete=models.CASCADE, null=True, blank=True,
                              related_name="quoted_in")
    text = models.TextField()
    status = models.CharField(max_length=16, choices=StudyQuoteStatus.choices)
    # The structured abstract's heading the words are under ("Conclusion"), when there is one.
    section = models.CharField(max_length=60, blank=True)
    checked_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"post {self.quoting_post_id} quotes study {self.study_id}"
