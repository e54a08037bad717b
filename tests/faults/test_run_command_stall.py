"""`make run` works like production: a reply citing a new DOI is saved and shown at once while
the registry hangs, because the look-up waits in the task queue for the worker (the run
command's task backend), never in the request."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from config.devserver import RUN_ENVIRONMENT
from forum.models import Citation, LookupState, Post, Study
from tests.factories import UserFactory, make_topic

pytestmark = pytest.mark.django_db

DOI = "10.1136/bmj.m4743"


def test_a_stalled_registry_does_not_slow_a_reply_with_the_run_commands_task_backend(
        client, settings, silent_server, django_capture_on_commit_callbacks):
    url, accepted = silent_server
    settings.TASKS = {"default": {"BACKEND": RUN_ENVIRONMENT["TASKS_BACKEND"]}}
    settings.CROSSREF_API_URL = url + "/crossref"
    settings.PUBMED_API_URL = url + "/eutils"
    settings.REFERENCES_HTTP_TIMEOUT = 10  # the production default: the registry would hold a look-up 10 s
    author = UserFactory(username="writer")
    client.force_login(author)
    topic = make_topic(title="Does vitamin D prevent colds?")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("forum:reply", args=[topic.pk]),
                               {"raw": f"The BMJ trial found no effect [@doi:{DOI}]."})

    # Not timed (a loaded machine makes any figure meaningless): the request never opened a
    # connection to the registry, so it cannot have waited for it.
    assert response.status_code == 302
    post = Post.objects.get(topic=topic, post_number=2)
    study = Study.objects.get(doi=DOI)
    assert Citation.objects.filter(post=post, study=study).exists()
    assert study.lookup_state == LookupState.PENDING
    assert not accepted, "the request itself never called the registry"
    [queued] = DBTaskResult.objects.filter(task_path="forum.evidence.referencing.look_up_study")
    assert queued.status == "READY" and queued.args_kwargs["kwargs"]["study_id"] == study.pk
    page = client.get(response["Location"], follow=True)
    assert f"looking up {DOI}" in page.content.decode().lower()
