"""Restoring a study's revision asks for a reason and for a confirmation before undoing anything."""

import pytest
from django.urls import reverse

from forum.evidence.referencing import study_edit
from forum.models import Study
from tests.forum.study_data import stored_metadata
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


def _edit(moderator, study):
    metadata = study.as_metadata()
    metadata.title = "Corrected title"
    study_edit(editor=moderator, study=study, metadata=metadata, reason="Typo")


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def edited(moderator):
    study = stored_metadata(title="Original title", doi="10.5555/evident.restore")
    first = study.revisions.order_by("edited_at", "pk").first()
    return study, first


def test_a_restore_without_a_reason_is_refused_and_asks_for_one(moderator_client, edited, moderator):
    study, first = edited
    _edit(moderator, study)

    response = moderator_client.post(reverse("forum:study_restore", args=[study.pk, first.pk]),
                                     {"reason": "  ", "confirm": "yes"})

    assert response.status_code == 400
    assert "Say why you are restoring this revision." in parse(response.content).find(role="alert").text
    assert Study.objects.get(pk=study.pk).title == "Corrected title"


def test_a_restore_is_confirmed_before_anything_changes(moderator_client, edited, moderator):
    study, first = edited
    _edit(moderator, study)
    url = reverse("forum:study_restore", args=[study.pk, first.pk])

    asked = moderator_client.post(url, {"reason": "The paper says Original title"})

    assert asked.status_code == 200
    page = parse(asked.content)
    assert page.find("h1").text == "Restore this revision?"
    assert Study.objects.get(pk=study.pk).title == "Corrected title"
    done = moderator_client.post(url, {"reason": "The paper says Original title", "confirm": "yes"})
    assert done.status_code == 302
    assert Study.objects.get(pk=study.pk).title == "Original title"
    assert study.revisions.order_by("-edited_at", "-pk").first().reason == "The paper says Original title"
