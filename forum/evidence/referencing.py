"""Studies and citations: finding or creating the study a post cites, filling in its metadata in
the background, importing references, moderator edits, and keeping citing posts in step."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django_tasks import task

from forum.common.one_line import one_line
from forum.markup.citations import CitationRef, CitedStudy
from forum.models import Citation, LookupState, Post, Study
from forum.references.bibtex import clean_bibtex_key, make_bibtex_key
from forum.references.csl import format_reference
from forum.references.http import LookupFailed, ReferenceLookupError
from forum.references.identifiers import InvalidIdentifier, normalize_doi, normalize_orcid, normalize_pmid
from forum.references.lookup import lookup_study
from forum.references.metadata import StudyMetadata

from forum.evidence.registry_status import look_up_study_extras
from forum.evidence.study_changes import study_changed_announce
from forum.evidence.study_records import identifier_fields, study_apply_metadata  # noqa: F401  (callers import it from here)

logger = logging.getLogger(__name__)


# --- finding studies ----------------------------------------------------------------------------

def _canonical(ref: CitationRef) -> tuple[str, str] | None:
    try:
        if ref.kind == "doi":
            return "doi", normalize_doi(ref.value)
        if ref.kind == "pmid":
            return "pmid", normalize_pmid(ref.value)
    except InvalidIdentifier:
        return None
    return "bibtex_key", ref.value


def study_find(ref: CitationRef) -> Study | None:
    canonical = _canonical(ref)
    if canonical is None:
        return None
    field, value = canonical
    return Study.objects.filter(**{field: value}).first()


def study_get_or_create_pending(ref: CitationRef) -> tuple[Study | None, bool]:
    """The study for a DOI or PMID, created as "looking up" when unknown. BibTeX keys cannot be
    looked up anywhere, so an unknown key gives None."""
    canonical = _canonical(ref)
    if canonical is None:
        return None, False
    field, value = canonical
    existing = Study.objects.filter(**{field: value}).first()
    if existing or field == "bibtex_key":
        return existing, False
    try:
        with transaction.atomic():
            return Study.objects.create(**{field: value}, lookup_state=LookupState.PENDING), True
    except IntegrityError:  # someone else cited it in the same instant
        return Study.objects.get(**{field: value}), False


# --- rendering citations ----------------------------------------------------------------------

def study_author_orcids(study: Study) -> set[str]:
    """The ORCID iDs of the study's authors, in the bare form (older records may hold others)."""
    orcids = set()
    for author in (study.metadata or {}).get("authors") or []:
        try:
            orcids.add(normalize_orcid(author.get("orcid") or ""))
        except (InvalidIdentifier, AttributeError):
            pass
    return orcids


def cited_study(study: Study, number: int, *, author_orcid: str = "") -> CitedStudy:
    """`author_orcid`: the verified iD of the citing post's author, to tell them apart as an author."""
    if study.lookup_state != LookupState.RESOLVED:
        state = "pending" if study.is_pending else ("delayed" if study.is_delayed else "unresolved")
        return CitedStudy(number=number, state=state, label=study.identifier_label, url=study.get_absolute_url(),
                          study_id=study.pk)
    metadata = study.as_metadata()
    return CitedStudy(
        number=number,
        state="resolved",
        label=study.identifier_label,
        url=study.get_absolute_url(),
        title=study.title,
        journal=metadata.container_title_short or study.container_title,
        year=study.year,
        design=study.effective_design,
        design_label=study.design_label,
        status=study.effective_status,
        status_label=study.status_label,
        reference_html=format_reference(metadata),
        by_author=bool(author_orcid) and author_orcid in study_author_orcids(study),
        registry_chips=tuple(study.registry_chips),
        open_access_label=study.open_access_label or ("Free full text in PubMed Central" if study.pmcid else ""),
        open_access_url=study.open_access_url or study.pmc_url,
        study_id=study.pk,
    )


