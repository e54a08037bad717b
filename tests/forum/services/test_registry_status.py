"""Registry status of cited trials and open-access copies: fetched after a study's look-up, kept
through revisions and never blanked, 404 final, outages retried from the queue, and a protocol's
readers told when its trial posts results."""

from datetime import timedelta

import httpx
import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from forum.models import (
    LookupState, Notification, NotificationKind, RevisionSource, Study, TopicSubscription, TrialLookupState,
    TrialRecord, WatchLevel,
)
from forum.evidence.referencing import study_look_up
from forum.evidence.registry_status import study_extras_look_up, study_open_access_refresh, trial_look_up
from tests.factories import UserFactory, make_reply, make_topic
from tests.forum.references.conftest import fixture_text
from tests.forum.study_data import crossref_response, stored_metadata
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

TRIAL = "/api/v2/studies/NCT09990001"


def answer(name: str, status: int = 200) -> httpx.Response:
    return httpx.Response(status, text=fixture_text(name), headers={"content-type": "application/json"})


def trial_study(*numbers, doi="10.5555/evident.trial", **fields) -> Study:
    return stored_metadata(title="A trial of low-dose naltrexone (test)", doi=doi, year=2024,
                           registrations=list(numbers), **fields)


def test_a_completed_trial_with_results_shows_on_the_study_with_a_revision(registry_server, settings):
    settings.FORUM_FRAGMENT_CACHE = False
    registry_server.add(TRIAL, answer("clinicaltrials_completed_results.json"))
    study = trial_study("NCT09990001", "2021-002534-16")
    topic = make_topic(raw="Does it work? [@doi:10.5555/evident.trial]")

    study_extras_look_up(study_id=study.pk)

    study.refresh_from_db()
    assert study.registry_chips == [("results", "Completed 2023, results posted")]
    assert study.registry[0]["nct_id"] == "NCT09990001" and study.registry[0]["state"] == "found"
    revision = study.revisions.first()
    assert revision.source == RevisionSource.CLINICALTRIALS and revision.snapshot["registry"] == study.registry
    # The citing post's chip card says it too (re-rendered, no query at read time).
    post = topic.posts.get(post_number=1)
    assert "Completed 2023, results posted" in post.cooked
    # EudraCT numbers have no API here: only the NCT number was asked.
    assert [r.url.path for r in registry_server.requests if "clinicaltrials" in r.url.host] == [TRIAL]


def test_an_answer_without_a_status_blanks_nothing(registry_server):
    registry_server.add("/api/v2/studies/NCT09990002", answer("clinicaltrials_terminated.json"))
    study = trial_study("NCT09990002")
    trial_look_up(nct_id="NCT09990002")
    statusless = {"protocolSection": {"identificationModule": {"nctId": "NCT09990002"}}}
    registry_server.routes["/api/v2/studies/NCT09990002"] = [httpx.Response(200, json=statusless)]

    trial_look_up(nct_id="NCT09990002", use_cache=False)

    study.refresh_from_db()
    record = TrialRecord.objects.get(nct_id="NCT09990002")
    assert record.facts["why_stopped"] == "Low accrual" and record.facts["start_date"] == "2019-05"
    assert study.registry_chips == [("stopped", "Terminated: low accrual")]
    assert study.revisions.filter(source=RevisionSource.CLINICALTRIALS).count() == 1  # nothing changed


def trial_facts_shown(client, study) -> dict[str, str]:
    """The study page's trial facts as a reader sees them: term -> value."""
    section = parse(client.get(study.get_absolute_url()).content).find("section", class_="study__registry")
    inside = section.descendants()
    return {" ".join(dt.text.split()): " ".join(dd.text.split()) for dt, dd in
            zip([e for e in inside if e.tag == "dt"], [e for e in inside if e.tag == "dd"])}


def test_registry_fields_follow_the_current_record_and_the_old_ones_stay_in_the_history(registry_server, client):
    """Terminated for low accrual, then recruiting again: the page stops saying why it stopped;
    the history keeps what the registry said before; the study's status facts stay."""
    registry_server.add("/api/v2/studies/NCT09990002", answer("clinicaltrials_terminated.json"))
    study = trial_study("NCT09990002", updated_by=[{"type": "retraction", "date": "2024-02-01",
                                                     "doi": "10.5555/evident.trial-retraction"}])
    trial_look_up(nct_id="NCT09990002")
    assert trial_facts_shown(client, study)["Why stopped"] == "Low accrual"

    registry_server.routes["/api/v2/studies/NCT09990002"] = [answer("clinicaltrials_recruiting_again.json")]
    trial_look_up(nct_id="NCT09990002", use_cache=False)

    study.refresh_from_db()
    assert study.registry_chips == [("ongoing", "Recruiting")]
    shown = trial_facts_shown(client, study)
    assert "Why stopped" not in shown and "accrual" not in " ".join(shown.values())
    assert (shown["Overall status"], shown["Primary completion"], shown["Participants"]) == (
        "Recruiting", "2027-06 (estimated)", "240 (planned)")
    page = parse(client.get(study.get_absolute_url()).content)
    # Status facts are only ever added: the registry's news does not make the paper sound again.
    assert study.effective_status == "retracted" and "Retracted." in page.text

    history = parse(client.get(reverse("forum:study_history", args=[study.pk])).content)
    latest = history.find_all("section", class_="study-revision")[0].descendants()
    cells = [e.text for e in latest if e.tag in ("th", "td")]
    at = cells.index("Trial registry")
    assert cells[at + 1:at + 3] == ["NCT09990002: Terminated: low accrual", "NCT09990002: Recruiting"]


