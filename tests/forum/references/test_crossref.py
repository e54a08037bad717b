import httpx
import pytest

from forum.references.crossref import fetch_work
from forum.references.http import LookupFailed, NotFound
from forum.references.identifiers import InvalidIdentifier

from .conftest import json_response


def test_fetch_work_maps_the_crossref_record(client, server):
    server.add("/works/10.1097/pr9.0000000000001080", json_response("crossref_bested2023.json"))

    study = fetch_work("https://doi.org/10.1097/PR9.0000000000001080", client=client)

    assert study.source == "crossref"
    assert study.doi == "10.1097/PR9.0000000000001080"
    assert study.title.startswith("Low-dose naltrexone for treatment of pain")
    assert study.container_title == "PAIN Reports"
    assert study.container_title_short == "PAIN Rep"
    assert (study.year, study.volume, study.issue, study.pages) == (2023, "8", "4", "e1080")
    assert study.authors[:2] == [
        {"family": "Bested", "given": "Kirsten"},
        {"family": "Jensen", "given": "Lotte Marie"},
    ]
    assert len(study.authors) == 11
    assert study.crossref_type == "journal-article"
    assert study.url == "https://doi.org/10.1097/PR9.0000000000001080"


def test_request_carries_mailto_and_goes_to_the_configured_base_url(client, server):
    server.add("/works/10.1002/art.37734", json_response("crossref_younger2013.json"))
    fetch_work("10.1002/art.37734", client=client)
    request = server.requests[0]
    assert request.url.host == "crossref.test"
    assert request.url.params["mailto"] == "team@evident.test"


def test_jats_abstract_becomes_plain_paragraphs_with_section_labels(client, server):
    server.add("/works/10.1097/pr9.0000000000001080", json_response("crossref_bested2023.json"))
    abstract = fetch_work("10.1097/PR9.0000000000001080", client=client).abstract
    paragraphs = abstract.split("\n\n")
    assert paragraphs[0].startswith("Introduction: Fibromyalgia (FM) is a chronic fluctuating")
    assert paragraphs[3].startswith("Results: Fifty-eight patients with FM were randomized.")
    assert "P = 0.3" in paragraphs[3]
    assert len(paragraphs) == 5
    assert "<" not in abstract and "Abstract" not in abstract


def test_markup_entities_and_scripts_never_reach_the_output(client, server):
    server.add("/works/10.5555/evident-markup", json_response("crossref_synthetic_markup.json"))

    study = fetch_work("10.5555/evident-markup", client=client)

    assert study.title == "Effect of Naltrexone on CO2 & pain"
    assert study.container_title == "Journal of Tests & Fixtures"
    assert study.authors == [
        {"family": "Müller", "given": "Jørgen", "orcid": "0000-0002-1825-0097"},
        {"literal": "The Evident Study Group"},
    ]
    assert (
        study.abstract == "First paragraph with italics & an entity here.\n\nEscaped markup gone."
    )
    for text in (study.title, study.abstract, study.container_title, str(study.authors)):
        assert "<" not in text and ">" not in text
        assert "alert" not in text and "script" not in text


def test_registrations_come_from_clinical_trial_numbers(client, server):
    server.add("/works/10.1136/bmjopen-2021-055351", json_response("crossref_innova2022.json"))
    study = fetch_work("10.1136/bmjopen-2021-055351", client=client)
    assert study.registrations == ["NCT04739995", "2021-002534-16"]


def test_registration_numbers_are_normalised(client, server):
    server.add("/works/10.1002/art.37734", json_response("crossref_younger2013.json"))
    study = fetch_work("10.1002/art.37734", client=client)
    assert study.registrations == ["NCT00568555"]
    assert study.container_title == "Arthritis & Rheumatism"


def test_updated_by_records_retractions(client, server):
    server.add(
        "/works/10.5555/evident-retracted", json_response("crossref_synthetic_retracted.json")
    )
    study = fetch_work("10.5555/evident-retracted", client=client)
    assert study.updated_by == [
        {"type": "retraction", "doi": "10.5555/evident-retraction-notice", "date": "2021-03-09",
         "label": "Retraction", "source": "retraction-watch"}
    ]


def test_doi_with_parentheses_is_requested_and_parsed(client, server):
    server.add("/works/10.1016/s2665-9913(23)00278-3", json_response("crossref_bruun2024.json"))
    study = fetch_work("doi:10.1016/S2665-9913(23)00278-3", client=client)
    assert study.pages == "e31-e39"
    assert study.registrations == ["NCT04270877"]


def test_unknown_doi_is_not_found(client, server):
    with pytest.raises(NotFound):
        fetch_work("10.5555/does-not-exist", client=client)


def test_malformed_json_is_lookup_failed(client, server):
    server.add("/works/10.5555/x", httpx.Response(200, text='{"message": '))
    with pytest.raises(LookupFailed):
        fetch_work("10.5555/x", client=client)


@pytest.mark.parametrize(
    "body", ['{"status": "ok"}', '{"message": "Resource not found."}', "[]", "null"]
)
def test_json_without_a_work_record_is_lookup_failed(client, server, body):
    server.add("/works/10.5555/x", httpx.Response(200, text=body))
    with pytest.raises(LookupFailed):
        fetch_work("10.5555/x", client=client)


def test_invalid_doi_is_rejected_before_any_request(client, server):
    with pytest.raises(InvalidIdentifier):
        fetch_work("not a doi", client=client)
    assert server.requests == []


def test_fetch_work_creates_and_closes_its_own_client_when_none_given(monkeypatch, server):
    # Without a client argument the default transport is used; swap it for the fake server.
    import forum.references.crossref as crossref

    original = crossref.ReferencesClient
    monkeypatch.setattr(
        crossref,
        "ReferencesClient",
        lambda: original(transport=httpx.MockTransport(server.handler)),
    )
    server.add("/works/10.1002/art.37734", json_response("crossref_younger2013.json"))
    assert fetch_work("10.1002/art.37734").year == 2013
