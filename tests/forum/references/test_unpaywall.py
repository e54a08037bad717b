"""Unpaywall v2: open-access facts read from each recorded shape."""

import pytest

from forum.references.http import NotFound
from forum.references.unpaywall import best_url, fetch_open_access, location_label, open_access_facts, status_label

from .conftest import fixture_json, json_response

UNPAYWALL = "https://unpaywall.test"


@pytest.fixture(autouse=True)
def _unpaywall(settings):
    settings.UNPAYWALL_BASE_URL = UNPAYWALL
    settings.UNPAYWALL_EMAIL = "oa@evident.test"


def test_gold_copy_at_the_publisher():
    facts = open_access_facts(fixture_json("unpaywall_gold.json"))
    assert facts == {
        "is_oa": True, "oa_status": "gold",
        "url": "https://journals.example.org/article/10.5555/evident.oa.gold",
        "url_for_pdf": "https://journals.example.org/article/10.5555/evident.oa.gold.pdf",
        "url_for_landing_page": "https://journals.example.org/article/10.5555/evident.oa.gold",
        "host_type": "publisher", "version": "publishedVersion", "license": "cc-by",
    }
    assert status_label(facts) == "Open access (gold)"
    assert location_label(facts) == "the published version at the publisher, licence cc-by"


def test_green_copy_in_a_repository():
    facts = open_access_facts(fixture_json("unpaywall_green.json"))
    assert facts["oa_status"] == "green" and best_url(facts) == "https://repository.example.edu/record/42"
    assert "url_for_pdf" not in facts and "license" not in facts  # nulls are not stored as blanks
    assert location_label(facts) == "the accepted manuscript at a repository"


def test_closed_paper_has_no_location():
    facts = open_access_facts(fixture_json("unpaywall_closed.json"))
    assert facts == {"is_oa": False, "oa_status": "closed"}
    assert status_label(facts) == "Closed access" and best_url(facts) == ""


def test_a_link_the_url_policy_refuses_is_dropped():
    facts = open_access_facts(fixture_json("unpaywall_hostile_link.json"))
    assert "url" not in facts and "url_for_landing_page" not in facts
    assert best_url(facts) == "https://journals.example.org/free.pdf"


def test_fetch_sends_the_contact_address(server, client):
    server.add("/v2/10.5555/evident.oa.gold", json_response("unpaywall_gold.json"))
    assert fetch_open_access("10.5555/evident.oa.gold", client=client)["oa_status"] == "gold"
    assert server.requests[0].url.params["email"] == "oa@evident.test"


def test_without_a_contact_address_nothing_is_asked(settings, server, client):
    settings.UNPAYWALL_EMAIL = ""
    settings.REFERENCES_CONTACT_EMAIL = ""
    assert fetch_open_access("10.5555/evident.oa.gold", client=client) is None
    assert server.requests == []


def test_unknown_doi_is_not_found(server, client):
    with pytest.raises(NotFound):
        fetch_open_access("10.5555/evident.unknown", client=client)


# --- answers without oa_status (issue 28): the status from the locations, as Unpaywall defines it ---

def older_answer(*locations, journal_in_doaj=None):
    answer = {"doi": "10.5555/evident.oa.older", "is_oa": bool(locations), "journal_is_oa": False,
              "oa_locations": [dict(location) for location in locations]}
    if journal_in_doaj is not None:
        answer["journal_is_in_doaj"] = journal_in_doaj
    return answer


PUBLISHER_LICENSED = {"url": "https://publisher.example.com/a", "host_type": "publisher", "license": "cc-by",
                      "version": "publishedVersion"}
PUBLISHER_FREE = {"url": "https://publisher.example.com/a", "host_type": "publisher", "license": None,
                  "version": "publishedVersion"}
REPOSITORY = {"url": "https://repository.example.edu/1", "host_type": "repository", "license": None,
              "version": "acceptedVersion"}


@pytest.mark.parametrize(("answer", "status", "label"), [
    (older_answer(PUBLISHER_LICENSED, journal_in_doaj=True), "gold", "Open access (gold)"),
    (older_answer(PUBLISHER_LICENSED, REPOSITORY), "hybrid", "Open access (hybrid)"),
    (older_answer(PUBLISHER_FREE, REPOSITORY), "bronze", "Free to read (bronze)"),
    (older_answer(REPOSITORY), "green", "Open access (green)"),
    (older_answer(), "closed", "Closed access"),
], ids=["gold", "hybrid-beats-green", "bronze-beats-green", "green", "closed"])
def test_an_answer_without_oa_status_gets_it_from_its_locations(answer, status, label):
    facts = open_access_facts(answer)
    assert facts["oa_status"] == status and status_label(facts) == label


def test_the_older_recorded_answer_reads_as_hybrid_with_its_best_copy():
    facts = open_access_facts(fixture_json("unpaywall_no_status.json"))
    assert facts["oa_status"] == "hybrid" and status_label(facts) == "Open access (hybrid)"
    assert best_url(facts) == "https://publisher.example.com/articles/older"
    assert location_label(facts) == "the published version at the publisher, licence cc-by"


def test_a_free_copy_whose_host_nobody_says_is_still_labelled():
    facts = open_access_facts({"is_oa": True, "oa_locations": [{"url": "https://example.org/copy"}]})
    assert "oa_status" not in facts and status_label(facts) == "Free to read"
