"""When a cited study is found retracted, in Chromium: the asker of the demo thread is notified,
the accepted answer says the evidence changed, and the Add-reference dialog warns."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from forum.evidence.referencing import study_apply_metadata
from forum.models import Study
from tests.browser.demo_pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_asker_hears_that_an_accepted_answers_study_was_retracted(page, live_server, demo):
    bested = Study.objects.get(bibtex_key="bested2023naltrexone")
    # What a refresh would store if Crossref listed a retraction (a synthetic notice: Bested 2023
    # is not retracted; this only exercises the alert).
    metadata = bested.as_metadata()
    # The registry's first record of a study alerts nobody (it is what the citers saw); the alert
    # is for a change a later refresh finds.
    study_apply_metadata(study=bested, metadata=metadata, source="crossref", reason="Looked up")
    bested.refresh_from_db()
    metadata = bested.as_metadata()
    metadata.updated_by = [{"type": "retraction", "doi": "10.5555/evident-retraction-notice", "date": "2027-01-15",
                            "source": "retraction-watch", "label": "Retraction"}]
    study_apply_metadata(study=bested, metadata=metadata, source="crossref", reason="Refreshed from the registry")

    sign_in(page, live_server, get_user_model().objects.get(username="lena"))
    page.goto(f"{live_server.url}/notifications/")
    note = page.get_by_role("main").get_by_role("listitem").filter(has_text="a study you relied on has changed")
    expect(note).to_contain_text("was retracted on 15 January 2027")
    note.get_by_role("link").first.click()

    banner = page.locator(".post__evidence-changed")
    expect(banner).to_have_text(
        "The evidence changed after this answer was accepted: [3] was retracted on 15 January 2027.")
    evidence = page.get_by_role("region", name="Evidence")
    expect(evidence.get_by_role("listitem").filter(has_text="Low-dose naltrexone for treatment")).to_contain_text(
        "Retracted")
    page.screenshot(path="/tmp/evident-evidence-changed.png", full_page=True)

    page.get_by_role("link", name="Add reference").click()
    dialog = page.get_by_role("dialog", name="Add reference")
    dialog.get_by_label("DOI, PMID or BibTeX").fill("10.1097/PR9.0000000000001080")
    dialog.get_by_role("button", name="Look up").click()
    expect(dialog.get_by_role("listitem")).to_contain_text("This study was retracted: cite it only to discuss")
    page.screenshot(path="/tmp/evident-dialog-warning.png")
