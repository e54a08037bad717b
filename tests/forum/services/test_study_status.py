"""Status is never lost: retractions, corrections, expressions of concern from Crossref
(`updated-by`, Retraction Watch entries, `update-to` on notices) and PubMed (`RetractionIn`,
`ErratumIn`, `ExpressionOfConcernIn`, "Retracted Publication") are kept, shown, and survive
imports and refreshes that lack them."""

import json

import httpx
import pytest
from django.urls import reverse

from forum.evidence.referencing import studies_import, study_get_or_create_pending, study_look_up
from forum.evidence.study_records import study_restore
from forum.markup.citations import CitationRef
from forum.models import Study
from forum.references.bibtex import parse_bibtex
from tests.forum.references.conftest import fixture_json, fixture_text
from tests.forum.study_data import EFETCH, ESUMMARY, crossref_response, stored_study
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

RETRACTED = "10.5555/evident-retracted"


def looked_up(reference_server, doi: str, fixture: str) -> Study:
    study, _ = study_get_or_create_pending(CitationRef("doi", doi))
    reference_server.add(f"/works/{doi}", crossref_response(fixture))
    return study_look_up(study_id=study.pk, use_cache=False)


def notice_links(html) -> list[str]:
    return [a.get("href") for a in html.find("div", class_="notice").descendants() if a.tag == "a"]


def without_updates(name: str) -> httpx.Response:
    payload = fixture_json(f"crossref_{name}.json")
    payload["message"].pop("updated-by")
    return httpx.Response(200, json=payload)


def test_a_retraction_watch_entry_makes_a_study_retracted_with_its_notice_and_date(reference_server, client):
    study = looked_up(reference_server, RETRACTED, "synthetic_retracted")

    assert study.status == "retracted"
    [fact] = study.status_facts
    assert (fact["kind"], fact["date"], fact["notice_doi"], fact["source"]) == (
        "retraction", "2021-03-09", "10.5555/evident-retraction-notice", "retraction-watch")
    html = parse(client.get(study.get_absolute_url()).content)
    assert html.find("p", class_="notice").text.startswith("Retracted.")
    notices = html.find("ul", class_="study__facts").text
    assert "Retracted on 2021-03-09" in notices and "Retraction Watch" in notices


def test_an_expression_of_concern_is_kept_and_shown_beside_a_correction(reference_server, client):
    study = looked_up(reference_server, "10.5555/evident-concern", "synthetic_concern")

    assert study.status == "concern"
    assert sorted(f["kind"] for f in study.status_facts) == ["correction", "expression_of_concern"]
    html = parse(client.get(study.get_absolute_url()).content)
    chips = [c for c in html.find("p", class_="study__chips").descendants() if "chip--status" in c.classes]
    assert [c.text for c in chips] == ["Expression of concern", "Corrected"]
    assert html.find("p", class_="notice").text.startswith("Expression of concern.")


def test_a_refresh_or_an_import_lacking_the_retraction_cannot_erase_it(reference_server, moderator):
    study = looked_up(reference_server, RETRACTED, "synthetic_retracted")
    first_revision = study.revisions.order_by("edited_at", "pk").first()

    # Crossref later answers without the relation.
    reference_server.routes.clear()
    reference_server.add(f"/works/{RETRACTED}", without_updates("synthetic_retracted"))
    study_look_up(study_id=study.pk, use_cache=False)
    # A member's BibTeX export of the same paper (no notices in BibTeX).
    [entry] = parse_bibtex(f"@article{{x, title={{A randomised trial}}, doi={{{RETRACTED}}}}}").studies
    studies_import(records=[entry])

    study.refresh_from_db()
    assert study.status == "retracted" and [f["kind"] for f in study.status_facts] == ["retraction"]
    # Restoring the revision from before anything was known keeps it too.
    pending = study.revisions.create(snapshot={**first_revision.snapshot, "status_facts": [], "status": "published"},
                                     source="earlier")
    study_restore(moderator=moderator, revision=pending)
    study.refresh_from_db()
    assert study.status == "retracted"


def test_pubmed_retraction_erratum_and_concern_links_and_the_retracted_publication_type(reference_server):
    study, _ = study_get_or_create_pending(CitationRef("pmid", "99999999"))
    reference_server.add(ESUMMARY, httpx.Response(200, json=json.loads(fixture_text("esummary_synthetic_retracted.json"))))
    reference_server.add(EFETCH, httpx.Response(200, text=fixture_text("efetch_synthetic_retracted.xml"),
                                                headers={"content-type": "application/xml"}))

    study = study_look_up(study_id=study.pk, use_cache=False)

    assert study.status == "retracted"
    facts = {f["kind"]: f for f in study.status_facts}
    assert set(facts) == {"retraction", "correction", "expression_of_concern"}
    # The publication type and the RetractionIn link are one retraction, with its notice's PMID.
    assert facts["retraction"]["notice_pmid"] == "99999998"
    assert facts["expression_of_concern"]["notice_pmid"] == "99999996"


def test_a_cited_retraction_notice_is_a_notice_and_links_to_the_work_it_retracts(reference_server, client):
    retracted = stored_study("synthetic_retracted")
    notice = looked_up(reference_server, "10.5555/evident-retraction-notice", "synthetic_retraction_notice")

    assert notice.status_facts == []  # the notice is not itself retracted
    html = parse(client.get(notice.get_absolute_url()).content)
    text = html.find("article").text
    assert "This is a retraction notice, not a study." in " ".join(text.split())
    assert notice_links(html) == [retracted.get_absolute_url()]


def test_pubmed_notice_names_the_pmid_it_retracts(reference_server, client):
    study, _ = study_get_or_create_pending(CitationRef("pmid", "99999998"))
    summary = json.loads(fixture_text("esummary_synthetic_retracted.json"))
    summary["result"] = {"uids": ["99999998"], "99999998": {**summary["result"]["99999999"], "uid": "99999998",
                                                              "title": "Retraction: A randomised trial."}}
    reference_server.add(ESUMMARY, httpx.Response(200, json=summary))
    reference_server.add(EFETCH, httpx.Response(200, text=fixture_text("efetch_synthetic_retraction_notice.xml"),
                                                headers={"content-type": "application/xml"}))
    study = study_look_up(study_id=study.pk, use_cache=False)

    html = parse(client.get(reverse("forum:study", args=[study.pk])).content)
    assert notice_links(html) == ["https://pubmed.ncbi.nlm.nih.gov/99999999/"]