class CitationResolver:
    """Numbers a post's citations in order of first appearance and remembers the studies.

    With `create_missing`, unknown DOIs and PMIDs become pending studies whose look-up starts once
    the post is saved; previews pass False so that typing never creates anything.
    """

    def __init__(self, *, create_missing: bool = True, retry_failed: bool = False, author_orcid: str = ""):
        self.create_missing = create_missing
        self.author_orcid = author_orcid
        # A person citing a study whose look-up failed tries it again; a re-render does not.
        self.retry_failed = retry_failed
        self.studies: dict[int, Study] = {}  # number -> study
        # number -> the stance the post first states for it; a post citing one study twice with
        # different stances shows each on its chip, and is counted by the first.
        self.stances: dict[int, str] = {}
        self.created: list[Study] = []
        self.to_retry: list[Study] = []
        self._numbers: dict[tuple, int] = {}

    def __call__(self, ref: CitationRef) -> CitedStudy:
        if ref.quoted:
            return self._quoted(ref)
        if self.create_missing:
            study, created = study_get_or_create_pending(ref)
            if created:
                self.created.append(study)
            elif (self.retry_failed and study is not None and study not in self.to_retry
                  and study.lookup_state in (LookupState.FAILED, LookupState.DELAYED)):
                self.to_retry.append(study)
        else:
            study = study_find(ref)
        key = ("study", study.pk) if study else ("typed", ref.kind, ref.value.lower())
        number = self._numbers.setdefault(key, len(self._numbers) + 1)
        if study is None:
            state = "pending" if (ref.kind in {"doi", "pmid"} and _canonical(ref)) else "unresolved"
            return CitedStudy(number=number, state=state, label=ref.value)
        self.studies[number] = study
        if ref.stance and not self.stances.get(number):
            self.stances[number] = ref.stance
        return cited_study(study, number, author_orcid=self.author_orcid)

    def _quoted(self, ref: CitationRef) -> CitedStudy:
        """A citation inside a quote is the quoted author's: its chip shows the study, but the post
        does not cite it (no Citation row, so no stance, count, alert or "author" for the quoter),
        and quoting an identifier nobody stored creates nothing and starts no look-up."""
        study = study_find(ref)
        key = ("study", study.pk) if study else ("typed", ref.kind, ref.value.lower())
        number = self._numbers.setdefault(key, len(self._numbers) + 1)
        if study is None:
            return CitedStudy(number=number, state="unresolved", label=ref.value)
        return cited_study(study, number)


def citations_record(*, post: Post, resolver: CitationResolver, new: bool = False) -> None:
    if not new:
        Citation.objects.filter(post=post).delete()
    Citation.objects.bulk_create(
        [Citation(post=post, study=study, number=number, stance=resolver.stances.get(number, ""))
         for number, study in resolver.studies.items()],
        ignore_conflicts=True,
    )
    for study in resolver.created:
        schedule_study_lookup(study)
    for study in resolver.to_retry:
        study_lookup_requeue(study=study)


def schedule_study_lookup(study: Study) -> None:
    # robust: the post is committed by now; a queue that cannot be written (the database gone
    # that moment) is logged, and is no reason to tell its writer that posting failed.
    transaction.on_commit(lambda: look_up_study.enqueue(study_id=study.pk), robust=True)


def schedule_study_extras(study: Study, *, use_cache: bool = True) -> None:
    """Registry status and open access come after the metadata, in their own task: the study is
    readable at once, and an outage of ClinicalTrials.gov or Unpaywall delays nothing else."""
    study_id = study.pk
    transaction.on_commit(lambda: look_up_study_extras.enqueue(study_id=study_id, use_cache=use_cache), robust=True)


def study_lookup_requeue(*, study: Study) -> bool:
    """Someone cites a study whose look-up failed or is waiting to retry: try again now, with a
    fresh day of retries. Returns True if a look-up was queued."""
    if study.lookup_state not in (LookupState.FAILED, LookupState.DELAYED):
        return False
    changed = Study.objects.filter(pk=study.pk, lookup_state=study.lookup_state).update(
        lookup_state=LookupState.PENDING, lookup_error="", lookup_attempts=0, lookup_failing_since=None)
    if not changed:  # someone else re-queued or resolved it meanwhile
        return False
    study.lookup_state, study.lookup_error = LookupState.PENDING, ""
    study.lookup_attempts, study.lookup_failing_since = 0, None
    schedule_study_lookup(study)
    return True


# --- metadata ---------------------------------------------------------------------------------

# Storing a record on a study (identifier_fields, study_apply_metadata) is kept with the study's
# revisions in study_records.


