"""Crossref or PubMed slow, down or talking nonsense: posting must not notice.

The look-up runs after the post is committed (on the immediate task backend used here, inside
the same request, which is the harshest case); whatever the sources do, the reply is saved, the
author is redirected to it, and the citation reads "looking up" or "unresolved reference"."""

from functools import partial

import httpx
import pytest
from django.urls import reverse

from forum.models import Citation, LookupState, Post, Study
from forum.references import lookup
from forum.references.http import ReferencesClient
from tests.factories import UserFactory, make_topic
from tests.forum.references.conftest import CROSSREF, PUBMED

pytestmark = pytest.mark.django_db

DOI = "10.1136/bmj.m4743"
WORK_PATH = f"/works/{DOI}"


@pytest.fixture
def post_form(client, django_capture_on_commit_callbacks):
    """POST as the browser would, then run the after-commit work (the look-up) as the request
    would: tests run inside a transaction that never commits."""
    def post(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)
    return post


@pytest.fixture
def author(client):
    user = UserFactory(username="writer")
    client.force_login(user)
    return user


@pytest.fixture
def topic():
    return make_topic(title="Does vitamin D prevent colds?")


@pytest.fixture
def sources(settings, monkeypatch):
    """Crossref and PubMed answered by `answer(request)`, which each test replaces."""
    settings.CROSSREF_API_URL = CROSSREF
    settings.PUBMED_API_URL = PUBMED
    settings.REFERENCES_MAX_RETRIES = 2
    calls = []

    class Sources:
        answer = staticmethod(lambda request: httpx.Response(404))

        def handler(self, request):
            calls.append(request)
            return self.answer(request)

    sources = Sources()
    sources.calls = calls
    monkeypatch.setattr(lookup, "ReferencesClient", partial(
        ReferencesClient, transport=httpx.MockTransport(sources.handler), sleep=lambda seconds: None,
        jitter=lambda: 0.0,
    ))
    return sources


def reply_citing_the_doi(post_form, topic):
    return post_form(reverse("forum:reply", args=[topic.pk]), {"raw": f"The BMJ trial found no effect [@doi:{DOI}]."})


def assert_saved_and_shown_unresolved(client, topic, response, author):
    assert response.status_code == 302
    post = Post.objects.get(topic=topic, post_number=2)
    assert post.author == author and DOI in post.raw
    assert response["Location"].endswith(topic.post_page_url(2))
    study = Study.objects.get(doi=DOI)
    assert Citation.objects.filter(post=post, study=study).exists()
    assert study.lookup_state in (LookupState.PENDING, LookupState.DELAYED, LookupState.FAILED)
    page = client.get(response["Location"], follow=True)
    assert page.status_code == 200
    text = page.content.decode()
    assert any(shown in text.lower() for shown in (f"unresolved reference: {DOI}", f"looking up {DOI}",
                                                   f"look-up delayed, will retry: {DOI}"))
    assert "crossref.test" not in text and "eutils.test" not in text and "127.0.0.1:" not in text
    return study


def raise_(exc):
    def answer(request):
        raise exc
    return answer


@pytest.mark.parametrize("answer", [
    pytest.param(raise_(httpx.ReadTimeout("read timed out")), id="read-timeout"),
    pytest.param(raise_(httpx.ConnectTimeout("connect timed out")), id="connect-timeout"),
    pytest.param(raise_(httpx.ConnectError("[Errno 111] Connection refused")), id="connection-refused"),
    pytest.param(lambda request: httpx.Response(503, text="Service Unavailable"), id="503"),
    pytest.param(lambda request: httpx.Response(500, text="<h1>Internal Server Error</h1>"), id="500"),
    pytest.param(lambda request: httpx.Response(200, text="<!doctype html><title>Maintenance</title>",
                                                headers={"content-type": "text/html"}), id="html-page"),
    pytest.param(lambda request: httpx.Response(200, text='{"status": "ok", "message": {"title": ["Vit'),
                 id="truncated-json"),
    pytest.param(lambda request: httpx.Response(200, json=[1, 2, 3]), id="json-list"),
    pytest.param(lambda request: httpx.Response(200, json={"status": "ok", "message": "a string"}),
                 id="message-not-an-object"),
    pytest.param(lambda request: httpx.Response(200, content=b"\xff\xfe\x00garbage\x80"), id="binary"),
])
def test_a_failing_source_never_stops_a_reply_citing_a_doi(client, post_form, author, topic, sources, answer,
                                                           settings):
    sources.answer = answer

    response = reply_citing_the_doi(post_form, topic)

    assert_saved_and_shown_unresolved(client, topic, response, author)
    # Attempted, and given up after the configured retries (which sleep through `sleep`, stubbed).
    assert 1 <= len(sources.calls) <= 1 + settings.REFERENCES_MAX_RETRIES