def test_a_status_change_is_a_new_revision(registry_server):
    registry_server.add(TRIAL, answer("clinicaltrials_completed_no_results.json"))
    study = trial_study("NCT09990001")
    trial_look_up(nct_id="NCT09990001")
    registry_server.routes[TRIAL] = [answer("clinicaltrials_completed_results.json")]

    trial_look_up(nct_id="NCT09990001", use_cache=False)

    study.refresh_from_db()
    assert study.revisions.filter(source=RevisionSource.CLINICALTRIALS).count() == 2
    assert study.registry_chips == [("results", "Completed 2023, results posted")]


def test_withdrawn_and_late_registered_trials(registry_server):
    registry_server.add("/api/v2/studies/NCT09990003", answer("clinicaltrials_withdrawn.json"))
    registry_server.add("/api/v2/studies/NCT09990004", answer("clinicaltrials_recruiting_late.json"))
    study = trial_study("NCT09990003", "NCT09990004")

    study_extras_look_up(study_id=study.pk)

    study.refresh_from_db()
    assert study.registry_chips == [("stopped", "Withdrawn"), ("ongoing", "Recruiting"),
                                    ("late", "Registered after the trial started")]


def test_an_unknown_trial_is_shown_as_such_and_not_asked_again_for_a_month(registry_server):
    study = trial_study("NCT09990404")

    study_extras_look_up(study_id=study.pk)
    study_extras_look_up(study_id=study.pk, use_cache=False)

    study.refresh_from_db()
    assert TrialRecord.objects.get(nct_id="NCT09990404").lookup_state == TrialLookupState.UNKNOWN
    assert study.registry_chips == [("unknown", "NCT09990404 not found in the registry")]
    assert len(registry_server.requests_to("/api/v2/studies/NCT09990404")) == 1
    TrialRecord.objects.update(fetched_at=timezone.now() - timedelta(days=31))
    study_extras_look_up(study_id=study.pk, use_cache=False)
    assert len(registry_server.requests_to("/api/v2/studies/NCT09990404")) == 2


@pytest.fixture
def worker_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queued(task_path):
    return list(DBTaskResult.objects.filter(task_path=task_path))


@pytest.mark.parametrize("outage", [httpx.Response(503), httpx.Response(429, headers={"retry-after": "600"}),
                                    httpx.ReadTimeout("timed out")])
def test_an_outage_is_retried_from_the_queue_and_then_succeeds(
        worker_queue, registry_server, django_capture_on_commit_callbacks, outage):
    registry_server.add(TRIAL, outage, answer("clinicaltrials_terminated.json"))
    study = trial_study("NCT09990001")
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        trial_look_up(nct_id="NCT09990001")

    record = TrialRecord.objects.get(nct_id="NCT09990001")
    assert record.lookup_state == TrialLookupState.DELAYED and record.lookup_attempts == 1
    [retry] = queued("forum.evidence.registry_status.look_up_trial")
    assert retry.args_kwargs["kwargs"] == {"nct_id": "NCT09990001", "retry": True}
    wait = 600 if getattr(outage, "status_code", 0) == 429 else 60
    assert retry.run_after >= before + timedelta(seconds=wait)
    assert len(registry_server.requests) == 1  # one attempt: the worker is not held by back-off sleeps
    study.refresh_from_db()
    assert study.registry == []  # nothing shown meanwhile, nothing blank stored

    with django_capture_on_commit_callbacks(execute=True):
        trial_look_up(nct_id="NCT09990001", retry=True)

    study.refresh_from_db()
    assert TrialRecord.objects.get(nct_id="NCT09990001").lookup_state == TrialLookupState.FOUND
    assert study.registry_chips == [("stopped", "Terminated: low accrual")]


def test_a_failed_refresh_keeps_the_stored_status(registry_server):
    registry_server.add(TRIAL, answer("clinicaltrials_terminated.json"))
    study = trial_study("NCT09990001")
    trial_look_up(nct_id="NCT09990001")
    registry_server.routes[TRIAL] = [httpx.Response(500)]

    trial_look_up(nct_id="NCT09990001", use_cache=False)

    study.refresh_from_db()
    assert TrialRecord.objects.get(nct_id="NCT09990001").lookup_state == TrialLookupState.FOUND
    assert study.registry_chips == [("stopped", "Terminated: low accrual")]