def study_look_up(*, study_id: int, use_cache: bool = True, retry: bool = False) -> Study | None:
    """Fetch a study's metadata (Crossref, then PubMed). "No such record" leaves it unresolved;
    a registry that could not be reached leaves it "look-up delayed" with a retry queued (see
    lookup_retries). Either way, posts citing it are re-rendered. `retry` marks a queued retry,
    which has nothing to do once the study was resolved or re-queued meanwhile."""
    from forum.evidence.lookup_retries import can_defer, lookup_answered, lookup_unreachable

    study = Study.objects.filter(pk=study_id).first()
    if study is None or (retry and study.lookup_state != LookupState.DELAYED):
        return study
    identifier = f"doi:{study.doi}" if study.doi else (f"pmid:{study.pmid}" if study.pmid else "")
    if not identifier:
        return study
    try:
        # One attempt when a retry can be queued: a worker is never held by back-off sleeps.
        metadata = lookup_study(identifier, use_cache=use_cache, max_retries=0 if can_defer() else None)
    except (ReferenceLookupError, InvalidIdentifier) as exc:
        logger.info("references: look-up of %s failed: %s", identifier, exc)
        study.lookup_error = str(exc)[:300]
        if study.lookup_state == LookupState.RESOLVED:
            pass  # a failed refresh keeps what we had
        elif isinstance(exc, LookupFailed):
            if run_after := lookup_unreachable(study=study, retry_after=exc.retry_after):
                transaction.on_commit(
                    lambda: look_up_study.using(run_after=run_after).enqueue(study_id=study_id, retry=True))
        else:  # NotFound, or an identifier no registry can have
            lookup_answered(study=study)
            study.lookup_state = LookupState.FAILED
        study.save(update_fields=["lookup_state", "lookup_error", "lookup_attempts", "lookup_failing_since",
                                  "updated_at"])
    else:
        was_resolved = study.lookup_state == LookupState.RESOLVED and bool(study.metadata_source)
        lookup_answered(study=study)
        study_apply_metadata(study=study, metadata=metadata,
                             reason="Refreshed from the registry" if was_resolved else "Looked up")
        schedule_study_extras(study, use_cache=use_cache)
    study_changed_announce(study=study)
    return study


# --- adding and editing studies ----------------------------------------------------------------

@dataclass
class EntryMatch:
    """A pasted entry that describes a study already stored: the study is used as it is."""

    study: Study
    entry: StudyMetadata
    differences: list[str]  # fields where the entry disagrees: a possible suggested correction
    filled: list[str] = field(default_factory=list)  # blank fields it filled (no registry record)


def studies_import(*, records: list[StudyMetadata], actor=None, matches: list | None = None) -> list[Study]:
    """Store imported references (BibTeX, RIS, manual entry). An entry that matches a stored
    study (DOI, PMID, PMCID or key) uses it as it is: it never overwrites it, and fills blank
    fields only of a study no registry has described. New entries become new studies."""
    from forum.evidence.study_records import entry_differences, study_fill_blanks, study_match

    stored = []
    for metadata in records:
        study = study_match(metadata)
        if study is None:
            new = Study()
            if not identifier_fields(metadata):
                # Nothing to find it by again: give it a key, which every export carries, so
                # importing its export finds it instead of adding it a second time.
                new.bibtex_key = _unused_key(make_bibtex_key(metadata))
            study = study_apply_metadata(study=new, metadata=metadata, actor=actor,
                                         reason=f"Added from a {metadata.source} entry")
            study_changed_announce(study=study)
        else:
            filled = study_fill_blanks(study=study, metadata=metadata, actor=actor)
            if filled:
                study_changed_announce(study=study)
            if matches is not None:
                matches.append(EntryMatch(study, metadata, entry_differences(study, metadata), filled))
        stored.append(study)
    return stored


def _unused_key(key: str) -> str:
    key = clean_bibtex_key(key)[:110] or "study"
    candidate, suffix = key, 1
    while Study.objects.filter(bibtex_key=candidate).exists():
        suffix += 1
        candidate = f"{key}{chr(ord('a') + suffix - 2)}" if suffix <= 27 else f"{key}-{suffix}"
    return candidate


def study_edit(*, editor, study: Study, metadata: StudyMetadata, design_override: str = "",
               status_override: str = "", reason: str = "") -> Study:
    """A moderator corrects a study: a new revision and an audit-log entry."""
    from forum.access.permissions import ensure_can_moderate

    from forum.evidence.study_records import study_audit

    ensure_can_moderate(editor)
    with transaction.atomic():
        study_apply_metadata(study=study, metadata=metadata, source="manual", actor=editor,
                             reason=one_line(reason), revision_source="moderator",
                             overrides={"design_override": design_override, "status_override": status_override})
        study_audit(moderator=editor, action="study_edit", study=study, reason=one_line(reason))
    study_changed_announce(study=study)
    return study


