"""Who may change a study, in Chromium: a member's paste that disagrees with a stored study
changes nothing and can go to the moderators as a suggested correction; a moderator accepts it
and restores the earlier revision from the study's history page."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from forum.models import ModerationAction, Study, StudySuggestion
from tests.browser.demo_pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# The demo's Bested 2023 study, pasted with a made-up author, journal and year and no DOI.
FAKE_BESTED = """@article{bested2023naltrexone,
  title = {Low-dose naltrexone for treatment of pain in patients with fibromyalgia: a randomized,
           double-blind, placebo-controlled, crossover study},
  author = {Nobody, Anna},
  journal = {Journal of Made Up Results},
  year = {1999}
}"""


def test_a_pasted_entry_for_a_stored_study_changes_nothing_and_becomes_a_suggestion(page, live_server, demo):
    bested = Study.objects.get(bibtex_key="bested2023naltrexone")
    before = (bested.title, bested.container_title, bested.year, bested.doi, bested.metadata)
    User = get_user_model()
    sign_in(page, live_server, User.objects.get(username="priya"))

    # The composer's dialog: Look up, see the match, Cancel.
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    page.get_by_role("link", name="Add reference").click()
    dialog = page.get_by_role("dialog", name="Add reference")
    dialog.get_by_label("DOI, PMID or BibTeX").fill(FAKE_BESTED)
    dialog.get_by_role("button", name="Look up").click()
    result = dialog.get_by_role("listitem").filter(has_text="Already in the library")
    expect(result).to_contain_text("PAIN Reports · 2023")
    expect(result).to_contain_text("differs in: Authors, Journal, Year")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    bested.refresh_from_db()
    assert (bested.title, bested.container_title, bested.year, bested.doi, bested.metadata) == before

    # The page without JavaScript's help: the paste is used as stored and can be suggested.
    page.goto(f"{live_server.url}/studies/add/")
    page.get_by_label("DOI, PMID, BibTeX or RIS").fill(FAKE_BESTED)
    page.get_by_role("button", name="Add reference").click()
    match = page.get_by_role("region", name="Already in the library")
    expect(match).to_contain_text("differs in: Authors, Journal, Year")
    page.get_by_role("link", name=bested.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(bested.title)
    expect(page.locator(".study__venue")).to_contain_text("PAIN Reports 2023")
    expect(page.locator(".study__authors")).to_contain_text("Kirsten Bested")
    expect(page.get_by_text("Nobody")).to_have_count(0)
    page.screenshot(path="/tmp/evident-study-unchanged.png", full_page=True)

    page.go_back()
    match.get_by_label("What is wrong with the stored record?").fill("The journal is wrong, I think")
    match.get_by_role("button", name="Suggest a correction").click()
    expect(page.get_by_text("Sent to the moderators as a suggested correction")).to_be_visible()
    suggestion = StudySuggestion.objects.get()
    assert (suggestion.study, suggestion.note) == (bested, "The journal is wrong, I think")
    bested.refresh_from_db()
    assert bested.container_title == "PAIN Reports"


def test_a_moderator_accepts_a_suggestion_then_restores_the_earlier_revision(page, live_server, demo):
    from forum.references.bibtex import parse_bibtex
    from forum.evidence.study_records import study_suggestion_create

    User = get_user_model()
    bested = Study.objects.get(bibtex_key="bested2023naltrexone")
    [entry] = parse_bibtex(FAKE_BESTED).studies
    study_suggestion_create(member=User.objects.get(username="priya"), study=bested, metadata=entry,
                            note="Journal of Made Up Results is right")
    sign_in(page, live_server, User.objects.get(username="theo"))

    page.goto(f"{live_server.url}/review/")
    page.get_by_role("link", name="Suggested study corrections").click()
    card = page.get_by_role("region", name=bested.title)
    expect(card.get_by_role("row", name="Journal")).to_contain_text("Journal of Made Up Results")
    card.get_by_role("button", name="Accept correction").click()
    expect(page.get_by_text("Suggestion accepted")).to_be_visible()
    bested.refresh_from_db()
    assert bested.container_title == "Journal of Made Up Results"

    page.goto(f"{live_server.url}{bested.get_absolute_url()}")
    page.get_by_role("link", name="See this study's history").click()
    latest = page.get_by_role("region").filter(has_text="Journal of Made Up Results is right").first
    expect(latest.get_by_role("row", name="Journal")).to_contain_text("PAIN Reports")
    page.screenshot(path="/tmp/evident-history.png", full_page=True)
    restore = page.get_by_role("button", name="Restore the revision").first
    # A restore says why, and asks before undoing the correction.
    page.get_by_label("Reason for restoring").first.fill("The paper itself says PAIN Reports")
    restore.click()
    confirm = page.get_by_role("dialog", name=re.compile("^Restore the revision of"))
    expect(confirm).to_be_visible()
    page.screenshot(path="/tmp/evident-restore-confirm.png")
    confirm.get_by_role("button", name="Restore this revision").click()

    expect(page.get_by_text("The study is back as it was in that revision")).to_be_visible()
    bested.refresh_from_db()
    assert (bested.container_title, bested.year) == ("PAIN Reports", 2023)
    assert list(ModerationAction.objects.filter(details__study=bested.pk).values_list("action", flat=True)) == [
        "study_restore", "study_suggestion_accept"]
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Theo")
