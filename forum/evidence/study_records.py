"""Who may change a study, and the history of every change.

A registry record (Crossref, PubMed) is the authority for a study. A member's BibTeX, RIS or
hand-typed entry never overwrites a stored study: it may fill blank fields of a study no registry
has described, and where it disagrees the member can send it to the moderators as a suggested
correction. Moderators alone edit. Every change is saved through `study_save`, which keeps a
revision (the study as it stood after the change, who or which source, when, why); moderators'
changes also go into the audit log.
"""

from __future__ import annotations

import dataclasses

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from forum.common.dates import moment_text
from forum.models import (
    LookupState, ModerationAction, NotificationKind, RevisionSource, Study, StudyRevision, StudySuggestion, SuggestionState,
)
from forum.common.one_line import one_line
from forum.markup.excerpt import cut_at_word
from forum.references.bibtex import clean_bibtex_key
from forum.references.classification import classify
from forum.references.identifiers import InvalidIdentifier, normalize_doi, normalize_pmcid, normalize_pmid
from forum.references.metadata import StudyMetadata
from forum.references.status import facts_merge, new_kinds

from forum.evidence.study_changes import study_changed_announce
from forum.following.notifying import notify

REGISTRY_SOURCES = frozenset({"crossref", "pubmed"})
SNAPSHOT_FIELDS = ("doi", "pmid", "pmcid", "bibtex_key", "registrations", "title", "container_title", "year",
                   "metadata", "design", "status", "design_override", "status_override", "status_facts",
                   "registry", "open_access")
# The bibliographic fields a member's entry is compared on and may fill, with their names.
COMPARED_FIELDS = {
    "title": "Title", "authors": "Authors", "container_title": "Journal", "year": "Year", "volume": "Volume",
    "issue": "Issue", "pages": "Pages", "doi": "DOI", "pmid": "PMID", "pmcid": "PMCID",
    "registrations": "Trial registrations", "abstract": "Abstract",
}


def has_registry_record(study: Study) -> bool:
    return study.metadata_source in REGISTRY_SOURCES


def study_snapshot(study: Study) -> dict:
    return {name: getattr(study, name) for name in SNAPSHOT_FIELDS}


def study_save(*, study: Study, before: dict | None, source: str, actor=None, reason: str = "",
               alert: bool = True) -> StudyRevision | None:
    """Save the study; if anything a reader sees changed (or it is new), keep a revision. People
    who relied on it hear of a retraction, correction or expression of concern it did not have,
    unless `alert` is False: a first registry record is what they relied on, not a change to it."""
    created = study.pk is None
    study.save()
    after = study_snapshot(study)
    if not created and after == before:
        return None
    revision = StudyRevision.objects.create(study=study, snapshot=after, source=source, edited_by=actor,
                                            reason=one_line(reason)[:300])
    news = new_kinds((before or {}).get("status_facts") or [], study.status_facts)
    if news and alert and not created:
        from forum.evidence.alerts import evidence_changed_notify

        transaction.on_commit(lambda: evidence_changed_notify(study_id=study.pk, kinds=news))
    return revision


# --- storing a registry's or a member's record ------------------------------------------------

def identifier_fields(metadata: StudyMetadata) -> dict:
    fields = {}
    if metadata.doi:
        try:
            fields["doi"] = normalize_doi(metadata.doi)
        except InvalidIdentifier:
            pass
    if metadata.pmid:
        try:
            fields["pmid"] = normalize_pmid(metadata.pmid)
        except InvalidIdentifier:
            pass
    if metadata.bibtex_key and (key := clean_bibtex_key(metadata.bibtex_key)):
        fields["bibtex_key"] = key  # the form a BibTeX export writes, so it reads back the same
    return fields


