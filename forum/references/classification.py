"""What kind of evidence a study is: its design and its status.

Signals, strongest first: PubMed publication types (indexers read the paper), then Crossref's
type and relations, then words in the title. Publication types are consulted before the title
because titles mislead ("a review of randomised trials" is a review, not a trial). Every
decision records its reasons, so a moderator can see why and override it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from .metadata import StudyMetadata
from .notice_kinds import kind_of


class Design(StrEnum):
    SYSTEMATIC_REVIEW = "systematic_review"
    RCT = "rct"
    CROSSOVER_RCT = "crossover_rct"
    NONRANDOMISED_TRIAL = "nonrandomised_trial"
    COHORT = "cohort"
    CASE_CONTROL = "case_control"
    CASE_REPORT = "case_report"
    NARRATIVE_REVIEW = "narrative_review"
    PROTOCOL = "protocol"
    PREPRINT = "preprint"
    NOTICE = "notice"  # a retraction, correction or expression of concern: about a study, not one
    BLOG_POST = "blog_post"
    COMPONENT = "component"  # a figure or table with its own DOI
    OTHER = "other"


class Status(StrEnum):
    PUBLISHED = "published"
    PROTOCOL = "protocol"
    PREPRINT = "preprint"
    CORRECTED = "corrected"
    CONCERN = "concern"
    RETRACTED = "retracted"


# Strongest evidence first; the Evidence panel sorts by this.
DESIGN_RANK: tuple[Design, ...] = (
    Design.SYSTEMATIC_REVIEW,
    Design.RCT,
    Design.CROSSOVER_RCT,
    Design.NONRANDOMISED_TRIAL,
    Design.COHORT,
    Design.CASE_CONTROL,
    Design.CASE_REPORT,
    Design.NARRATIVE_REVIEW,
    Design.PROTOCOL,
    Design.PREPRINT,
    Design.BLOG_POST,
    Design.NOTICE,
    Design.COMPONENT,
    Design.OTHER,
)

DESIGN_LABELS: dict[Design, str] = {
    Design.SYSTEMATIC_REVIEW: "Systematic review",
    Design.RCT: "RCT",
    Design.CROSSOVER_RCT: "Crossover RCT",
    Design.NONRANDOMISED_TRIAL: "Non-randomised trial",
    Design.COHORT: "Cohort study",
    Design.CASE_CONTROL: "Case-control study",
    Design.CASE_REPORT: "Case report",
    Design.NARRATIVE_REVIEW: "Narrative review",
    Design.PROTOCOL: "Protocol",
    Design.PREPRINT: "Preprint",
    Design.NOTICE: "Notice",
    Design.BLOG_POST: "Blog post",
    Design.COMPONENT: "Figure or table",
    Design.OTHER: "Other",
}

STATUS_LABELS: dict[Status, str] = {
    Status.PUBLISHED: "Published",
    Status.PROTOCOL: "Protocol: no results yet",
    Status.PREPRINT: "Preprint: not peer reviewed",
    Status.CORRECTED: "Corrected",
    Status.CONCERN: "Expression of concern",
    Status.RETRACTED: "Retracted",
}


def _plural(label: str, count: int) -> str:
    # Labels read mid-sentence in lower case, acronyms kept: "crossover RCTs", "cohort studies".
    words = label.split(" ")
    words = [w if w.isupper() else w.lower() for w in words]
    if count != 1:
        last = words[-1]
        words[-1] = last[:-1] + "ies" if last.endswith("y") else last + "s"
    return " ".join(words)


def designs_summary(labels: list[str]) -> str:
    """One line for a list of studies' design labels, strongest first as given:
    "5 studies: 2 RCTs, 1 protocol, 1 systematic review, 1 other"."""
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    parts = ", ".join(f"{n} {_plural(label, n)}" for label, n in counts.items())
    total = len(labels)
    return f"{total} stud{'y' if total == 1 else 'ies'}: {parts}" if total else "No studies"


_RANKS = {design: rank for rank, design in enumerate(DESIGN_RANK)}


def design_rank(design: Design | str) -> int:
    """Position in DESIGN_RANK (0 = strongest); unknown values sort last."""
    return _RANKS.get(design, len(DESIGN_RANK))


@dataclass(frozen=True)
class Classification:
    design: Design
    status: Status
    reasons: tuple[str, ...] = field(default=())

    @property
    def design_label(self) -> str:
        return DESIGN_LABELS[self.design]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


# -- signals -------------------------------------------------------------------------------

_PROTOCOL_TYPES = {"clinical trial protocol", "study protocol"}
_SYSTEMATIC_TYPES = {"systematic review", "meta-analysis", "network meta-analysis"}
_RCT_TYPES = {
    "randomized controlled trial",
    "randomized controlled trial, veterinary",
    "equivalence trial",
    "pragmatic clinical trial",
    "adaptive clinical trial",
}
_TRIAL_TYPES = {
    "clinical trial",
    "controlled clinical trial",
    "clinical trial, phase i",
    "clinical trial, phase ii",
    "clinical trial, phase iii",
    "clinical trial, phase iv",
    "clinical trial, veterinary",
    "clinical study",
}
_CASE_REPORT_TYPES = {"case reports"}
_REVIEW_TYPES = {"review", "scoping review", "literature review", "narrative review"}
_OBSERVATIONAL_TYPES = {
    "observational study",
    "observational study, veterinary",
    "comparative study",
}
_PREPRINT_TYPES = {"preprint"}
_RETRACTED_TYPES = {"retracted publication"}
_CORRECTED_TYPES = {"corrected and republished article"}

_RETRACTION_UPDATES = {"retraction", "withdrawal", "removal", "retracted"}
_CORRECTION_UPDATES = {"correction", "erratum", "corrigendum", "addendum"}

_TITLE_PROTOCOL = re.compile(
    r"""\b(?:study|trial|review|research)\ protocol\b
      | \bprotocol\ (?:for|of)\ (?:a|an|the)\b
      | ^protocol\b
      | :\s*(?:a\ |the\ )?protocol\b""",
    re.I | re.X,
)
_TITLE_SYSTEMATIC = re.compile(r"\bsystematic (?:literature )?review\b|\bmeta[- ]?analy[sz]", re.I)
_TITLE_NONRANDOMISED = re.compile(r"\bnon[- ]?randomi[sz]ed\b", re.I)
_TITLE_RANDOMISED = re.compile(r"(?<![-\w])randomi[sz]ed\b|\brandomi[sz]ation\b", re.I)
_TITLE_CROSSOVER = re.compile(r"\bcross[- ]?over\b", re.I)
_TITLE_TRIAL = re.compile(
    r"""\bpilot\b | \bfeasibility\b | \bsingle[-\ ]blind(?:ed)?\b | \bopen[-\ ]label\b
      | \bsingle[-\ ]arm\b | \bphase\ (?:i|ii|1|2)\b | \buncontrolled\b | \bclinical\ trial\b""",
    re.I | re.X,
)
_TITLE_CASE_CONTROL = re.compile(r"\bcase[-\u2010\u2013 ]control\b", re.I)
_TITLE_COHORT = re.compile(
    r"\bcohort\b|\bprospective (?:observational )?study\b|\blongitudinal study\b", re.I
)
_TITLE_CASE_REPORT = re.compile(
    r"""\bcase\ reports?\b | \bcase\ series\b | \b(?:a|first|an\ unusual|a\ rare)\ case\ of\b
      | \bfamilial\ cases?\b | \bcase\ presentation\b | \breport\ of\ (?:a|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\ (?:\w+\ )?cases?\b""",
    re.I | re.X,
)
# A design word in a title means a study of people only with words that place it in clinical
# research: "Imaging with Randomized Beamforming" and "Randomized Kaczmarz" are mathematics.
_CLINICAL_CONTEXT = re.compile(
    r"""\b(?:patients?|participants?|adults?|adolescents?|children|infants?|neonates?|women|men|people|persons
      |volunteers|subjects|pregnan\w*|elderly|smokers|veterans|nurses|physicians|residents|students
      |trials?|placebo|sham|double[-\ ]blind\w*|single[-\ ]blind\w*|blinded|controlled|intervention\w*|treatment
      |therapy|therapies|care|clinical|surgery|surgical|vaccines?|vaccination|drug|dose|doses|mg|supplement\w*
      |diet\w*|exercise|rehabilitation|hospital\w*|prevention|prophylaxis|screening|disease|disorder|syndrome
      |cancer|pain|infection|covid-19|hiv|diabetes|depression|stroke|obesity|mortality)\b""",
    re.I | re.X,
)
_TITLE_NOTICE = re.compile(
    r"""^\s*(?:notice\ of\ )?(?:retraction|retracted\ article|withdrawal|correction|corrigendum|corrigenda|erratum
      |errata|expression\ of\ concern|editorial\ expression\ of\ concern|department\ of\ error|addendum)
      (?:\ and\ (?:replacement|republication))?\b\s*(?:$|[:.\u2014\u2013-]|to\b|for\b|of\b|notice\b|note\b)""",
    re.I | re.X,
)
_NOTICE_TYPES = {"retraction of publication", "published erratum", "expression of concern", "retraction notice"}
# Posted content is a preprint unless it says it is something else: Crossref's subtype, a blog
# as its container or address, or a blog archive's DOI prefix (Rogue Scholar registers blogs).
_BLOG_PREFIXES = ("10.53731/", "10.59350/", "10.54900/")
_BLOG_WORDS = re.compile(r"\bblogs?\b|\bfront matter\b", re.I)
_TITLE_REVIEW = re.compile(
    r"\b(?:narrative|scoping|literature|critical|clinical|state[- ]of[- ]the[- ]art)? ?review\b",
    re.I,
)
_TITLE_RETRACTED = re.compile(r"^\s*(?:retracted|withdrawn)\b\s*[:.\-\]]", re.I)


def _types(metadata: StudyMetadata) -> set[str]:
    return {t.strip().lower() for t in metadata.publication_types if isinstance(t, str)}


def _design_from_types(types: set[str], title: str, reasons: list[str]) -> Design | None:
    def hit(kinds: set[str]) -> str | None:
        return next((t for t in sorted(types) if t in kinds), None)

    if found := hit(_SYSTEMATIC_TYPES):
        reasons.append(f"publication type '{found}'")
        return Design.SYSTEMATIC_REVIEW
    if found := hit(_RCT_TYPES):
        reasons.append(f"publication type '{found}'")
        if _TITLE_CROSSOVER.search(title):
            reasons.append("title says crossover")
            return Design.CROSSOVER_RCT
        return Design.RCT
    if found := hit(_TRIAL_TYPES):
        reasons.append(f"publication type '{found}'")
        # Indexers sometimes tag randomised trials only as "Clinical Trial".
        if _TITLE_RANDOMISED.search(title) and not _TITLE_NONRANDOMISED.search(title):
            reasons.append("title says randomised")
            return Design.CROSSOVER_RCT if _TITLE_CROSSOVER.search(title) else Design.RCT
        return Design.NONRANDOMISED_TRIAL
    if found := hit(_CASE_REPORT_TYPES):
        reasons.append(f"publication type '{found}'")
        return Design.CASE_REPORT
    if found := hit(_REVIEW_TYPES):
        reasons.append(f"publication type '{found}'")
        return Design.NARRATIVE_REVIEW
    if found := hit(_OBSERVATIONAL_TYPES):
        if _TITLE_CASE_CONTROL.search(title):
            reasons.append(f"publication type '{found}' and title says case-control")
            return Design.CASE_CONTROL
        if _TITLE_COHORT.search(title):
            reasons.append(f"publication type '{found}' and title says cohort")
            return Design.COHORT
    return None


def _design_from_title(title: str, reasons: list[str]) -> Design | None:
    checks: tuple[tuple[re.Pattern[str], Design, str], ...] = (
        (
            _TITLE_SYSTEMATIC,
            Design.SYSTEMATIC_REVIEW,
            "title says systematic review / meta-analysis",
        ),
        (_TITLE_CASE_REPORT, Design.CASE_REPORT, "title says case report"),
        (_TITLE_REVIEW, Design.NARRATIVE_REVIEW, "title says review"),
    )
    for pattern, design, reason in checks:
        if pattern.search(title):
            reasons.append(reason)
            return design
    clinical = bool(_CLINICAL_CONTEXT.search(title))
    if _TITLE_RANDOMISED.search(title) and not _TITLE_NONRANDOMISED.search(title) and clinical:
        if _TITLE_CROSSOVER.search(title):
            reasons.append("title says randomised crossover, about people")
            return Design.CROSSOVER_RCT
        reasons.append("title says randomised, about people")
        return Design.RCT
    if clinical and (
        _TITLE_NONRANDOMISED.search(title)
        or _TITLE_TRIAL.search(title)
        or _TITLE_CROSSOVER.search(title)
    ):
        reasons.append("title says pilot / non-randomised / open-label trial")
        return Design.NONRANDOMISED_TRIAL
    if _TITLE_CASE_CONTROL.search(title):
        reasons.append("title says case-control")
        return Design.CASE_CONTROL
    if _TITLE_COHORT.search(title):
        reasons.append("title says cohort")
        return Design.COHORT
    return None


def _is_blog_post(metadata: StudyMetadata) -> bool:
    return metadata.crossref_type == "posted-content" and (
        metadata.doi.lower().startswith(_BLOG_PREFIXES)
        or bool(_BLOG_WORDS.search(f"{metadata.container_title} {metadata.url}"))
    )


def _is_preprint(metadata: StudyMetadata, types: set[str]) -> bool:
    if _is_blog_post(metadata):
        return False
    return metadata.crossref_type == "posted-content" or bool(types & _PREPRINT_TYPES)


def notice_updates(metadata: StudyMetadata) -> list[dict]:
    """The `update-to` entries that make this record a notice: a retraction, correction,
    expression of concern, withdrawal, erratum ... of another work. A `new_version` or an
    addendum is the work itself carrying on, and some publishers (PLOS among them) list a
    record as an update to itself; neither makes it a notice about something else."""
    own_doi = (metadata.doi or "").strip().lower()
    return [
        entry for entry in getattr(metadata, "update_to", [])
        if isinstance(entry, dict) and kind_of(entry.get("type", ""))
        and not (own_doi and str(entry.get("doi") or "").strip().lower() == own_doi)
    ]


def _notice_reason(metadata: StudyMetadata, types: set[str], title: str) -> str | None:
    if found := next((t for t in sorted(types) if t in _NOTICE_TYPES), None):
        return f"publication type '{found}'"
    if notice_updates(metadata):
        return "it updates another work (Crossref update-to)"
    if _TITLE_NOTICE.search(title):
        return "title says it is a retraction, correction or expression of concern"
    return None


def classify(metadata: StudyMetadata) -> Classification:
    """Design and status of a study, with the reasons for each."""
    reasons: list[str] = []
    types = _types(metadata)
    title = metadata.title or ""

    if metadata.crossref_type == "component":
        reasons.append("Crossref type component (a figure or table of an article)")
        design = Design.COMPONENT
    elif notice := _notice_reason(metadata, types, title):
        reasons.append(notice)
        design = Design.NOTICE
    elif _is_blog_post(metadata):
        reasons.append("posted content from a blog")
        design = Design.BLOG_POST
    elif _is_preprint(metadata, types):
        reasons.append(
            "Crossref type posted-content"
            if metadata.crossref_type == "posted-content"
            else "publication type 'preprint'"
        )
        design = Design.PREPRINT
    elif found := next((t for t in sorted(types) if t in _PROTOCOL_TYPES), None):
        reasons.append(f"publication type '{found}'")
        design = Design.PROTOCOL
    elif _TITLE_PROTOCOL.search(title):
        # Before the other publication types: protocols of trials get trial types too.
        reasons.append("title says protocol")
        design = Design.PROTOCOL
    else:
        design = (
            _design_from_types(types, title, reasons)
            or _design_from_title(title, reasons)
            or Design.OTHER
        )

    update_types = {
        str(u.get("type", "")).lower() for u in metadata.updated_by if isinstance(u, dict)
    }
    if update_types & _RETRACTION_UPDATES:
        reasons.append("updated by a retraction notice")
        status = Status.RETRACTED
    elif types & _RETRACTED_TYPES:
        reasons.append("publication type 'retracted publication'")
        status = Status.RETRACTED
    elif _TITLE_RETRACTED.search(title):
        reasons.append("title is marked retracted")
        status = Status.RETRACTED
    elif design is Design.PROTOCOL:
        status = Status.PROTOCOL
    elif design is Design.PREPRINT:
        status = Status.PREPRINT
    elif update_types & _CORRECTION_UPDATES or types & _CORRECTED_TYPES:
        reasons.append("updated by a correction")
        status = Status.CORRECTED
    else:
        status = Status.PUBLISHED
    return Classification(design=design, status=status, reasons=tuple(reasons))


def classify_design(metadata: StudyMetadata) -> Design:
    return classify(metadata).design


def classify_status(metadata: StudyMetadata) -> Status:
    return classify(metadata).status