def test_registry_and_open_access_follow_a_study_look_up_and_posting_never_waits(
        reference_server, registry_server, member, django_capture_on_commit_callbacks):
    """INNOVA's recorded Crossref answer carries NCT04739995; its trial is answered here with the
    (synthetic) completed-trial record."""
    reference_server.add("/works/10.1136/bmjopen-2021-055351", crossref_response("innova2022"))
    registry_server.add("/api/v2/studies/NCT04739995", answer("clinicaltrials_completed_no_results.json"))
    registry_server.add("/v2/10.1136/bmjopen-2021-055351", answer("unpaywall_gold.json"))
    study = Study.objects.create(doi="10.1136/bmjopen-2021-055351", lookup_state=LookupState.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        study_look_up(study_id=study.pk)

    study.refresh_from_db()
    assert study.effective_status == "protocol"
    assert ("completed", "Protocol - registry says completed; results may exist") in study.registry_chips
    assert study.open_access_label == "Open access (gold)"
    assert study.open_access_url == "https://journals.example.org/article/10.5555/evident.oa.gold"


def test_open_access_outage_degrades_silently_and_a_later_refresh_fills_it(registry_server):
    study = trial_study(doi="10.5555/evident.oa.gold")
    registry_server.add("/v2/10.5555/evident.oa.gold", httpx.Response(503), answer("unpaywall_gold.json"))

    assert study_open_access_refresh(study_id=study.pk) is False
    study.refresh_from_db()
    assert study.open_access == {} and study.open_access_label == ""

    assert study_open_access_refresh(study_id=study.pk, use_cache=False) is True
    study.refresh_from_db()
    assert study.open_access_label == "Open access (gold)"
    assert study.revisions.first().source == RevisionSource.UNPAYWALL


def test_unknown_doi_at_unpaywall_stores_nothing(registry_server):
    study = trial_study(doi="10.5555/evident.unknown")
    assert study_open_access_refresh(study_id=study.pk) is False
    study.refresh_from_db()
    assert study.open_access == {}


@pytest.fixture
def protocol_cited(settings):
    settings.FORUM_FRAGMENT_CACHE = False
    study = stored_metadata(title="Study protocol for a trial of naltrexone (test)", doi="10.5555/evident.protocol",
                            year=2022, registrations=["NCT09990001"], publication_types=["Clinical Trial Protocol"])
    assert study.effective_status == "protocol"
    people = {name: UserFactory(username=name) for name in ("asker", "citer", "watcher", "muted")}
    topic = make_topic(author=people["asker"], raw="Is there a trial?")
    make_reply(topic=topic, author=people["citer"], raw="One is planned [@doi:10.5555/evident.protocol].")
    for name, level in (("watcher", WatchLevel.WATCHING), ("muted", WatchLevel.MUTED)):
        TopicSubscription.objects.update_or_create(user=people[name], topic=topic,
                                                   defaults={"level": level, "level_chosen": True})
    Notification.objects.all().delete()
    return study, topic, people


def test_watchers_hear_when_a_protocols_trial_posts_results(
        protocol_cited, registry_server, django_capture_on_commit_callbacks):
    study, topic, people = protocol_cited
    registry_server.add(TRIAL, answer("clinicaltrials_completed_no_results.json"))
    with django_capture_on_commit_callbacks(execute=True):
        trial_look_up(nct_id="NCT09990001")
    assert not Notification.objects.exists()  # completed without results: nothing new to read yet

    registry_server.routes[TRIAL] = [answer("clinicaltrials_completed_results.json")]
    with django_capture_on_commit_callbacks(execute=True):
        trial_look_up(nct_id="NCT09990001", use_cache=False)

    told = {n.recipient.username: n for n in Notification.objects.select_related("recipient")}
    # The asker watches the topic they started; the muted member hears nothing.
    assert set(told) == {"watcher", "citer", "asker"}
    note = told["watcher"]
    assert note.kind == NotificationKind.EVIDENCE_CHANGED and note.topic_id == topic.pk
    assert "has posted results on ClinicalTrials.gov" in note.message and "NCT09990001" in note.message
    study.refresh_from_db()
    assert study.registry_chips == [("results", "Protocol - registry says completed; results posted")]

    with django_capture_on_commit_callbacks(execute=True):
        trial_look_up(nct_id="NCT09990001", use_cache=False)
    assert Notification.objects.count() == 3  # told once


def test_an_unpaywall_answer_without_oa_status_shows_its_label_and_credit(registry_server, client):
    """An older Unpaywall answer (is_oa and locations, no oa_status) reads on the study page like
    any other: the kind of open access, the copy, and where the facts came from."""
    study = trial_study(doi="10.5555/evident.oa.older")
    registry_server.add("/v2/10.5555/evident.oa.older", answer("unpaywall_no_status.json"))

    assert study_open_access_refresh(study_id=study.pk) is True

    section = parse(client.get(study.get_absolute_url()).content).find("section", class_="study__access")
    text = " ".join(section.text.split())
    assert text.startswith("Read it Open access (hybrid): published open access in a subscription journal. "
                           "Read the free copy (the published version at the publisher, licence cc-by)")
    assert "Open-access status from Unpaywall." in text
    link = next(e for e in section.descendants() if e.tag == "a" and e.text == "Read the free copy")
    assert link.get("href") == "https://publisher.example.com/articles/older"