def study_apply_metadata(*, study: Study, metadata: StudyMetadata, source: str | None = None, actor=None,
                         reason: str = "", revision_source: str | None = None, overrides: dict | None = None) -> Study:
    """Store a bibliographic record on the study and re-derive its design and status. Status
    facts (retractions, corrections ...) are merged, never replaced; the change is kept as a
    revision (see study_records)."""
    from forum.references.status import facts_from_metadata, status_with_facts

    # A title is shown on one line (heading, chips, mail); typed by hand or pasted, it may not be.
    metadata = dataclasses.replace(metadata, title=one_line(metadata.title))
    before = study_snapshot(study) if study.pk else None
    # Only a registry record already shown counts as what people relied on: the first one (a
    # citation's look-up, or a member's entry first checked against a registry) shows the study's
    # status as it stands, however old its corrections, and alerts nobody. A moderator's edit
    # makes the source "manual" but the registry's record was still shown, hence the revisions.
    status_known = study.pk is not None and (
        has_registry_record(study) or study.revisions.filter(source__in=REGISTRY_SOURCES).exists())
    for name, value in (overrides or {}).items():  # a moderator's design or status override
        setattr(study, name, value)
    verdict = classify(metadata)
    for field_name, value in identifier_fields(metadata).items():
        # Never steal an identifier another stored study already holds.
        if not getattr(study, field_name) and not Study.objects.filter(**{field_name: value}).exclude(
                pk=study.pk).exists():
            setattr(study, field_name, value)
    study.pmcid = metadata.pmcid or study.pmcid
    study.registrations = metadata.registrations
    study.title = metadata.title[:1000]
    study.container_title = metadata.container_title[:500]
    study.year = metadata.year
    study.metadata = metadata.to_dict()
    status_facts_add(study, facts_from_metadata(metadata), first_sight=not status_known)
    study.design = verdict.design.value
    study.status = status_with_facts(verdict.status.value, study.status_facts)
    study.classification_reasons = list(verdict.reasons)
    study.lookup_state = LookupState.RESOLVED
    study.lookup_error = ""
    study.metadata_source = source or metadata.source
    study.fetched_at = timezone.now()
    study_save(study=study, before=before, source=revision_source or study.metadata_source, actor=actor,
               reason=reason, alert=status_known)
    return study


def status_facts_add(study: Study, found: list[dict], *, first_sight: bool = False) -> None:
    """Merge `found` into the study's facts. A fact that comes with the first registry record
    (`first_sight`) was there before anyone here could rely on the study; it is marked so and is
    never reported as a change (no alert, no "changed since accepted")."""
    merged = facts_merge(study.status_facts or [], found, seen_at=timezone.now().isoformat())
    if first_sight:
        kept = len(study.status_facts or [])
        merged = merged[:kept] + [{**fact, "first_sight": True} for fact in merged[kept:]]
    study.status_facts = merged


# --- matching and comparing a member's entry ------------------------------------------------------

def study_match(metadata: StudyMetadata) -> Study | None:
    """The stored study an entry describes: by normalised DOI, then PMID, PMCID, BibTeX key."""
    tries = []
    for field, value, normalize in (("doi", metadata.doi, normalize_doi), ("pmid", metadata.pmid, normalize_pmid),
                                    ("pmcid", metadata.pmcid, normalize_pmcid)):
        if value:
            try:
                tries.append((field, normalize(value)))
            except InvalidIdentifier:
                pass
    if metadata.bibtex_key and (key := clean_bibtex_key(metadata.bibtex_key)):
        tries.append(("bibtex_key", key))  # stored in the form a BibTeX export writes
    for field, value in tries:
        if study := Study.objects.filter(**{field: value}).order_by("pk").first():
            return study
    return None


def _comparable(field: str, value):
    if field == "authors":
        return [" ".join(str(a.get("family") or a.get("literal") or "").split()).casefold() for a in value or []]
    if field == "registrations":
        return sorted(str(v).upper() for v in value or [])
    if field == "year":
        return value
    text = " ".join(str(value or "").split()).casefold().rstrip(".")
    if field == "doi" and text:
        try:
            return normalize_doi(text)
        except InvalidIdentifier:
            return text
    return text


def _blank(value) -> bool:
    return value in ("", None, [], {})


def entry_differences(study: Study, metadata: StudyMetadata) -> list[str]:
    """Names of the fields where the entry says something else than the stored study (a field
    the entry leaves blank is no disagreement)."""
    stored = study.as_metadata()
    return [label for field, label in COMPARED_FIELDS.items()
            if not _blank(getattr(metadata, field)) and not _blank(getattr(stored, field))
            and _comparable(field, getattr(metadata, field)) != _comparable(field, getattr(stored, field))]


def study_fill_blanks(*, study: Study, metadata: StudyMetadata, actor=None) -> list[str]:
    """Fill the blank fields of a study no registry has described from a member's entry; never
    change a field that holds something. Returns the names of the fields filled."""
    if has_registry_record(study):
        return []
    stored = study.as_metadata()
    filled = []
    for field, label in COMPARED_FIELDS.items():
        if _blank(getattr(stored, field)) and not _blank(getattr(metadata, field)):
            setattr(stored, field, getattr(metadata, field))
            filled.append(label)
    if not stored.bibtex_key and metadata.bibtex_key:
        stored.bibtex_key = metadata.bibtex_key
    if not filled and (study.bibtex_key or not metadata.bibtex_key):
        return []
    study_apply_metadata(study=study, metadata=stored, source=study.metadata_source or metadata.source, actor=actor,
                         reason=f"Blank fields filled from {metadata.source} entry: {', '.join(filled) or 'key'}",
                         revision_source=metadata.source if metadata.source in RevisionSource.values else "manual")
    return filled


