"""What readers see of a cited trial's registry status and a study's open-access copy: the study
page, the chip card and reference list in posts, the Evidence panel; all text escaped, links
through the URL policy, and the topic page reads no more for it."""

import httpx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum.evidence.registry_status import study_extras_look_up
from tests.factories import make_reply, make_topic
from tests.forum.references.conftest import fixture_text
from tests.forum.study_data import stored_metadata
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


def words(element) -> str:
    return " ".join(element.text.split())


def inside(element, tag: str, class_: str | None = None) -> list:
    return [e for e in element.descendants() if e.tag == tag and (class_ is None or class_ in e.classes)]

DOI = "10.5555/evident.oa.gold"


def answer(name: str) -> httpx.Response:
    return httpx.Response(200, text=fixture_text(name), headers={"content-type": "application/json"})


@pytest.fixture
def trial_study(registry_server):
    registry_server.add("/api/v2/studies/NCT09990002", answer("clinicaltrials_terminated.json"))
    registry_server.add("/api/v2/studies/NCT09990004", answer("clinicaltrials_recruiting_late.json"))
    registry_server.add(f"/v2/{DOI}", answer("unpaywall_gold.json"))
    study = stored_metadata(title="A terminated trial of naltrexone (test)", doi=DOI, year=2021, pmcid="PMC1234567",
                            registrations=["NCT09990002", "NCT09990004", "NCT09990404", "2021-002534-16"])
    study_extras_look_up(study_id=study.pk)
    study.refresh_from_db()
    return study


def test_the_study_page_shows_each_trials_status_and_where_to_read_it(client, trial_study):
    page = parse(client.get(trial_study.get_absolute_url()).content)

    registry = page.find("section", class_="study__registry")
    rows = [words(li) for li in inside(registry, "li")]
    assert rows[0].startswith("NCT09990002 on ClinicalTrials.gov: Terminated: low accrual.")
    assert "Why stoppedLow accrual" in rows[0] and "Started2019-05" in rows[0]
    assert "Recruiting." in rows[1] and "Registered after the trial started: first posted 2022-09-20" in rows[1]
    assert "Participants120 (planned)" in rows[1]
    assert rows[2] == "NCT09990404 on ClinicalTrials.gov: not found in the registry (the number may be mistyped)."
    assert inside(registry, "a")[0].get("href") == "https://clinicaltrials.gov/study/NCT09990002"

    access = page.find("section", class_="study__access")
    text = words(access)
    assert "Open access (gold): published open access in an open-access journal" in text
    assert "the published version at the publisher, licence cc-by" in text
    links = {words(a): a.get("href") for a in inside(access, "a")}
    assert links["Read the free copy"] == f"https://journals.example.org/article/{DOI}"
    assert links["Free full text in PubMed Central (PMC1234567)"] == "https://pmc.ncbi.nlm.nih.gov/articles/PMC1234567/"

    chips = [words(chip) for chip in inside(page.find("p", class_="study__chips"), "span", "chip")]
    assert "Terminated: low accrual" in chips and "Registered after the trial started" in chips
    assert "NCT09990404 not found in the registry" in chips and "Open access (gold)" in chips


def test_a_trial_still_being_asked_says_so(client, registry_server):
    study = stored_metadata(title="Waiting for the registry (test)", doi="10.5555/evident.waiting",
                            registrations=["NCT09990001"])
    registry_server.add("/api/v2/studies/NCT09990001", httpx.Response(503))
    study_extras_look_up(study_id=study.pk)

    text = words(parse(client.get(study.get_absolute_url()).content).find("section", class_="study__registry"))
    assert "could not be reached just now; will retry" in text


def test_registry_text_is_escaped(client, registry_server):
    hostile = {"protocolSection": {"identificationModule": {"nctId": "NCT09990005"},
                                   "statusModule": {"overallStatus": "TERMINATED",
                                                    "whyStopped": "<script>alert(1)</script> <b>funding</b>"}}}
    registry_server.add("/api/v2/studies/NCT09990005", httpx.Response(200, json=hostile))
    study = stored_metadata(title="Hostile registry text (test)", doi="10.5555/evident.hostile",
                            registrations=["NCT09990005"])
    topic = make_topic(raw="See [@doi:10.5555/evident.hostile].")
    study_extras_look_up(study_id=study.pk)

    for url in (study.get_absolute_url(), topic.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html and "<b>funding" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_posts_citing_the_study_show_the_status_in_the_chip_card_and_a_free_copy_link(client, trial_study, settings):
    settings.FORUM_FRAGMENT_CACHE = False
    topic = make_topic(raw=f"Stopped early [@doi:{DOI}].")

    page = parse(client.get(topic.get_absolute_url()).content)

    [card] = page.find_all("span", class_="cite-card")
    card_chips = [words(chip) for chip in inside(card, "span", "chip")]
    assert "Terminated: low accrual" in card_chips and "Open access (gold)" in card_chips
    read = page.find("a", class_="references__read")
    assert words(read) == "Read free copy" and read.get("href") == f"https://journals.example.org/article/{DOI}"
    evidence = [words(chip) for chip in page.find_all("span", class_="chip--registry")]
    assert evidence.count("Terminated: low accrual") >= 2  # the chip card and the Evidence panel


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_registry_and_open_access_cost_the_topic_page_no_query(client, trial_study, settings):
    settings.FORUM_PAGE_CACHE = settings.FORUM_FRAGMENT_CACHE = False
    plain = stored_metadata(title="A study without registry or open-access data (test)", doi="10.5555/evident.plain")
    assert plain.registry == [] and plain.open_access == {}
    counts = []
    for doi in (plain.doi, DOI):
        topic = make_topic(raw="A question")
        for n in range(3):
            make_reply(topic=topic, raw=f"Reply {n} [@doi:{doi}]")
        counts.append(queries_for(client, topic.get_absolute_url()))
    assert counts[0] == counts[1]


def test_the_study_history_shows_registry_and_open_access_changes_by_their_source(client, trial_study):
    from django.urls import reverse

    page = parse(client.get(reverse("forum:study_history", args=[trial_study.pk])).content)

    text = page.text
    assert "ClinicalTrials.gov" in text and "Unpaywall" in text
    assert "NCT09990002: Terminated: low accrual; NCT09990004: Recruiting; NCT09990404: not found in the registry" in text
    assert f"Open access (gold) https://journals.example.org/article/{DOI}" in text


def test_the_study_api_gives_registry_status_and_open_access(client, trial_study):
    body = client.get(f"/api/studies/{trial_study.pk}/").json()

    terminated, late, unknown = body["trial_registry"]
    assert terminated["label"] == "Terminated: low accrual" and terminated["why_stopped"] == "Low accrual"
    assert late["registered_after_start"] is True and late["overall_status"] == "RECRUITING"
    assert (late["enrollment"], late["enrollment_type"]) == (120, "ESTIMATED")
    assert unknown == {**unknown, "nct_id": "NCT09990404", "found": False, "label": None}
    assert body["open_access"] == {
        "is_oa": True, "oa_status": "gold", "url": f"https://journals.example.org/article/{DOI}",
        "url_for_pdf": f"https://journals.example.org/article/{DOI}.pdf", "host_type": "publisher",
        "version": "publishedVersion", "license": "cc-by"}
