"""Look-ups that do not cry wolf: "no such record" is final, "could not reach" is retried in the
background through the task queue (never by sleeping), honours Retry-After, gives up after a
day; citing the identifier again tries again; readers and the API never see the error."""

from datetime import timedelta

import httpx
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from forum.discussion.rendering import post_recook
from forum.evidence.lookup_retries import retry_delay
from forum.evidence.referencing import paste_parse, references_add, study_look_up
from forum.models import LookupState, Study
from tests.factories import make_topic
from tests.forum.references.conftest import fixture_text

pytestmark = pytest.mark.django_db

DOI = "10.1002/art.37734"
WORK = f"/works/{DOI}"


@pytest.fixture
def worker_queue(settings):
    """The task backend `make run` and production use: tasks wait in the database for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queued_retries():
    return [task for task in DBTaskResult.objects.filter(task_path="forum.evidence.referencing.look_up_study")
            if task.args_kwargs["kwargs"].get("retry")]


def delayed_study(django_capture_on_commit_callbacks, reference_server, answer):
    reference_server.add(WORK, answer)
    study = Study.objects.create(doi=DOI, lookup_state=LookupState.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        study_look_up(study_id=study.pk)
    study.refresh_from_db()
    return study


def test_no_such_record_is_final_and_queues_nothing(worker_queue, reference_server, django_capture_on_commit_callbacks):
    study = delayed_study(django_capture_on_commit_callbacks, reference_server, httpx.Response(404))

    assert study.lookup_state == LookupState.FAILED
    assert queued_retries() == []


@pytest.mark.parametrize("answer", [
    httpx.Response(503), httpx.Response(500), httpx.Response(502), httpx.Response(429),
    httpx.ConnectError("[Errno 111] Connection refused"), httpx.ReadTimeout("timed out"),
])
def test_could_not_reach_is_delayed_and_retried_from_the_queue_after_one_attempt(
        worker_queue, reference_server, django_capture_on_commit_callbacks, answer):
    before = timezone.now()

    study = delayed_study(django_capture_on_commit_callbacks, reference_server, answer)

    assert study.lookup_state == LookupState.DELAYED and study.lookup_attempts == 1
    assert len(reference_server.requests_to(WORK)) == 1  # one attempt: the worker is not held by retries
    [retry] = queued_retries()
    assert retry.args_kwargs["kwargs"]["study_id"] == study.pk
    assert before + timedelta(seconds=59) <= retry.run_after <= timezone.now() + timedelta(seconds=61)


def test_a_long_retry_after_is_honoured_by_scheduling_not_sleeping(worker_queue, reference_server,
                                                                   django_capture_on_commit_callbacks):
    before = timezone.now()

    study = delayed_study(django_capture_on_commit_callbacks, reference_server,
                          httpx.Response(429, headers={"Retry-After": "3600"}))

    assert study.lookup_state == LookupState.DELAYED
    [retry] = queued_retries()
    assert retry.run_after >= before + timedelta(seconds=3600)
    assert retry.run_after <= timezone.now() + timedelta(seconds=3601)


def test_the_back_off_doubles_up_to_six_hours():
    assert [retry_delay(attempts=n).total_seconds() for n in (1, 2, 3, 4, 10, 12)] == [
        60, 120, 240, 480, 6 * 3600, 6 * 3600]
    assert retry_delay(attempts=1, retry_after=900).total_seconds() == 900


def test_a_queued_retry_that_succeeds_resolves_the_study(worker_queue, reference_server,
                                                         django_capture_on_commit_callbacks):
    study = delayed_study(django_capture_on_commit_callbacks, reference_server, httpx.Response(503))
    reference_server.routes[WORK] = [httpx.Response(200, text=fixture_text("crossref_younger2013.json"))]

    study_look_up(study_id=study.pk, retry=True)

    study.refresh_from_db()
    assert study.lookup_state == LookupState.RESOLVED and study.lookup_attempts == 0
    assert study.lookup_failing_since is None


def test_a_retry_for_a_study_resolved_meanwhile_does_nothing(worker_queue, reference_server):
    study = Study.objects.create(doi=DOI, title="Known", lookup_state=LookupState.RESOLVED)

    study_look_up(study_id=study.pk, retry=True)

    assert reference_server.requests == []


def test_after_a_day_of_failing_it_gives_up_as_unresolved(worker_queue, reference_server,
                                                           django_capture_on_commit_callbacks):
    reference_server.add(WORK, httpx.Response(503))
    study = Study.objects.create(doi=DOI, lookup_state=LookupState.DELAYED, lookup_attempts=12,
                                 lookup_failing_since=timezone.now() - timedelta(days=1, minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        study_look_up(study_id=study.pk, retry=True)

    study.refresh_from_db()
    assert study.lookup_state == LookupState.FAILED
    assert queued_retries() == []


def test_citing_a_failed_identifier_again_requeues_it_but_a_re_render_does_not(
        worker_queue, reference_server, django_capture_on_commit_callbacks):
    study = delayed_study(django_capture_on_commit_callbacks, reference_server, httpx.Response(404))
    assert study.lookup_state == LookupState.FAILED
    DBTaskResult.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(raw=f"Cited again [@doi:{DOI}].")
    study.refresh_from_db()
    assert study.lookup_state == LookupState.PENDING
    assert DBTaskResult.objects.filter(task_path="forum.evidence.referencing.look_up_study").count() == 1

    Study.objects.filter(pk=study.pk).update(lookup_state=LookupState.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        post_recook(post=topic.posts.get())
    assert Study.objects.get(pk=study.pk).lookup_state == LookupState.FAILED
    assert DBTaskResult.objects.filter(task_path="forum.evidence.referencing.look_up_study").count() == 1


def test_pasting_a_failed_identifier_in_add_reference_requeues_it(worker_queue, django_capture_on_commit_callbacks):
    study = Study.objects.create(doi=DOI, lookup_state=LookupState.DELAYED, lookup_attempts=3,
                                 lookup_failing_since=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        added = references_add(text=f"https://doi.org/{DOI}")

    assert [s.pk for s in added.studies] == [study.pk]
    study.refresh_from_db()
    assert (study.lookup_state, study.lookup_attempts) == (LookupState.PENDING, 0)
    assert DBTaskResult.objects.filter(task_path="forum.evidence.referencing.look_up_study").count() == 1


@pytest.mark.parametrize("state", [LookupState.DELAYED, LookupState.FAILED, LookupState.PENDING])
def test_errors_urls_and_contact_addresses_never_reach_pages_or_the_api(state):
    study = Study.objects.create(
        doi=DOI, lookup_state=state,
        lookup_error="https://api.crossref.org/works/x?mailto=team@evident.example failed (HTTP 503)")
    client = Client()

    page = client.get(study.get_absolute_url()).content.decode()
    api = client.get(reverse("api:study", kwargs={"study_id": study.pk}))

    for shown in (page, api.content.decode()):
        assert "mailto" not in shown and "evident.example" not in shown and "HTTP 503" not in shown
        assert "api.crossref.org" not in shown
    assert api.json()["status"]["code"] == "unresolved"
    assert api.json()["lookup_state"] == state
    if state == LookupState.DELAYED:
        assert "Look-up delayed, will retry" in page


def test_the_studies_index_lists_resolved_studies_only():
    Study.objects.create(doi="10.5555/resolved", title="A resolved trial", lookup_state=LookupState.RESOLVED)
    Study.objects.create(doi="10.5555/waiting", lookup_state=LookupState.PENDING)
    Study.objects.create(doi="10.5555/delayed", lookup_state=LookupState.DELAYED)
    Study.objects.create(doi="10.5555/missing", lookup_state=LookupState.FAILED)

    page = Client().get(reverse("forum:studies")).content.decode()

    assert "A resolved trial" in page
    assert "10.5555/waiting" not in page and "10.5555/delayed" not in page and "10.5555/missing" not in page


@pytest.mark.parametrize("pasted", ["123456789", "PMID: 1234567890", "pmid:382260271"])
def test_a_pmid_over_eight_digits_is_refused_with_a_clear_message(pasted):
    ref, records, problems = paste_parse(pasted)

    assert ref is None and records == []
    assert "PubMed IDs have at most 8" in problems[0]
    assert Study.objects.count() == 0
