"""A reader sees a cited trial's registry status and where to read the paper for free: in the
citation's card on the topic page, in the reference list's link, and on the study page."""

from functools import partial

import httpx
import pytest
from playwright.sync_api import expect

from forum.evidence.registry_status import study_open_access_refresh, trial_look_up
from forum.references.http import ReferencesClient
from tests.factories import make_topic
from tests.forum.references.conftest import FakeServer, fixture_text
from tests.forum.study_data import stored_metadata

pytestmark = pytest.mark.django_db(transaction=True)

DOI = "10.5555/evident.oa.gold"  # Crossref's test prefix: never a real paper
FREE_COPY = f"https://journals.example.org/article/{DOI}"


def answer(name: str) -> httpx.Response:
    return httpx.Response(200, text=fixture_text(name), headers={"content-type": "application/json"})


def test_registry_status_and_the_open_access_link(page, live_server, settings):
    settings.CLINICALTRIALS_BASE_URL = "https://clinicaltrials.test"
    settings.UNPAYWALL_BASE_URL = "https://unpaywall.test"
    settings.UNPAYWALL_EMAIL = "oa@evident.test"
    server = FakeServer()
    server.add("/api/v2/studies/NCT09990002", answer("clinicaltrials_terminated.json"))
    server.add("/api/v2/studies/NCT09990004", answer("clinicaltrials_recruiting_late.json"))
    server.add(f"/v2/{DOI}", answer("unpaywall_gold.json"))
    client = partial(ReferencesClient, transport=httpx.MockTransport(server.handler))
    study = stored_metadata(title="Naltrexone in chronic widespread pain: a randomised trial (test record)", doi=DOI,
                            year=2021, container_title="Journal of Test Records",
                            publication_types=["Randomized Controlled Trial"],
                            registrations=["NCT09990002", "NCT09990004"])
    topic = make_topic(title="Did the naltrexone trials finish?", raw=f"One stopped early [@doi:{DOI}].")
    for number in ("NCT09990002", "NCT09990004"):
        trial_look_up(nct_id=number, client=client())
    study_open_access_refresh(study_id=study.pk, client=client())

    page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    chip = page.locator(".post .cite__link").first
    chip.focus()
    card = page.get_by_role("tooltip").first
    expect(card).to_be_visible()
    expect(card).to_contain_text("Terminated: low accrual")
    expect(card).to_contain_text("Registered after the trial started")
    expect(card).to_contain_text("Open access (gold)")
    page.screenshot(path="/tmp/evident-i18b-chip-card.png")
    evidence = page.get_by_role("region", name="Evidence")
    expect(evidence).to_contain_text("Terminated: low accrual")
    read = page.get_by_role("link", name="Read free copy")
    expect(read).to_have_attribute("href", FREE_COPY)
    page.locator(".references").first.screenshot(path="/tmp/evident-i18b-references.png")

    chip.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(study.title)
    registry = page.get_by_role("region", name="Trial registry")
    expect(registry).to_contain_text("NCT09990002 on ClinicalTrials.gov: Terminated: low accrual.")
    expect(registry).to_contain_text("Registered after the trial started: first posted 2022-09-20, started 2022-03-14")
    expect(registry.get_by_role("link", name="NCT09990002")).to_have_attribute(
        "href", "https://clinicaltrials.gov/study/NCT09990002")
    access = page.get_by_role("region", name="Read it")
    expect(access).to_contain_text("Open access (gold): published open access in an open-access journal")
    expect(access.get_by_role("link", name="Read the free copy")).to_have_attribute("href", FREE_COPY)
    page.screenshot(path="/tmp/evident-i18b-study-page.png", full_page=True)


def test_the_demo_protocol_links_its_registered_trial(page, live_server, demo):
    from forum.models import Study

    innova = Study.objects.get(doi="10.1136/bmjopen-2021-055351")
    page.goto(f"{live_server.url}{innova.get_absolute_url()}")
    registry = page.get_by_role("region", name="Trial registry")
    expect(registry.get_by_role("link", name="NCT04739995")).to_have_attribute(
        "href", "https://clinicaltrials.gov/study/NCT04739995")
    expect(registry).to_contain_text("status not checked yet")
    registry.screenshot(path="/tmp/evident-i18b-demo-innova.png")
