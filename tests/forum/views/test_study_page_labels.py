"""A study page's rows read as sentences: which registry a registration is in, where the details
came from, a registry that could not be reached said once, and open access not checked yet."""

import httpx
import pytest

from forum.evidence.registry_status import study_extras_look_up
from tests.forum.study_data import stored_metadata
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


def words(element) -> str:
    return " ".join(element.text.split())


def test_two_registrations_say_which_registry_each_is_in(client):
    study = stored_metadata(title="Two registrations (test)", doi="10.5555/evident.two",
                            registrations=["NCT09990002", "ISRCTN12345678", "2021-002534-16"])

    page = parse(client.get(study.get_absolute_url()).content)

    labels = [words(e) for e in page.find("dl", class_="study__ids").descendants() if e.tag == "dt"]
    assert "ClinicalTrials.gov registration" in labels
    assert "ISRCTN registration" in labels
    assert "EU Clinical Trials Register registration" in labels
    assert "Registration" not in labels


def test_details_entered_by_hand_read_as_a_sentence(client):
    study = stored_metadata(title="Typed in (test)", doi="10.5555/evident.hand")

    text = words(parse(client.get(study.get_absolute_url()).content))

    assert "Details from manual" not in text
    assert "Entered by hand" in text


def test_a_registry_that_could_not_be_reached_is_not_contradicted(client, registry_server):
    study = stored_metadata(title="Waiting for the registry (test)", doi="10.5555/evident.waiting",
                            registrations=["NCT09990001"])
    registry_server.add("/api/v2/studies/NCT09990001", httpx.Response(503))
    study_extras_look_up(study_id=study.pk)

    text = words(parse(client.get(study.get_absolute_url()).content).find("section", class_="study__registry"))

    assert text.count("could not be reached") == 1
    assert "refreshed with the study" not in text


def test_open_access_not_checked_yet_says_so(client):
    study = stored_metadata(title="Not asked yet (test)", doi="10.5555/evident.unasked")

    text = words(parse(client.get(study.get_absolute_url()).content).find("section", class_="study__access"))

    assert "Open access not checked yet" in text