def test_an_unreachable_source_delays_the_look_up_with_the_reason_kept_for_staff(client, post_form, author, topic,
                                                                                sources):
    sources.answer = lambda request: httpx.Response(503)

    response = reply_citing_the_doi(post_form, topic)

    study = assert_saved_and_shown_unresolved(client, topic, response, author)
    assert study.lookup_state == LookupState.DELAYED and "503" in study.lookup_error
    assert len(sources.calls) == 3  # the first try and two retries, then give up


def test_a_source_that_never_answers_times_out_and_the_reply_is_saved(client, post_form, author, topic, settings,
                                                                      silent_server):
    # The harshest case: the look-up runs inside the request (the immediate backend). What is
    # asserted is that the client gave up by its own configured timeout (the silent server would
    # only hang up after a minute, which reads "disconnected"), not how many seconds that took:
    # on a loaded machine the same 0.3 s timeout took 6 s of wall clock.
    url, accepted = silent_server
    settings.CROSSREF_API_URL = url + "/crossref"
    settings.PUBMED_API_URL = url + "/eutils"
    settings.REFERENCES_HTTP_TIMEOUT = 0.3
    settings.REFERENCES_MAX_RETRIES = 0

    response = reply_citing_the_doi(post_form, topic)

    study = assert_saved_and_shown_unresolved(client, topic, response, author)
    assert accepted, "the look-up reached the silent server"
    assert study.lookup_state == LookupState.DELAYED and "timed out" in study.lookup_error


def test_with_a_task_queue_the_reply_never_waits_for_a_silent_source(client, author, topic, settings, silent_server,
                                                                     django_capture_on_commit_callbacks):
    # As in production: the look-up is queued after the reply commits, and the request never
    # opens a connection to the registry, however long that would hold it.
    from django_tasks_db.models import DBTaskResult

    url, accepted = silent_server
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CROSSREF_API_URL = url + "/crossref"
    settings.PUBMED_API_URL = url + "/eutils"
    settings.REFERENCES_HTTP_TIMEOUT = 3600

    response = reply_citing_the_doi(partial(_post_and_commit, client, django_capture_on_commit_callbacks), topic)

    assert response.status_code == 302
    study = Study.objects.get(doi=DOI)
    assert study.lookup_state == LookupState.PENDING
    assert DBTaskResult.objects.filter(task_path="forum.evidence.referencing.look_up_study", status="READY").count() == 1
    assert not accepted, "the request itself never called the registry"


def _post_and_commit(client, capture, url, data):
    with capture(execute=True):
        return client.post(url, data)


def test_with_nothing_listening_the_reply_is_saved_and_unresolved(client, post_form, author, topic):
    # The suite-wide settings point both sources at a closed local port (connection refused).
    response = reply_citing_the_doi(post_form, topic)

    study = assert_saved_and_shown_unresolved(client, topic, response, author)
    assert study.lookup_state == LookupState.DELAYED  # could not reach is not "no such record"


def test_a_new_topic_citing_a_doi_is_saved_when_the_sources_fail(client, post_form, author, sources):
    from tests.factories import CategoryFactory

    sources.answer = raise_(httpx.ReadTimeout("read timed out"))
    category = CategoryFactory()
    response = post_form(reverse("forum:new_topic"), {
        "title": "Vitamin D and colds", "category": category.pk, "raw": f"See [@doi:{DOI}].", "tags": ""})

    assert response.status_code == 302
    post = Post.objects.get(topic__title="Vitamin D and colds", post_number=1)
    assert Citation.objects.filter(post=post, study__doi=DOI).exists()
    assert Study.objects.get(doi=DOI).lookup_state == LookupState.DELAYED


@pytest.mark.parametrize("message", [
    pytest.param({"title": 5, "author": "not a list", "issued": {"date-parts": "soon"}, "container-title": {"a": 1},
                  "clinical-trial-number": "NCT", "updated-by": 7, "page": [], "DOI": ["x"]},
                 id="fields-of-wrong-types"),
    pytest.param({"author": [None, 3, {"family": 7}], "title": [None]}, id="authors-of-wrong-types"),
])
def test_a_work_record_with_fields_of_the_wrong_types_is_survived(client, post_form, author, topic, sources, message):
    # The parser is tolerant by design: a record whose fields are all unusable is stored as a
    # study with nothing filled in rather than crashing the look-up. The reply is unaffected.
    sources.answer = lambda request: httpx.Response(200, json={"status": "ok", "message": message})

    response = reply_citing_the_doi(post_form, topic)

    assert response.status_code == 302
    post = Post.objects.get(topic=topic, post_number=2)
    study = Study.objects.get(doi=DOI)
    assert Citation.objects.filter(post=post, study=study).exists()
    assert study.title == "" and study.year is None
    assert client.get(response["Location"], follow=True).status_code == 200
