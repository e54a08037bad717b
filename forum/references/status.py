"""Status facts: retractions, corrections, expressions of concern, withdrawals and removals.

A registry says a paper was updated in two ways: the paper's record lists the notices that
update it (Crossref `updated-by`, PubMed `RetractionIn` / `ErratumIn` / `ExpressionOfConcernIn`,
PubMed publication type "Retracted Publication"), and a notice's own record names the work it
updates (Crossref `update-to`, PubMed `RetractionOf` / `ErratumFor` / `ExpressionOfConcernFor`).

Facts are kept on the study and only ever added to (`facts_merge`): a later import or refresh
that lacks a retraction (a BibTeX file, a registry that dropped the relation, a PubMed record
without Crossref's Retraction Watch entries) cannot make a retracted paper look sound again.
"""

from __future__ import annotations

from .classification import Status, notice_updates
from .metadata import StudyMetadata
from .notice_kinds import CONCERN, CORRECTION, REMOVAL, RETRACTION, WITHDRAWAL, kind_of

KIND_LABELS = {
    RETRACTION: "Retracted", WITHDRAWAL: "Withdrawn", REMOVAL: "Removed",
    CONCERN: "Expression of concern", CORRECTION: "Corrected",
}
# What a notice of each kind is called when it is itself the cited item.
NOTICE_LABELS = {
    RETRACTION: "Retraction notice", WITHDRAWAL: "Withdrawal notice", REMOVAL: "Removal notice",
    CONCERN: "Expression of concern", CORRECTION: "Correction notice",
}
# Past tense for sentences: "[3] was retracted on 9 March 2021".
KIND_VERBS = {
    RETRACTION: "was retracted", WITHDRAWAL: "was withdrawn", REMOVAL: "was removed",
    CONCERN: "received an expression of concern", CORRECTION: "was corrected",
}
# Kinds that end a paper's standing, strongest first.
ENDING = (RETRACTION, WITHDRAWAL, REMOVAL)
# The kinds people who relied on a study are told about.
ALERTING = (RETRACTION, WITHDRAWAL, REMOVAL, CONCERN, CORRECTION)


def _fact(kind: str, entry: dict, source: str) -> dict:
    return {
        "kind": kind,
        "date": str(entry.get("date") or ""),
        "notice_doi": str(entry.get("doi") or "").lower(),
        "notice_pmid": str(entry.get("pmid") or ""),
        "label": str(entry.get("label") or ""),
        "source": str(entry.get("source") or source),
    }


def facts_from_metadata(metadata: StudyMetadata) -> list[dict]:
    """The status facts a record states about the work it describes."""
    facts = []
    for entry in metadata.updated_by:
        if isinstance(entry, dict) and (kind := kind_of(entry.get("type", ""))):
            facts.append(_fact(kind, entry, metadata.source))
    if any(str(t).strip().lower() == "retracted publication" for t in metadata.publication_types):
        facts.append(_fact(RETRACTION, {"label": "Retracted Publication"}, "pubmed"))
    return facts_merge([], facts)


def _same(a: dict, b: dict) -> bool:
    """One notice reported twice (by the publisher and Retraction Watch, by Crossref and PubMed)
    is one fact: same kind and the same notice, or no notice named on one side."""
    if a["kind"] != b["kind"]:
        return False
    if a.get("notice_doi") and b.get("notice_doi"):
        return a["notice_doi"] == b["notice_doi"]
    if a.get("notice_pmid") and b.get("notice_pmid"):
        return a["notice_pmid"] == b["notice_pmid"]
    return True


def facts_merge(kept: list[dict], found: list[dict], *, seen_at: str = "") -> list[dict]:
    """`kept` plus what `found` adds; nothing in `kept` is ever dropped. A fact found again
    fills in what it lacked (a date, the notice's DOI or PMID)."""
    merged = [dict(fact) for fact in kept]
    for fact in found:
        twin = next((old for old in merged if _same(old, fact)), None)
        if twin is None:
            merged.append({**fact, "first_seen": fact.get("first_seen") or seen_at})
            continue
        for key in ("date", "notice_doi", "notice_pmid", "label"):
            if not twin.get(key) and fact.get(key):
                twin[key] = fact[key]
    return merged


def new_kinds(before: list[dict], after: list[dict]) -> list[str]:
    """Kinds present in `after` that `before` did not have at all: what is news to readers."""
    had = {fact["kind"] for fact in before}
    return [kind for kind in ALERTING if kind not in had and any(f["kind"] == kind for f in after)]


def status_with_facts(status: str, facts: list[dict]) -> str:
    """The study's status once its facts are counted: a retraction beats everything, an
    expression of concern or a correction beats "published"."""
    kinds = {fact["kind"] for fact in facts}
    if kinds & set(ENDING):
        return Status.RETRACTED.value
    if status in (Status.RETRACTED, Status.PROTOCOL, Status.PREPRINT):
        return status
    if CONCERN in kinds:
        return Status.CONCERN.value
    if CORRECTION in kinds:
        return Status.CORRECTED.value
    return status


def chips(facts: list[dict]) -> list[tuple[str, str]]:
    """(kind, label) once per kind, most serious first."""
    kinds = {fact["kind"] for fact in facts}
    return [(kind, KIND_LABELS[kind]) for kind in ALERTING if kind in kinds]


def notice_kind(metadata: StudyMetadata) -> str | None:
    """If this record is itself a notice (it updates other works), its kind."""
    for entry in notice_updates(metadata):
        return kind_of(entry["type"])
    return None
