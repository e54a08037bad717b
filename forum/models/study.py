from collections import Counter
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models

from forum.common.prepared import Prepared
from forum.common.url_patterns import fast_reverse
from forum.references.classification import DESIGN_LABELS, DESIGN_RANK, STATUS_LABELS, Design, Status, design_rank
from forum.references.identifiers import InvalidIdentifier, normalize_doi
from forum.references.metadata import StudyMetadata

from .changes import rows_changed

DesignChoices = models.TextChoices("DesignChoices", [(d.name, (d.value, DESIGN_LABELS[d])) for d in Design])
StatusChoices = models.TextChoices("StatusChoices", [(s.name, (s.value, STATUS_LABELS[s])) for s in Status])


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"
    MENTIONS = "mentions", "Mentions"


# How a study's citations are listed: what supports a claim, then what contradicts it.
STANCE_ORDER = ["supports", "contradicts", "mentions", ""]
# What a study row holds that the Evidence panel, its chips and the evidence summary never show.
PANEL_UNSHOWN_FIELDS = ("metadata", "classification_reasons", "lookup_error", "lookup_failing_since",
                        "metadata_source", "fetched_at", "created_at", "updated_at", "pmcid", "registrations",
                        "lookup_attempts")


class LookupState(models.TextChoices):
    PENDING = "pending", "Looking up"
    RESOLVED = "resolved", "Resolved"
    # The registry could not be reached (timeout, refused, 5xx, 429): tried again later.
    DELAYED = "delayed", "Look-up delayed"
    # The registry has no such record, or it could not be reached for a whole day.
    FAILED = "failed", "Unresolved"


class StudyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # A study's chips and card show on every topic that cites it; see forum.live.change_events.
        rows = super().update(**kwargs)
        rows_changed.send(sender=self.model, fields=set(kwargs))
        return rows

    def resolved(self):
        """Studies a registry or an import has described (not those still being looked up)."""
        return self.filter(lookup_state=LookupState.RESOLVED)

    def strongest_first(self):
        ranking = models.Case(
            *[models.When(design=d.value, then=models.Value(i)) for i, d in enumerate(DESIGN_RANK)],
            default=models.Value(len(DESIGN_RANK)),
            output_field=models.IntegerField(),
        )
        override_ranking = models.Case(
            *[models.When(design_override=d.value, then=models.Value(i)) for i, d in enumerate(DESIGN_RANK)],
            default=ranking,
            output_field=models.IntegerField(),
        )
        return self.annotate(design_rank=override_ranking).order_by("design_rank", "-year", "title")

    def cited_in_topic(self, topic) -> list["Study"]:
        """Studies cited by the topic's visible posts, strongest designs first, each with
        `citing_posts` and `topic_number`."""
        return self.evidence_for_topic(topic).studies

    def evidence_for_topic(self, topic, *, with_records: bool = True) -> "TopicEvidence":
        """The studies the topic's visible posts cite (strongest designs first, each with
        `citing_posts` and `topic_number`), and the topic's citation numbers.

        A study's number is that of its first citation in the topic, by post number and then by
        place in the post, as in a paper. Visible posts are numbered first, 1, 2, 3 ... with no
        gaps, so a hidden or deleted post leaves no hole a visitor could notice and says nothing
        about what it cited; studies only such posts cite (which moderators and their author still
        see) follow after. Counted and ordered in Python: grouping and ordering the wide study
        rows in SQL cost ten times more on SQLite."""
        # One row per citation (a post cites a study once), hidden and deleted posts' too: the
        # visible posts citing each study, grouped by the stance they state, in post order; and
        # each study's first citation, which gives its number.
        by_stance: dict[int, dict[str, list[int]]] = {}
        first_seen: dict[int, tuple] = {}
        for study_id, stance, post_number, number, shown in Citation.objects.topic_rows(topic.pk, using=self.db):
            place = (not shown, post_number, number)
            if study_id not in first_seen or place < first_seen[study_id]:
                first_seen[study_id] = place
            if shown:
                by_stance.setdefault(study_id, {}).setdefault(stance, []).append(post_number)
        numbers = {study_id: n for n, study_id in enumerate(sorted(first_seen, key=first_seen.__getitem__), start=1)}
        # Then the visible posts' studies (those `by_stance` holds) by primary key: a second pass
        # over the topic's citations as a subquery cost as much again. Two queries whatever the
        # topic holds: an empty list would skip the second (the page's query count must not depend
        # on its content), so it asks for no study at all instead.
        ids = list(by_stance) or [0]
        # Without the records, as every topic page reads them: composed once per process.
        studies = list(self.filter(pk__in=ids)) if with_records else _PANEL_STUDIES.fetch(ids, using=self.db)
        for study in studies:
            groups = by_stance[study.pk]
            study.citing_posts = sum(len(posts) for posts in groups.values())
            study.stance_groups = [(stance, Stance(stance).label if stance else "No stance given", groups[stance])
                                   for stance in STANCE_ORDER if stance in groups]
            study.topic_number = numbers[study.pk]
        studies.sort(key=lambda s: (design_rank(s.effective_design), -(s.year or 0), s.title))
        return TopicEvidence(studies=studies, numbers=numbers)


