"""Registry status of cited trials (ClinicalTrials.gov) and open-access copies (Unpaywall).

Both are fetched in the background after a study's look-up or scheduled refresh
(`study_extras_look_up`, queued by referencing.study_look_up); posting never waits for them.

Trials: each NCT number a study carries has one TrialRecord. Its fields (overall status, why
stopped, dates, enrolment, results) follow the registry's current record, so a trial recruiting
again no longer reads "why stopped: low accrual"; the values replaced stay in the study's history
(each change is a StudyRevision). Status facts (retracted, corrected ...) are another matter:
they are only ever added (forum.references.status). An answer without an overall status is not
taken as the record and blanks nothing. "No such trial" (404) is final:
the study reads "NCT… not found in the registry" and the id is asked again only with a later
refresh. "Could not reach" (timeout, 5xx, 429) queues another try through the task queue with
the back-off of forum.evidence.lookup_retries, for up to REFERENCES_RETRY_FOR; a record that was
already described keeps its facts meanwhile. What readers see is copied onto each study carrying
the number (`Study.registry`) through study_save, so every change is a StudyRevision (source
ClinicalTrials.gov) and the chips come with the study rows. When a protocol's trial posts
results, the people who relied on the protocol hear (evidence_alerts).

Open access: Unpaywall's status and best location for the study's DOI, kept the same way
(source Unpaywall). Any failure is logged and left for the next refresh: nothing is shown
differently while Unpaywall is down.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from forum.models import RevisionSource, Study, TrialLookupState, TrialRecord
from forum.references.clinicaltrials import fetch_trial
from forum.references.http import LookupFailed, NotFound, ReferenceLookupError, ReferencesClient
from forum.references.identifiers import InvalidIdentifier, normalize_nct
from forum.references.unpaywall import fetch_open_access

from forum.evidence.lookup_retries import _seconds, can_defer, retry_delay
from forum.evidence.study_changes import study_changed_announce

logger = logging.getLogger(__name__)

# A trial the registry did not know is asked again at most this often.
UNKNOWN_RECHECK = timedelta(days=30)


def nct_numbers(study: Study) -> list[str]:
    """The ClinicalTrials.gov numbers among the study's registrations, in order."""
    numbers = []
    for registration in study.registrations or []:
        try:
            number = normalize_nct(str(registration))
        except InvalidIdentifier:
            continue  # EudraCT and other registries have no API here
        if number not in numbers:
            numbers.append(number)
    return numbers


def _client() -> ReferencesClient:
    # One attempt when a retry can be queued: a worker is never held by back-off sleeps.
    return ReferencesClient(max_retries=0 if can_defer() else None)


# --- trials -------------------------------------------------------------------------------------------

def _trial_unreachable(record: TrialRecord, exc: LookupFailed) -> None:
    now = timezone.now()
    record.lookup_attempts += 1
    record.lookup_failing_since = record.lookup_failing_since or now
    give_up_at = record.lookup_failing_since + timedelta(seconds=_seconds("REFERENCES_RETRY_FOR", 86400))
    if record.lookup_state == TrialLookupState.FOUND:
        return  # a failed refresh keeps what the registry said before; the next refresh tries again
    record.lookup_state = TrialLookupState.DELAYED
    if now >= give_up_at or not can_defer():
        return  # the next look-up or refresh of a study carrying it asks again
    next_try = now + retry_delay(attempts=record.lookup_attempts, retry_after=exc.retry_after)
    nct_id = record.nct_id
    transaction.on_commit(lambda: look_up_trial.using(run_after=min(next_try, give_up_at)).enqueue(
        nct_id=nct_id, retry=True))


