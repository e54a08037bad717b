import httpx
import pytest

from forum.references.classification import Design, classify
from forum.references.http import NotFound
from forum.references.identifiers import InvalidIdentifier
from forum.references.lookup import lookup_study

from .conftest import fixture_text, json_response

ESUMMARY = "/entrez/eutils/esummary.fcgi"
EFETCH = "/entrez/eutils/efetch.fcgi"
ESEARCH = "/entrez/eutils/esearch.fcgi"


def test_doi_lookup_is_enriched_with_pubmed(client, server):
    server.add("/works/10.1097/pr9.0000000000001080", json_response("crossref_bested2023.json"))
    server.add(ESEARCH, json_response("esearch_bested2023.json"))
    server.add(ESUMMARY, json_response("esummary_bested2023.json"))
    server.add(EFETCH, httpx.Response(200, text=fixture_text("efetch_bested2023.xml")))
    study = lookup_study("https://doi.org/10.1097/PR9.0000000000001080", client=client)
    assert study.source == "crossref"
    assert study.pmid == "38226027"
    assert study.container_title == "PAIN Reports"
    assert classify(study).design == Design.CROSSOVER_RCT


def test_pubmed_failure_does_not_lose_the_crossref_record(client, server):
    server.add("/works/10.1002/art.37734", json_response("crossref_younger2013.json"))
    server.add(ESEARCH, httpx.Response(503))
    study = lookup_study("10.1002/art.37734", client=client)
    assert study.year == 2013
    assert study.pmid == ""


def test_pmid_lookup_is_enriched_with_crossref(client, server):
    server.add(ESUMMARY, json_response("esummary_innova2022.json"))
    server.add(EFETCH, httpx.Response(404))
    server.add("/works/10.1136/bmjopen-2021-055351", json_response("crossref_innova2022.json"))
    study = lookup_study("pmid:34992118", client=client)
    assert study.source == "pubmed"
    assert study.registrations == ["NCT04739995", "2021-002534-16"]
    assert "Clinical Trial Protocol" in study.publication_types


def test_unknown_doi_is_not_found(client, server):
    with pytest.raises(NotFound):
        lookup_study("10.5555/unknown", client=client)


@pytest.mark.parametrize("raw", ["naltrexone", "NCT04739995", "PMC1234567"])
def test_things_that_cannot_be_looked_up(client, raw):
    with pytest.raises(InvalidIdentifier):
        lookup_study(raw, client=client)