# The bibliographic record (abstract, authors, references) is most of a study row's bytes, decoded
# from JSON, and the dates of its look-ups are parsed one by one on SQLite: the Evidence panel, its
# chips and the evidence summary show none of them.
_PANEL_STUDIES = Prepared(lambda ids: Study.objects.filter(pk__in=ids).defer(*PANEL_UNSHOWN_FIELDS))


@dataclass(frozen=True)
class TopicEvidence:
    studies: list
    numbers: dict  # study id -> its number in the topic


class Study(models.Model):
    """A cited piece of evidence. Identifiers are stored in canonical form for de-duplication;
    the full bibliographic record lives in `metadata` (a StudyMetadata dict)."""

    doi = models.CharField(max_length=255, unique=True, null=True, blank=True, help_text="Lowercase, no prefix.")
    pmid = models.CharField(max_length=12, unique=True, null=True, blank=True)
    pmcid = models.CharField(max_length=16, blank=True)
    bibtex_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    registrations = models.JSONField(default=list, blank=True)
    title = models.CharField(max_length=1000, blank=True)
    container_title = models.CharField(max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    design = models.CharField(max_length=24, choices=DesignChoices.choices, default=Design.OTHER)
    status = models.CharField(max_length=16, choices=StatusChoices.choices, default=Status.PUBLISHED)
    classification_reasons = models.JSONField(default=list, blank=True)
    # A moderator's judgement beats the automatic one, and survives metadata refreshes.
    design_override = models.CharField(max_length=24, choices=DesignChoices.choices, blank=True)
    status_override = models.CharField(max_length=16, choices=StatusChoices.choices, blank=True)
    # Retractions, corrections, expressions of concern ...: only ever added to, so that a source
    # lacking them cannot erase them (forum.references.status).
    status_facts = models.JSONField(default=list, blank=True)
    # What ClinicalTrials.gov says of each NCT number the study carries (a copy of its
    # TrialRecord's facts with "nct_id" and "state": found or unknown), and what Unpaywall says of
    # its DOI. Kept on the study so chips come with the study rows pages already read.
    registry = models.JSONField(default=list, blank=True)
    open_access = models.JSONField(default=dict, blank=True)

    lookup_state = models.CharField(max_length=12, choices=LookupState.choices, default=LookupState.RESOLVED)
    lookup_error = models.CharField(max_length=300, blank=True, help_text="For staff: never shown on public pages.")
    # Failed tries in a row of a look-up that could not reach the registry, and since when.
    lookup_attempts = models.PositiveSmallIntegerField(default=0)
    lookup_failing_since = models.DateTimeField(null=True, blank=True)
    metadata_source = models.CharField(max_length=16, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StudyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "studies"
        indexes = [
            models.Index(fields=["design"], name="study_design_idx"),
            models.Index(fields=["status"], name="study_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title or self.identifier_label

    def get_absolute_url(self) -> str:
        return fast_reverse("forum:study", self.pk)

    @property
    def identifier_label(self) -> str:
        if self.doi:
            # The DOI as the record spells it, when the record was read: a topic's Evidence panel
            # reads studies without theirs, and one query for each untitled study (a look-up still
            # pending) is too much for a name the stored DOI gives.
            if "metadata" in self.get_deferred_fields():
                return self.doi
            return self.as_metadata().doi or self.doi
        if self.pmid:
            return f"PMID {self.pmid}"
        return self.bibtex_key or f"study {self.pk}"

    @property
    def effective_design(self) -> str:
        return self.design_override or self.design

    @property
    def effective_status(self) -> str:
        return self.status_override or self.status

    @property
    def design_label(self) -> str:
        # By the stored string itself: a StrEnum member is found by its value, and making the
        # member first cost more than the look-up, twice for each study on a topic page.
        return DESIGN_LABELS.get(self.effective_design, "Other")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.effective_status, "")

    @property
    def fact_chips(self) -> list[tuple[str, str]]:
        """Chips for the status facts the status chip does not already say."""
        if not self.status_facts:
            return []
        from forum.references.status import chips

        shown = self.status_label if self.effective_status != Status.PUBLISHED else ""
        return [(kind, label) for kind, label in chips(self.status_facts or []) if label != shown]

    @property
    def registry_chips(self) -> list[tuple[str, str]]:
        """(kind, label) per registered trial the registry has described: "Completed 2023,
        results posted", "Terminated: low accrual", "Registered after the trial started" …"""
        if not self.registry:
            return []
        from forum.references.clinicaltrials import registered_late, status_kind, status_label

        protocol = self.effective_status == Status.PROTOCOL
        chips = []
        for trial in self.registry or []:
            if trial.get("state") == "unknown":
                chips.append(("unknown", f"{trial.get('nct_id', '')} not found in the registry"))
                continue
            if label := status_label(trial, protocol=protocol):
                chips.append((status_kind(trial), label))
            if registered_late(trial):
                chips.append(("late", "Registered after the trial started"))
        return chips

    @property
    def open_access_label(self) -> str:
        from forum.references.unpaywall import status_label

        return status_label(self.open_access or {})

    @property
    def open_access_url(self) -> str:
        from forum.references.unpaywall import best_url

        return best_url(self.open_access or {}) if (self.open_access or {}).get("is_oa") else ""

    @property
    def pmc_url(self) -> str:
        from forum.references.unpaywall import pmc_url

        return pmc_url(self.pmcid) if self.pmcid else ""

    @property
    def is_pending(self) -> bool:
        return self.lookup_state == LookupState.PENDING

    @property
    def is_delayed(self) -> bool:
        return self.lookup_state == LookupState.DELAYED

    @property
    def is_unresolved(self) -> bool:
        return self.lookup_state == LookupState.FAILED

    @property
    def public_status(self) -> str:
        """The status readers and the API see: a study nobody has described yet is "unresolved",
        not "published"."""
        return self.effective_status if self.lookup_state == LookupState.RESOLVED else "unresolved"

    @property
    def public_status_label(self) -> str:
        return self.status_label if self.lookup_state == LookupState.RESOLVED else "Unresolved"

    def as_metadata(self) -> StudyMetadata:
        return StudyMetadata.from_dict(self.metadata)

    def as_export_metadata(self) -> StudyMetadata:
        """The record with exactly the identifiers this study is stored under, so that importing
        an export finds this study again (and never another holding an identifier it lacks)."""
        metadata = self.as_metadata()
        try:
            spelled = normalize_doi(metadata.doi) == self.doi
        except InvalidIdentifier:
            spelled = False
        metadata.doi = metadata.doi if spelled else (self.doi or "")
        metadata.pmid = self.pmid or ""
        metadata.pmcid = self.pmcid or metadata.pmcid
        metadata.bibtex_key = self.bibtex_key or ""
        return metadata


class RevisionSource(models.TextChoices):
    CROSSREF = "crossref", "Crossref"
    PUBMED = "pubmed", "PubMed"
    BIBTEX = "bibtex", "a BibTeX entry"
    RIS = "ris", "an RIS entry"
    MANUAL = "manual", "manual entry"
    MODERATOR = "moderator", "a moderator's edit"
    SUGGESTION = "suggestion", "an accepted suggestion"
    RESTORE = "restore", "a restored revision"
    EARLIER = "earlier", "the record as it was"
    CLINICALTRIALS = "clinicaltrials", "ClinicalTrials.gov"
    UNPAYWALL = "unpaywall", "Unpaywall"


class StudyRevision(models.Model):
    """The study as it stood after one change: who made it (or which source), when and why.
    Consecutive revisions give the field-level differences on the study's history page."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="revisions")
    snapshot = models.JSONField()
    source = models.CharField(max_length=16, choices=RevisionSource.choices, default=RevisionSource.MODERATOR)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    edited_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-edited_at", "-pk"]


class SuggestionState(models.TextChoices):
    OPEN = "open", "Waiting for a moderator"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class StudySuggestion(models.Model):
    """A member's correction to a study, waiting for a moderator: what they pasted disagreed
    with the stored record, which members may not change themselves."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="suggestions")
    suggested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    metadata = models.JSONField()
    note = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=10, choices=SuggestionState.choices, default=SuggestionState.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="study_suggestion_queue_idx")]

    def as_metadata(self) -> StudyMetadata:
        return StudyMetadata.from_dict(self.metadata)


@dataclass(frozen=True)
class StanceTally:
    """How the posts a reader may see cite one study: "Supports in 5 posts, contradicts in 2,
    across 3 topics"."""

    posts: dict[str, int]  # stance ("" for none given) -> posts
    # The topics of the counted posts, the one with the newest citation first.
    topic_ids: tuple[int, ...]
    # Set when only the latest citing posts were counted (a study cited more often than that).
    latest: int | None = None

    @property
    def topics(self) -> int:
        return len(self.topic_ids)

    @property
    def summary(self) -> str:
        parts = []
        for stance in STANCE_ORDER:
            count = self.posts.get(stance, 0)
            if not count:
                continue
            verb = stance or "cited without a stance"
            noun = " posts" if count != 1 else " post"
            parts.append(f"{verb} in {count:,}{noun if not parts else ''}")
        if not parts:
            return "No post you can see cites this study yet."
        text = ", ".join(parts)
        text = f"{text[0].upper()}{text[1:]}, across {self.topics:,} topic{'s' if self.topics != 1 else ''}."
        if self.latest:
            return f"Of the latest {self.latest:,} posts citing it: {text[0].lower()}{text[1:]}"
        return text


# A study page's tally reads at most this many citations, newest first: exact for all but the most
# cited studies, and a study cited 50,000 times costs no more than one cited a thousand times
# (counting all of them took 160-260 ms a page at a million posts).
STANCE_TALLY_READ = 1_000


@cache  # per database (its quoting): one string all day
def _topic_rows_sql(using: str) -> str:
    # Written out rather than built by the ORM: it runs on every cold topic page, where composing
    # the join cost as much as running it, and the posts' deletion and hiding dates (parsed one
    # by one on SQLite) are wanted only as "shown or not". Names come from the models.
    from .post import Post

    quote = connections[using].ops.quote_name

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    citation, post = quote(Citation._meta.db_table), quote(Post._meta.db_table)
    return (
        f"SELECT c.{column(Citation, 'study')}, c.{column(Citation, 'stance')}, p.{column(Post, 'post_number')}, "
        f"c.{column(Citation, 'number')}, "
        f"CASE WHEN p.{column(Post, 'deleted_at')} IS NULL AND p.{column(Post, 'hidden_at')} IS NULL THEN 1 ELSE 0 END "
        f"FROM {citation} c INNER JOIN {post} p ON p.{column(Post, 'id')} = c.{column(Citation, 'post')} "
        f"WHERE p.{column(Post, 'topic')} = %s ORDER BY p.{column(Post, 'post_number')}"
    )


class CitationQuerySet(models.QuerySet):
    def topic_rows(self, topic_id: int, *, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
        """(study id, stance, post number, number in the post, shown) for every citation in the
        topic, hidden and deleted posts' too (shown 0 for those), in post order."""
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(_topic_rows_sql(using), [topic_id])
            return cursor.fetchall()

    def visible_to(self, user):
        """Citations in posts `user` may read: not deleted or hidden, in a topic they may open."""
        # The condition Post.objects.in_visible_topics puts on the topic, as a join.
        topic_visible = {} if getattr(user, "is_moderator", False) else {"post__topic__deleted_at__isnull": True}
        return self.filter(post__deleted_at__isnull=True, post__hidden_at__isnull=True, **topic_visible)

    def stance_tally(self, *, at_most: int = STANCE_TALLY_READ) -> StanceTally:
        """One query: posts per stance and the topics they are in (newest first), from at most
        `at_most` of the latest citations. A post cites a study once (citation_unique_per_post),
        so each row read is one post."""
        rows = list(self.order_by("-pk").values_list("stance", "post__topic_id")[:at_most + 1])
        counted = rows[:at_most]
        stances = Counter(stance for stance, _topic in counted)
        return StanceTally(posts={stance: stances.get(stance, 0) for stance in STANCE_ORDER},
                           topic_ids=tuple(dict.fromkeys(topic for _stance, topic in counted)),
                           latest=at_most if len(rows) > at_most else None)


class Citation(models.Model):
    """A post cites a study; extracted from the post's markup each time it is rendered."""

    post = models.ForeignKey("forum.Post", on_delete=models.CASCADE, related_name="citations")
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="citations")
    number = models.PositiveSmallIntegerField(help_text="Its number in the post's reference list.")
    # What the post says the study does for its claim (`[@doi:… supports]`); blank when unsaid.
    stance = models.CharField(max_length=12, choices=Stance.choices, blank=True)

    objects = CitationQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["post", "study"], name="citation_unique_per_post")]
        # A study page reads its latest citations (the topics citing it, the stance tally):
        # walked newest first along this index and stopped early, never sorted whole.
        indexes = [models.Index(fields=["study", "id"], name="citation_study_recent_idx")]