# --- moderators: edits and restores ---------------------------------------------------------------

def study_audit(*, moderator, action: str, study: Study, reason: str, **details) -> None:
    ModerationAction.objects.create(actor=moderator, action=action, reason=one_line(reason)[:300],
                                    details={"study": study.pk, "study_title": study.title[:200], **details})


def study_restore(*, moderator, revision: StudyRevision, reason: str = "") -> Study:
    """Put a study back as it stood in `revision`. Itself a new revision and an audit entry;
    status facts are only ever added to, so a restore cannot erase a retraction."""
    from forum.access.permissions import ensure_can_moderate

    ensure_can_moderate(moderator)
    study = revision.study
    with transaction.atomic():
        study = Study.objects.select_for_update().get(pk=study.pk)
        before = study_snapshot(study)
        for name in SNAPSHOT_FIELDS:
            # Facts from the registries (status notices, trial registry, open access) are not
            # the moderator's to roll back: they stay as the sources last said.
            if name not in revision.snapshot or name in ("status_facts", "registry", "open_access"):
                continue
            value = revision.snapshot[name]
            if name in ("doi", "pmid", "bibtex_key") and value and \
                    Study.objects.filter(**{name: value}).exclude(pk=study.pk).exists():
                continue  # another study holds that identifier now; never steal it
            setattr(study, name, value)
        status_facts_add(study, revision.snapshot.get("status_facts") or [])
        from forum.references.status import status_with_facts

        study.status = status_with_facts(study.status, study.status_facts)
        why = reason or f"Restored the revision of {moment_text(revision.edited_at)}"
        study_save(study=study, before=before, source=RevisionSource.RESTORE, actor=moderator, reason=why)
        study_audit(moderator=moderator, action="study_restore", study=study, reason=why, revision=revision.pk)
    study_changed_announce(study=study)
    return study


# --- suggested corrections ------------------------------------------------------------------------

def study_suggestion_create(*, member, study: Study, metadata: StudyMetadata, note: str = "") -> StudySuggestion:
    from forum.access.permissions import ensure_can_act

    ensure_can_act(member)
    if not entry_differences(study, metadata):
        raise PermissionDenied("Your entry agrees with the stored study: there is nothing to correct.")
    existing = StudySuggestion.objects.filter(study=study, suggested_by=member, state=SuggestionState.OPEN,
                                              metadata=metadata.to_dict()).first()
    if existing:
        return existing  # sending the same thing twice is one suggestion
    return StudySuggestion.objects.create(study=study, suggested_by=member, metadata=metadata.to_dict(),
                                          note=note[:500])


def suggestion_applied(study: Study, suggestion: StudySuggestion) -> StudyMetadata:
    """The study's record with the suggestion's differing, non-blank fields put in."""
    stored = study.as_metadata()
    proposed = suggestion.as_metadata()
    for field in COMPARED_FIELDS:
        value = getattr(proposed, field)
        if not _blank(value) and _comparable(field, value) != _comparable(field, getattr(stored, field)):
            setattr(stored, field, value)
    return stored


def _decide(*, moderator, suggestion: StudySuggestion, state: str) -> None:
    from forum.access.permissions import ensure_can_moderate

    ensure_can_moderate(moderator)
    if suggestion.state != SuggestionState.OPEN:
        raise PermissionDenied("That suggestion has already been decided.")
    suggestion.state, suggestion.decided_by, suggestion.decided_at = state, moderator, timezone.now()
    suggestion.save(update_fields=["state", "decided_by", "decided_at"])


def study_suggestion_accept(*, moderator, suggestion: StudySuggestion, reason: str = "") -> Study:
    with transaction.atomic():
        _decide(moderator=moderator, suggestion=suggestion, state=SuggestionState.ACCEPTED)
        study = Study.objects.select_for_update().get(pk=suggestion.study_id)
        why = reason or f"Suggested by {suggestion.suggested_by.username}" + (
            f": {suggestion.note}" if suggestion.note else "")
        study_apply_metadata(study=study, metadata=suggestion_applied(study, suggestion), source="manual",
                             actor=moderator, reason=why, revision_source=RevisionSource.SUGGESTION)
        study_audit(moderator=moderator, action="study_suggestion_accept", study=study, reason=why,
               suggestion=suggestion.pk)
        _suggester_notify(moderator=moderator, suggestion=suggestion, study=study, reason=reason)
    study_changed_announce(study=study)
    return study


