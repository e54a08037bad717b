"""Finding a study to cite by words or by an article's address, through /studies/find/: the
library first (with how many topics cite it), then Crossref and PubMed from recorded answers on
loopback, merged by DOI/PMID; and what a member sees when the registries are down or slow."""

import pytest
from django.urls import reverse

from tests.factories import make_topic
from tests.forum.references.search_server import registries
from tests.forum.study_data import stored_study

pytestmark = pytest.mark.django_db

FIND = reverse("forum:study_find")


def find(client, q, **extra):
    response = client.get(FIND, {"q": q, **extra}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def test_the_library_answers_with_chips_and_cited_count_when_the_registries_are_down(member_client):
    study = stored_study("younger2013")
    stored_study("younger2009")
    make_topic(title="LDN for fibromyalgia?", raw="A crossover trial [@doi:10.1002/art.37734].")

    data = find(member_client, "Younger 2013 naltrexone fibromyalgia")

    assert [r["title"][:40] for r in data["results"]] == [study.title[:40]]
    first = data["results"][0]
    assert first["sources"] == ["library"] and first["source_label"] == "Library"
    assert first["cited_in_topics"] == 1
    assert first["design_label"] == "Crossover RCT"
    assert first["authors"] == "Younger et al." and first["year"] == 2013
    assert first["cite"] == "[@doi:10.1002/art.37734]"
    assert first["url"] == study.get_absolute_url()
    assert data["notices"] == ["Crossref and PubMed could not be reached, showing the library."]


def test_registry_results_follow_the_library_merged_by_doi_and_pmid(member_client, settings):
    stored_study("younger2013")
    requests = []
    with registries(settings, requests=requests):
        data = find(member_client, "naltrexone fibromyalgia")

    titles = [r["title"] for r in data["results"]]
    assert len(titles) == len(set(titles)) == 4, titles  # the journal issue is not offered
    first, *others = data["results"]
    assert first["sources"] == ["library", "crossref"]
    by_doi = {r["doi"].lower(): r for r in others}
    pilot = by_doi["10.1111/j.1526-4637.2009.00613.x"]
    assert pilot["sources"] == ["crossref", "pubmed"] and pilot["pmid"] == "19453963"
    assert pilot["cite"] == "[@doi:10.1111/j.1526-4637.2009.00613.x]"
    bested = by_doi["10.1097/pr9.0000000000001080"]
    assert bested["pmid"] == "38226027" and bested["journal"] and bested["authors"] == "Bested et al."
    retracted = by_doi["10.5555/evident-retracted"]
    assert retracted["status_label"] == "Retracted"
    assert data["notices"] == []
    # What was asked: a bibliographic query with a select and a row count, and PubMed's search then summaries.
    crossref = next(query for path, query in requests if path == "/crossref/works")
    assert crossref["query.bibliographic"] == "naltrexone fibromyalgia" and "DOI" in crossref["select"].split(",")
    assert crossref["rows"] == "6"
    summaries = next(query for path, query in requests if path == "/eutils/esummary.fcgi")
    assert summaries["id"] == "38226027,19453963" and summaries["retmode"] == "json"


def test_the_same_words_typed_differently_are_answered_from_the_cache(member_client, settings):
    requests = []
    with registries(settings, requests=requests):
        find(member_client, "naltrexone fibromyalgia")
        asked = len(requests)
        data = find(member_client, "  Naltrexone   FIBROMYALGIA ")
    assert asked >= 3 and len(requests) == asked
    assert len(data["results"]) == 4


def test_a_slow_registry_does_not_hold_the_member(member_client, settings):
    settings.REFERENCES_SEARCH_TIMEOUT = 0.5
    stored_study("younger2013")
    with registries(settings, slow=3):
        data = find(member_client, "naltrexone fibromyalgia")
    assert [r["sources"] for r in data["results"]] == [["library"]]
    assert data["notices"] == ["Crossref and PubMed could not be reached, showing the library."]


def test_past_the_rate_limit_the_library_answers_alone(member_client, settings, clock_mid_minute):
    settings.REFERENCES_SEARCHES_PER_MINUTE = 2
    requests = []
    with registries(settings, requests=requests):
        find(member_client, "naltrexone fibromyalgia")
        find(member_client, "younger naltrexone")
        asked = len(requests)
        data = find(member_client, "fibromyalgia pilot")
    assert len(requests) == asked
    assert "searched the registries often" in data["notices"][0]


@pytest.mark.parametrize("address", [
    "https://onlinelibrary.wiley.com/doi/full/10.1002/art.37734",
    "https://doi.org/10.1002/ART.37734",
])
def test_an_article_address_becomes_the_citation_without_any_request(member_client, settings, address):
    stored_study("younger2013")
    requests = []
    with registries(settings, requests=requests):
        data = find(member_client, address)
    assert data["from_identifier"] is True
    assert [r["cite"] for r in data["results"]] == ["[@doi:10.1002/art.37734]"]
    assert data["results"][0]["design_label"] == "Crossover RCT"
    assert requests == []


def test_an_unknown_pubmed_address_is_cited_by_its_pmid_and_looked_up_when_posted(member_client):
    data = find(member_client, "https://pubmed.ncbi.nlm.nih.gov/19453963/")
    assert [r["cite"] for r in data["results"]] == ["[@pmid:19453963]"]
    assert data["results"][0]["source_label"] == "What you pasted"


def test_an_address_that_names_no_article_is_not_fetched_and_a_title_search_is_offered(member_client, settings):
    requests = []
    with registries(settings, requests=requests):
        data = find(member_client, "https://www.bbc.co.uk/news/health-12345678")
    assert data["results"] == [] and requests == []
    assert "search by the article's title" in data["notices"][0]


@pytest.mark.parametrize("query", ["'&|!:*", "a:* & !b", "\\", "%_", "the of and", "()", "naltrexone:*"])
def test_odd_input_never_fails(member_client, query):
    stored_study("younger2013")
    data = find(member_client, query, library="1")
    assert isinstance(data["results"], list)


def test_a_year_author_and_journal_word_narrow_the_library(member_client):
    stored_study("younger2013")
    stored_study("younger2009")
    stored_study("bested2023")
    titles = lambda q: [r["year"] for r in find(member_client, q, library="1")["results"]]  # noqa: E731
    assert titles("naltrexone") == [2023, 2013, 2009]
    assert titles("younger") == [2013, 2009]
    assert titles("younger 2009") == [2009]
    assert titles("naltrexone fibro") == [2023, 2013, 2009]  # the last word still being typed
    assert titles("trials fibromyalgia") == titles("fibromyalgia trials") == [2013]  # plurals find the singular
    assert titles("arthritis naltrexone") == [2013]  # the journal
    assert titles("naltrexone homeopathy") == []


def test_without_javascript_the_search_is_a_page(member_client):
    stored_study("younger2013")
    response = member_client.get(FIND, {"q": "younger naltrexone"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "[@doi:10.1002/art.37734]" in html and "Crossover RCT" in html and "Found in Library" in html
    assert "could not be reached" in html


def test_searching_needs_an_account(client):
    response = client.get(FIND, {"q": "naltrexone"})
    assert response.status_code == 302


def test_the_library_search_follows_corrections_to_a_study(member_client):
    from forum.models import Study

    study = stored_study("younger2013")
    assert find(member_client, "counterbalanced", library="1")["results"]
    Study.objects.filter(pk=study.pk).update(title="Naltrexone at low dose: a corrected title")
    metadata = dict(study.metadata, authors=[{"family": "Quintero", "given": "A"}])
    Study.objects.filter(pk=study.pk).update(metadata=metadata)

    assert find(member_client, "counterbalanced", library="1")["results"] == []
    assert [r["title"] for r in find(member_client, "corrected quinter", library="1")["results"]] == [
        "Naltrexone at low dose: a corrected title"]
    assert find(member_client, "younger", library="1")["results"] == []


def test_a_pubmed_central_address_is_cited_through_pubmeds_record_of_it(member_client, settings):
    requests = []
    with registries(settings, requests=requests):
        data = find(member_client, "https://pmc.ncbi.nlm.nih.gov/articles/PMC9999901/")
        unknown = find(member_client, "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1234567/")
    assert [r["cite"] for r in data["results"]] == ["[@doi:10.5555/evident-pmc.2021.1]"]
    assert data["results"][0]["pmid"] == "99999901" and data["results"][0]["source_label"] == "PubMed"
    # Only PubMed was asked, and only about that PMCID: never the PMC page itself.
    assert {path for path, _query in requests} == {"/eutils/esearch.fcgi", "/eutils/esummary.fcgi"}
    assert unknown["results"] == [] and "PMC1234567" in unknown["notices"][0]
