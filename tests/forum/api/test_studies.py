"""/api/studies/<id>/: metadata, identifiers, design and status, and the topics citing it."""

import pytest

from forum.discussion.deleting import post_delete
from forum.models import Study
from forum.moderation.actions import post_hide, topic_delete
from tests.factories import make_reply, make_topic
from tests.forum.study_data import stored_study

pytestmark = pytest.mark.django_db

STUDY_KEYS = {
    "id", "url", "api_url", "title", "authors", "journal", "journal_abbreviation", "year", "volume", "issue",
    "pages", "abstract", "publisher_url", "identifiers", "design", "status", "updated_by", "lookup_state",
    "metadata_source", "cite", "exports", "trial_registry", "open_access", "citing_topic_ids", "created_at", "updated_at",
}


def test_study_shape(client):
    innova = stored_study("innova2022")

    response = client.get(f"/api/studies/{innova.pk}/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    body = response.json()
    assert set(body) == STUDY_KEYS
    assert body["id"] == innova.pk
    assert body["url"] == f"http://testserver/studies/{innova.pk}/"
    assert body["api_url"] == f"http://testserver/api/studies/{innova.pk}/"
    assert body["title"].startswith("Study protocol for a randomised, double-blinded")
    assert body["journal"] == "BMJ Open" and body["year"] == 2022
    assert any(author.get("family") == "Colomer-Carbonell" for author in body["authors"])
    assert body["identifiers"]["doi"] == "10.1136/bmjopen-2021-055351"
    assert set(body["identifiers"]) == {"doi", "pmid", "pmcid", "bibtex_key", "registrations"}
    assert "NCT04739995" in body["identifiers"]["registrations"]
    assert body["design"] == {"code": "protocol", "label": "Protocol", "set_by_moderator": False}
    assert body["status"]["code"] == "protocol" and body["status"]["label"] == "Protocol: no results yet"
    assert body["cite"] == "[@doi:10.1136/bmjopen-2021-055351]"
    assert body["exports"]["bib"] == f"http://testserver/studies/{innova.pk}/export.bib"
    assert body["lookup_state"] == "resolved"
    assert body["citing_topic_ids"] == []


def test_citing_topics_are_the_visible_ones(client, moderator):
    study = stored_study("bruun2024")
    cite = f"[@doi:{study.doi}]"
    plain = make_topic(raw=f"Question citing {cite}")
    in_reply = make_topic()
    make_reply(topic=in_reply, raw=f"Answer citing {cite}")
    by_deleted_post, by_hidden_post, deleted_topic = make_topic(), make_topic(), make_topic(raw=f"Gone {cite}")
    gone = make_reply(topic=by_deleted_post, raw=f"Deleted {cite}")
    post_delete(actor=gone.author, post=gone)
    post_hide(moderator=moderator, post=make_reply(topic=by_hidden_post, raw=f"Hidden {cite}"), reason="x",
              notify_author=False)
    topic_delete(moderator=moderator, topic=deleted_topic)

    assert client.get(f"/api/studies/{study.pk}/").json()["citing_topic_ids"] == sorted([plain.pk, in_reply.pk])
    client.force_login(moderator)
    assert client.get(f"/api/studies/{study.pk}/").json()["citing_topic_ids"] == sorted(
        [plain.pk, in_reply.pk, deleted_topic.pk])


def test_a_pending_study_has_nulls_not_missing_keys(client):
    study = Study.objects.create(doi="10.1002/art.37734", lookup_state="pending")

    body = client.get(f"/api/studies/{study.pk}/").json()

    assert set(body) == STUDY_KEYS
    assert body["lookup_state"] == "pending"
    assert body["year"] is None and body["abstract"] is None
    assert body["identifiers"]["doi"] == "10.1002/art.37734"


def test_unknown_study_is_a_json_404(client):
    response = client.get("/api/studies/424242/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
