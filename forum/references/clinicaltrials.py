"""ClinicalTrials.gov API v2: the registry status of one trial, and how it reads on a chip.

`GET {CLINICALTRIALS_BASE_URL}/api/v2/studies/{nctId}` answers one study as JSON:

    {"protocolSection": {
        "identificationModule": {"nctId": "NCT…", "briefTitle": "…", "acronym": "…"},
        "statusModule": {"overallStatus": "COMPLETED", "whyStopped": "…",
                         "startDateStruct": {"date": "2021-03", "type": "ACTUAL"},
                         "primaryCompletionDateStruct": {…}, "completionDateStruct": {…},
                         "studyFirstPostDateStruct": {"date": "2021-02-04", "type": "ACTUAL"},
                         "resultsFirstPostDateStruct": {…}, "lastUpdatePostDateStruct": {…}},
        "designModule": {"enrollmentInfo": {"count": 99, "type": "ACTUAL"}}},
     "hasResults": true}

Dates are "YYYY-MM-DD" or "YYYY-MM"; a date struct's `type` is ACTUAL or ESTIMATED, and so is
the enrolment's (participants enrolled, or the number planned). An unknown
id answers 404 (`NotFound`). Only the fields below are kept: `trial_facts` is what the site
stores (forum.models.TrialRecord) and shows.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .http import LookupFailed, ReferencesClient, clinicaltrials_base_url
from .identifiers import normalize_nct

# overallStatus values of API v2, as a reader says them.
STATUS_LABELS = {
    "NOT_YET_RECRUITING": "Not yet recruiting",
    "RECRUITING": "Recruiting",
    "ENROLLING_BY_INVITATION": "Enrolling by invitation",
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting",
    "SUSPENDED": "Suspended",
    "TERMINATED": "Terminated",
    "COMPLETED": "Completed",
    "WITHDRAWN": "Withdrawn",
    "UNKNOWN": "Status unknown",
    "AVAILABLE": "Available",
    "NO_LONGER_AVAILABLE": "No longer available",
    "TEMPORARILY_NOT_AVAILABLE": "Temporarily not available",
    "APPROVED_FOR_MARKETING": "Approved for marketing",
    "WITHHELD": "Withheld",
}
# Statuses whose reason (whyStopped) the chip gives.
STOPPED = {"TERMINATED", "SUSPENDED", "WITHDRAWN"}
CHIP_REASON_LENGTH = 60

# The stored keys, with the API field each comes from (listed in the issue note).
DATE_FIELDS = {
    "start": "startDateStruct",
    "primary_completion": "primaryCompletionDateStruct",
    "completion": "completionDateStruct",
    "first_posted": "studyFirstPostDateStruct",
    "results_first_posted": "resultsFirstPostDateStruct",
    "last_update_posted": "lastUpdatePostDateStruct",
}


def trial_url(nct_id: str) -> str:
    """The registry's public page for a trial."""
    return f"https://clinicaltrials.gov/study/{quote(nct_id)}"


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def trial_facts(data: Any) -> dict[str, Any]:
    """The facts the site keeps from one API v2 study record. Absent fields are left out (never
    stored as blanks): the record that omits `whyStopped` has no reason to show."""
    if not isinstance(data, dict) or not isinstance(data.get("protocolSection"), dict):
        raise LookupFailed("ClinicalTrials.gov answered without a protocolSection")
    protocol = data["protocolSection"]
    ident = protocol.get("identificationModule") if isinstance(protocol.get("identificationModule"), dict) else {}
    status = protocol.get("statusModule") if isinstance(protocol.get("statusModule"), dict) else {}
    facts: dict[str, Any] = {}
    for key, value in (("nct_id", ident.get("nctId")), ("brief_title", ident.get("briefTitle")),
                       ("acronym", ident.get("acronym")), ("why_stopped", status.get("whyStopped"))):
        if text := _text(value):
            facts[key] = text
    overall = _text(status.get("overallStatus")).upper()
    if overall:
        facts["overall_status"] = overall
    for key, field in DATE_FIELDS.items():
        struct = status.get(field)
        if isinstance(struct, dict) and (date := _text(struct.get("date"))):
            facts[f"{key}_date"] = date
            if kind := _text(struct.get("type")).upper():
                facts[f"{key}_date_type"] = kind
    design = protocol.get("designModule") if isinstance(protocol.get("designModule"), dict) else {}
    enrollment = design.get("enrollmentInfo") if isinstance(design.get("enrollmentInfo"), dict) else {}
    count = enrollment.get("count")
    if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
        facts["enrollment"] = count
        if kind := _text(enrollment.get("type")).upper():
            facts["enrollment_type"] = kind
    if isinstance(data.get("hasResults"), bool):
        facts["has_results"] = data["hasResults"]
    elif "results_first_posted_date" in facts:
        facts["has_results"] = True
    return facts


