"""ClinicalTrials.gov API v2: what is read from each recorded shape, and how a chip says it."""

import httpx
import pytest

from forum.references.clinicaltrials import fetch_trial, registered_late, status_label, trial_facts
from forum.references.http import LookupFailed, NotFound

from .conftest import fixture_json, json_response

CT = "https://clinicaltrials.test"


@pytest.fixture(autouse=True)
def _registry_url(settings):
    settings.CLINICALTRIALS_BASE_URL = CT


def test_completed_trial_with_results_is_read_from_the_documented_fields():
    facts = trial_facts(fixture_json("clinicaltrials_completed_results.json"))
    assert facts == {
        "nct_id": "NCT09990001", "brief_title": "Low-dose naltrexone for fibromyalgia pain (test trial)",
        "acronym": "LDNTEST", "overall_status": "COMPLETED",
        "start_date": "2021-03-01", "start_date_type": "ACTUAL",
        "primary_completion_date": "2023-06-30", "primary_completion_date_type": "ACTUAL",
        "completion_date": "2023-09-30", "completion_date_type": "ACTUAL",
        "first_posted_date": "2021-02-04", "first_posted_date_type": "ACTUAL",
        "results_first_posted_date": "2024-02-15", "results_first_posted_date_type": "ACTUAL",
        "last_update_posted_date": "2024-05-06", "last_update_posted_date_type": "ACTUAL",
        "enrollment": 58, "enrollment_type": "ACTUAL",
        "has_results": True,
    }
    assert status_label(facts) == "Completed 2023, results posted"
    assert not registered_late(facts)


def test_completed_without_results_and_a_protocol_of_a_completed_trial():
    facts = trial_facts(fixture_json("clinicaltrials_completed_no_results.json"))
    assert status_label(facts) == "Completed 2023, no results posted"
    assert status_label(facts, protocol=True) == "Protocol - registry says completed; results may exist"


def test_terminated_trial_says_why():
    facts = trial_facts(fixture_json("clinicaltrials_terminated.json"))
    assert facts["why_stopped"] == "Low accrual"
    assert status_label(facts) == "Terminated: low accrual"


def test_withdrawn_trial_reads_withdrawn_and_an_estimated_start_is_no_late_registration():
    facts = trial_facts(fixture_json("clinicaltrials_withdrawn.json"))
    assert status_label(facts) == "Withdrawn"
    assert facts["why_stopped"].startswith("Funding not obtained")
    assert not registered_late(facts)  # first posted before an estimated start


def test_trial_first_posted_after_it_started_is_registered_late():
    facts = trial_facts(fixture_json("clinicaltrials_recruiting_late.json"))
    assert status_label(facts) == "Recruiting"
    assert registered_late(facts)


def test_registration_in_the_month_the_trial_started_is_not_late():
    assert not registered_late({"start_date": "2021-03", "start_date_type": "ACTUAL", "first_posted_date": "2021-03-20"})
    assert registered_late({"start_date": "2021-03", "first_posted_date": "2021-04-01"})


def test_a_long_reason_is_cut_on_the_chip_and_acronyms_keep_their_capitals():
    assert status_label({"overall_status": "SUSPENDED", "why_stopped": "DSMB advice"}) == "Suspended: DSMB advice"
    label = status_label({"overall_status": "TERMINATED", "why_stopped": "Sponsor decision " * 10})
    assert label.startswith("Terminated: sponsor decision") and label.endswith("…") and len(label) < 80


def test_a_sparse_answer_leaves_fields_out_rather_than_blank():
    facts = trial_facts({"protocolSection": {"identificationModule": {"nctId": "NCT09990009"},
                                             "statusModule": {"overallStatus": "RECRUITING", "whyStopped": ""}}})
    assert facts == {"nct_id": "NCT09990009", "overall_status": "RECRUITING"}


def test_the_enrolment_is_kept_with_whether_it_is_the_actual_or_the_planned_number():
    planned = trial_facts(fixture_json("clinicaltrials_recruiting_late.json"))
    odd = trial_facts({"protocolSection": {"designModule": {"enrollmentInfo": {"count": "many"}}}})

    assert (planned["enrollment"], planned["enrollment_type"]) == (120, "ESTIMATED")
    assert "enrollment" not in odd


def test_an_answer_without_a_protocol_section_is_a_failed_look_up():
    with pytest.raises(LookupFailed):
        trial_facts({"studies": []})


def test_fetch_asks_the_single_study_endpoint(server, client):
    server.add("/api/v2/studies/NCT09990002", json_response("clinicaltrials_terminated.json"))
    assert fetch_trial("nct09990002", client=client)["overall_status"] == "TERMINATED"
    assert str(server.requests[0].url) == f"{CT}/api/v2/studies/NCT09990002?format=json"


def test_unknown_trial_is_not_found(server, client):
    with pytest.raises(NotFound):
        fetch_trial("NCT09990404", client=client)


def test_outage_is_retried_then_fails(server, client, sleeps):
    server.add("/api/v2/studies/NCT09990001", httpx.Response(503), httpx.Response(503), httpx.Response(503),
               httpx.Response(503))
    with pytest.raises(LookupFailed):
        fetch_trial("NCT09990001", client=client)
    assert len(server.requests) == 4 and len(sleeps) == 3