def study_suggestion_reject(*, moderator, suggestion: StudySuggestion, reason: str = "") -> None:
    with transaction.atomic():
        _decide(moderator=moderator, suggestion=suggestion, state=SuggestionState.REJECTED)
        study_audit(moderator=moderator, action="study_suggestion_reject", study=suggestion.study, reason=reason,
               suggestion=suggestion.pk)
        _suggester_notify(moderator=moderator, suggestion=suggestion, study=suggestion.study, reason=reason)


def _suggester_notify(*, moderator, suggestion: StudySuggestion, study: Study, reason: str) -> None:
    """The member who suggested the correction hears the decision and the moderator's reason (in
    the inbox and by mail, as their settings say); the mail goes after commit."""
    title = cut_at_word(study.title or study.identifier_label, 100)
    if suggestion.state == SuggestionState.ACCEPTED:
        outcome = f"Accepted: “{title}” now has your correction."
    else:
        outcome = f"Rejected: “{title}” is unchanged."
    reason = one_line(reason)
    if reason:
        outcome += f" Reason: {cut_at_word(reason, 300 - len(outcome) - len(' Reason: '))}"
    notify(recipient=suggestion.suggested_by, kind=NotificationKind.STUDY_SUGGESTION, actor=moderator,
           study=study, message=outcome)


# --- reading the history ----------------------------------------------------------------------------

def _authors_text(authors) -> str:
    return "; ".join(
        (f"{a.get('family')}, {a.get('given')}" if a.get("given") else a.get("family")) if a.get("family")
        else str(a.get("literal") or "") for a in authors or [] if isinstance(a, dict))


def _facts_text(facts) -> str:
    from forum.references.status import KIND_LABELS

    return "; ".join(
        " ".join(part for part in (KIND_LABELS.get(f.get("kind"), f.get("kind", "")), f.get("date", ""),
                                   f.get("notice_doi") or f.get("notice_pmid") or "") if part)
        for f in facts or [] if isinstance(f, dict))


def revision_fields(snapshot: dict) -> dict[str, str]:
    """A snapshot as the named values a reader compares (older snapshots may lack some)."""
    from forum.models.study import DesignChoices, StatusChoices

    metadata = StudyMetadata.from_dict(snapshot.get("metadata") or {})
    designs, statuses = dict(DesignChoices.choices), dict(StatusChoices.choices)
    return {
        "Title": metadata.title, "Authors": _authors_text(metadata.authors), "Journal": metadata.container_title,
        "Year": str(metadata.year or ""), "Volume": metadata.volume, "Issue": metadata.issue, "Pages": metadata.pages,
        "DOI": metadata.doi or str(snapshot.get("doi") or ""), "PMID": str(snapshot.get("pmid") or metadata.pmid),
        "PMCID": str(snapshot.get("pmcid") or metadata.pmcid), "BibTeX key": str(snapshot.get("bibtex_key") or ""),
        "Trial registrations": ", ".join(metadata.registrations), "Abstract": metadata.abstract,
        "Publication types": ", ".join(metadata.publication_types),
        "Design": designs.get(snapshot.get("design", ""), ""), "Status": statuses.get(snapshot.get("status", ""), ""),
        "Design set by a moderator": designs.get(snapshot.get("design_override", ""), ""),
        "Status set by a moderator": statuses.get(snapshot.get("status_override", ""), ""),
        "Status facts": _facts_text(snapshot.get("status_facts")),
        "Trial registry": _registry_text(snapshot.get("registry")),
        "Open access": _open_access_text(snapshot.get("open_access")),
    }


def _registry_text(entries) -> str:
    from forum.references.clinicaltrials import status_label

    return "; ".join(
        f"{e.get('nct_id', '')}: " + ("not found in the registry" if e.get("state") == "unknown"
                                      else status_label(e) or "status not given")
        for e in entries or [] if isinstance(e, dict))


def _open_access_text(facts) -> str:
    from forum.references.unpaywall import best_url, status_label

    if not isinstance(facts, dict) or not facts:
        return ""
    return " ".join(part for part in (status_label(facts), best_url(facts)) if part)


def revision_changes(older: dict | None, newer: dict) -> list[tuple[str, str, str]]:
    """(field, before, after) for every field that differs between two snapshots."""
    before = revision_fields(older) if older is not None else dict.fromkeys(revision_fields(newer), "")
    after = revision_fields(newer)
    return [(name, before[name], after[name]) for name in after if before[name] != after[name]]