def trial_look_up(*, nct_id: str, use_cache: bool = True, retry: bool = False,
                  client: ReferencesClient | None = None) -> TrialRecord:
    """Ask the registry about one trial and store the answer; then bring every study carrying it
    up to date. `retry` marks a queued retry, which has nothing to do once the trial answered."""
    record, _ = TrialRecord.objects.get_or_create(nct_id=normalize_nct(nct_id))
    if retry and record.lookup_state != TrialLookupState.DELAYED:
        return record
    if (not retry and record.lookup_state == TrialLookupState.UNKNOWN and record.fetched_at
            and timezone.now() - record.fetched_at < UNKNOWN_RECHECK):
        return record
    own_client = client is None
    client = client or _client()
    try:
        facts = fetch_trial(record.nct_id, client=client, use_cache=use_cache)
    except NotFound as exc:
        record.lookup_error = str(exc)[:300]
        record.lookup_attempts, record.lookup_failing_since = 0, None
        record.fetched_at = timezone.now()
        if record.lookup_state != TrialLookupState.FOUND:  # a described trial is not unsaid by one 404
            record.lookup_state = TrialLookupState.UNKNOWN
    except LookupFailed as exc:
        logger.info("registry: %s could not be reached: %s", record.nct_id, exc)
        record.lookup_error = str(exc)[:300]
        _trial_unreachable(record, exc)
    else:
        facts.pop("nct_id", None)
        if facts.get("overall_status"):
            # The registry's current record: its fields follow it, so a trial recruiting again
            # loses its old "why stopped". The values it replaces stay in the study's revisions.
            record.facts = facts
        else:
            # An answer without even a status is no record of the trial; it blanks nothing.
            record.facts = {**record.facts, **facts}
        record.lookup_state = TrialLookupState.FOUND
        record.lookup_error = ""
        record.lookup_attempts, record.lookup_failing_since = 0, None
        record.fetched_at = timezone.now()
    finally:
        if own_client:
            client.close()
    record.save()
    for study in Study.objects.filter(registrations__icontains=record.nct_id):
        if record.nct_id in nct_numbers(study):
            study_registry_sync(study_id=study.pk)
    return record


def _registry_entries(study: Study) -> list[dict]:
    numbers = nct_numbers(study)
    records = {r.nct_id: r for r in TrialRecord.objects.filter(nct_id__in=numbers)}
    stored = {entry.get("nct_id"): entry for entry in study.registry or [] if isinstance(entry, dict)}
    entries = []
    for number in numbers:
        record = records.get(number)
        if record is not None and record.lookup_state == TrialLookupState.FOUND:
            entries.append({**record.facts, "nct_id": number, "state": "found"})
        elif record is not None and record.lookup_state == TrialLookupState.UNKNOWN:
            entries.append({"nct_id": number, "state": "unknown"})
        elif number in stored:
            entries.append(stored[number])  # not reachable now: what was shown stays
    return entries


def study_registry_sync(*, study_id: int) -> bool:
    """Copy what the registry says of the study's trials onto it, keeping a revision. Returns
    True when anything a reader sees changed."""
    from forum.evidence.study_records import study_save, study_snapshot

    with transaction.atomic():
        study = Study.objects.select_for_update().filter(pk=study_id).first()
        if study is None:
            return False
        entries = _registry_entries(study)
        if entries == (study.registry or []):
            return False
        before = study_snapshot(study)
        previous = {entry.get("nct_id"): entry for entry in study.registry or [] if isinstance(entry, dict)}
        study.registry = entries
        study_save(study=study, before=before, source=RevisionSource.CLINICALTRIALS,
                   reason="Registry status from ClinicalTrials.gov")
        # Results newly posted for a protocol's trial: news to those who relied on "no results yet".
        posted = [entry["nct_id"] for entry in entries
                  if entry.get("has_results") and previous.get(entry["nct_id"], {}).get("has_results") is False]
        if posted and study.effective_status == "protocol":
            from forum.evidence.alerts import trial_results_notify

            transaction.on_commit(lambda: trial_results_notify(study_id=study.pk, nct_ids=posted))
    study_changed_announce(study=study)
    return True


# --- open access ------------------------------------------------------------------------------------