@dataclass
class AddedReferences:
    studies: list[Study]
    problems: list[str]
    matches: list[EntryMatch] = field(default_factory=list)
    # Preview only: DOIs and PMIDs not stored yet, and entries that would become new studies.
    new_identifiers: list[CitationRef] = field(default_factory=list)
    new_entries: list[StudyMetadata] = field(default_factory=list)


_TOO_LONG_PMID_RE = re.compile(r"(?:pmid|pubmed)?\s*:?\s*0*([1-9]\d{8,40})", re.IGNORECASE)


def paste_parse(text: str):
    """(identifier, records, problems) for what a member pasted."""
    from forum.references.bibtex import parse_bibtex
    from forum.references.identifiers import IdentifierKind, detect_identifier
    from forum.references.csl import parse_csl_json
    from forum.references.ris import parse_ris

    text = (text or "").strip()
    if long_pmid := _TOO_LONG_PMID_RE.fullmatch(text):
        digits = long_pmid.group(1)
        return None, [], [f"{digits} has {len(digits)} digits, but PubMed IDs have at most 8: "
                          "check the number, or paste the study's DOI instead."]
    identifier = detect_identifier(text) if "\n" not in text and len(text) < 300 else None
    if identifier is not None:
        if identifier.kind not in (IdentifierKind.DOI, IdentifierKind.PMID):
            return None, [], [f"{identifier.kind.upper()} numbers cannot be looked up yet: "
                              "paste the study's DOI, PMID or BibTeX instead."]
        return CitationRef(identifier.kind.value, identifier.value), [], []
    if text.startswith(("[", "{")):
        result = parse_csl_json(text)
    elif text.startswith("@") or "\n@" in text:
        result = parse_bibtex(text)
    elif "TY  -" in text:
        result = parse_ris(text)
    else:
        return None, [], ["That is not a DOI, a PubMed ID, BibTeX, RIS or CSL-JSON."]
    return None, list(result.studies), [str(problem) for problem in result.problems]


def references_preview(*, text: str) -> AddedReferences:
    """What "Add reference" would give for `text`, changing nothing: stored studies it matches
    (with where the paste disagrees), and what would be new. Looking up and cancelling leaves
    the library as it was."""
    from forum.evidence.study_records import entry_differences, study_match

    ref, records, problems = paste_parse(text)
    if ref is not None:
        study = study_find(ref)
        return AddedReferences([study] if study else [], [], new_identifiers=[] if study else [ref])
    added = AddedReferences([], problems)
    for metadata in records:
        study = study_match(metadata)
        if study is None:
            added.new_entries.append(metadata)
        else:
            added.studies.append(study)
            added.matches.append(EntryMatch(study, metadata, entry_differences(study, metadata)))
    return added


def references_add(*, text: str, actor=None) -> AddedReferences:
    """What a member adds with "Add reference": a DOI or PMID (looked up in the background), or
    BibTeX, RIS or CSL-JSON entries (new ones stored at once, known ones used as they are). Problems are
    reported per entry; nothing raises."""
    ref, records, problems = paste_parse(text)
    if ref is not None:
        study, created = study_get_or_create_pending(ref)
        if created:
            schedule_study_lookup(study)
        else:
            study_lookup_requeue(study=study)  # citing a failed identifier again tries it again
        return AddedReferences([study], [])
    matches: list[EntryMatch] = []
    studies = studies_import(records=records, actor=actor, matches=matches)
    return AddedReferences(studies, problems, matches)


def cite_markup(study: Study) -> str:
    """How a post cites this study: by DOI if it has one, else PMID, else its BibTeX key."""
    if study.doi:
        return f"[@doi:{study.as_metadata().doi or study.doi}]"
    if study.pmid:
        return f"[@pmid:{study.pmid}]"
    if study.bibtex_key:
        return f"[@{study.bibtex_key}]"
    return ""


# --- background tasks (run by the django-tasks worker) -------------------------------------------

@task()
def look_up_study(*, study_id: int, retry: bool = False) -> None:
    """`retry`: queued after the registry could not be reached (see forum.evidence.lookup_retries)."""
    study_look_up(study_id=study_id, retry=retry)


@task()
def refresh_study(*, study_id: int) -> None:
    """A scheduled re-check (manage.py refresh_studies --due): fresh from the registry, not the
    cache; a newly found retraction or correction tells the people who relied on the study."""
    study_look_up(study_id=study_id, use_cache=False)