def fetch_trial(nct_id: str, *, client: ReferencesClient, use_cache: bool = True) -> dict[str, Any]:
    """The facts of one registered trial. Raises NotFound (unknown id) or LookupFailed."""
    nct_id = normalize_nct(nct_id)
    url = f"{clinicaltrials_base_url()}/api/v2/studies/{quote(nct_id)}"
    return trial_facts(client.get_json(url, params={"format": "json"}, use_cache=use_cache))


# --- how a trial's status reads -------------------------------------------------------------------

def _year(date: str | None) -> str:
    return (date or "")[:4] if (date or "")[:4].isdigit() else ""


def _month(date: str | None) -> str:
    """"2021-03-15" -> "2021-03": registry dates are given to the month or to the day."""
    return (date or "")[:7]


def registered_late(facts: dict) -> bool:
    """First posted on the registry in a later month than the trial actually started: the
    outcomes could have been chosen after seeing data. Compared by month, the precision both
    dates always have; an estimated start says nothing."""
    start, posted = _month(facts.get("start_date")), _month(facts.get("first_posted_date"))
    if not start or not posted or facts.get("start_date_type") == "ESTIMATED":
        return False
    return posted > start


def _reason(text: str) -> str:
    text = text.strip().rstrip(".")
    if len(text) > CHIP_REASON_LENGTH:
        text = text[:CHIP_REASON_LENGTH - 1].rstrip() + "…"
    # "Low accrual" reads as "Terminated: low accrual"; "COVID-19" and "DSMB advice" keep their capitals.
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]
    return text


def status_label(facts: dict, *, protocol: bool = False) -> str:
    """What a chip says about a trial: "Completed 2023, results posted", "Terminated: low
    accrual", "Withdrawn", "Recruiting" … A protocol paper whose trial has completed says that
    results may exist. Empty when the registry's status is not known."""
    overall = facts.get("overall_status", "")
    if not overall:
        return ""
    results = bool(facts.get("has_results"))
    if overall == "COMPLETED":
        if protocol:
            return ("Protocol - registry says completed; results posted" if results
                    else "Protocol - registry says completed; results may exist")
        year = _year(facts.get("completion_date")) or _year(facts.get("primary_completion_date"))
        return f"Completed{f' {year}' if year else ''}, {'results posted' if results else 'no results posted'}"
    label = STATUS_LABELS.get(overall, overall.replace("_", " ").capitalize())
    if overall in STOPPED and overall != "WITHDRAWN" and facts.get("why_stopped"):
        label = f"{label}: {_reason(facts['why_stopped'])}"
    if results:
        label += ", results posted"
    return label


def status_kind(facts: dict) -> str:
    """A CSS modifier for the chip: stopped trials stand out, completed ones with results too."""
    overall = facts.get("overall_status", "")
    if overall in STOPPED:
        return "stopped"
    if overall == "COMPLETED":
        return "results" if facts.get("has_results") else "completed"
    return "ongoing"