def study_open_access_refresh(*, study_id: int, use_cache: bool = True,
                              client: ReferencesClient | None = None) -> bool:
    """Ask Unpaywall where the study can be read; True when what readers see changed. An outage
    or an unknown DOI changes nothing."""
    from forum.evidence.study_records import study_save, study_snapshot

    study = Study.objects.filter(pk=study_id).first()
    if study is None or not study.doi:
        return False
    own_client = client is None
    client = client or ReferencesClient(max_retries=0 if can_defer() else None)
    try:
        facts = fetch_open_access(study.doi, client=client, use_cache=use_cache)
    except ReferenceLookupError as exc:
        logger.info("open access: %s not looked up: %s", study.doi, exc)
        return False
    finally:
        if own_client:
            client.close()
    if not facts:
        return False
    with transaction.atomic():
        study = Study.objects.select_for_update().get(pk=study_id)
        if facts == (study.open_access or {}):
            return False
        before = study_snapshot(study)
        study.open_access = facts
        study_save(study=study, before=before, source=RevisionSource.UNPAYWALL, reason="Open access from Unpaywall")
    study_changed_announce(study=study)
    return True


# --- both, after a study's look-up ----------------------------------------------------------------------

def study_extras_look_up(*, study_id: int, use_cache: bool = True) -> None:
    """Registry status of the study's trials, then its open-access copy."""
    study = Study.objects.filter(pk=study_id).first()
    if study is None:
        return
    for number in nct_numbers(study):
        trial_look_up(nct_id=number, use_cache=use_cache)
    study_open_access_refresh(study_id=study_id, use_cache=use_cache)


# --- reading: the study page ----------------------------------------------------------------------------

def trial_rows(study: Study) -> list[dict]:
    """One row per NCT number for the study page: what the registry said (dates, reasons, the
    chip's words) and, while it has not said anything, whether it is still being asked."""
    from forum.references.clinicaltrials import STATUS_LABELS, registered_late, status_label, trial_url

    numbers = nct_numbers(study)
    if not numbers:
        return []
    states = dict(TrialRecord.objects.filter(nct_id__in=numbers).values_list("nct_id", "lookup_state"))
    shown = {entry.get("nct_id"): entry for entry in study.registry or [] if isinstance(entry, dict)}
    protocol = study.effective_status == "protocol"
    rows = []
    for number in numbers:
        entry = shown.get(number, {})
        state = entry.get("state") or states.get(number) or TrialLookupState.PENDING
        rows.append({
            "nct_id": number, "url": trial_url(number), "state": state, "facts": entry,
            "status": STATUS_LABELS.get(entry.get("overall_status", ""), ""),
            "summary": status_label(entry, protocol=protocol), "registered_late": registered_late(entry),
            "delayed": state != "found" and states.get(number) == TrialLookupState.DELAYED,
        })
    return rows


def open_access_summary(study: Study) -> dict | None:
    """Where to read the study for free, for the study page: Unpaywall's best copy and the
    PubMed Central copy when there is a PMCID."""
    from forum.references.unpaywall import STATUS_EXPLAINED, location_label

    facts = study.open_access or {}
    if not facts and not study.pmcid:
        return None
    return {
        "status": facts.get("oa_status", ""), "label": study.open_access_label,
        "explained": STATUS_EXPLAINED.get(facts.get("oa_status", ""), ""),
        "url": study.open_access_url, "pdf_url": facts.get("url_for_pdf", "") if facts.get("is_oa") else "",
        "location": location_label(facts) if facts.get("is_oa") else "", "pmc_url": study.pmc_url,
        "pmcid": study.pmcid,
    }


# --- background tasks (run by the django-tasks worker) -------------------------------------------

@task()
def look_up_study_extras(*, study_id: int, use_cache: bool = True) -> None:
    """Registry status of a study's trials and its open-access copy, after its look-up."""
    study_extras_look_up(study_id=study_id, use_cache=use_cache)


@task()
def look_up_trial(*, nct_id: str, retry: bool = False) -> None:
    """A queued retry of a trial the registry could not be asked about."""
    trial_look_up(nct_id=nct_id, retry=retry)
