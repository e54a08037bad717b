"""The composer's "Add reference" dialog in Chromium: paste BibTeX, look it up, insert the
citation, post, and see the chip, its card and the Evidence panel entry."""

import re

import pytest
from playwright.sync_api import expect

from forum.models import Study
from tests.browser.demo_pages import log_in

pytestmark = pytest.mark.django_db(transaction=True)

# Synthetic: the 10.5555 prefix is Crossref's test prefix, so this can never name a real paper.
BIBTEX = """@article{doe2020magnesium,
  title = {Magnesium and sleep: a randomized controlled trial},
  author = {Doe, Jane and Roe, Richard},
  journal = {Journal of Examples},
  year = {2020},
  volume = {1},
  pages = {1--9},
  doi = {10.5555/example.2020.1}
}"""
TITLE = "Magnesium and sleep: a randomized controlled trial"
CITE = "[@doi:10.5555/example.2020.1]"


def test_add_a_reference_from_bibtex_insert_it_and_post_a_cited_reply(page, live_server, demo):
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    composer = page.get_by_label("Your reply")
    composer.fill("Closer to home for sleep: ")

    add_link = page.get_by_role("link", name="Add reference")
    add_link.click()
    dialog = page.get_by_role("dialog", name="Add reference")
    expect(dialog).to_be_visible()
    paste = dialog.get_by_label("DOI, PMID or BibTeX")
    # The dialog opens on its search field (test_find_a_study.py); pasting is the next field.
    expect(dialog.get_by_role("combobox", name="Find a study")).to_be_focused()
    insert = dialog.get_by_role("button", name="Insert citation")
    expect(insert).to_be_disabled()

    paste.fill(BIBTEX)
    dialog.get_by_role("button", name="Look up").click()

    result = dialog.get_by_role("listitem").filter(has_text=TITLE)
    expect(result).to_be_visible()
    expect(result).to_contain_text("Journal of Examples · 2020")
    expect(result.locator(".chip--design")).to_have_text("RCT")
    expect(insert).to_be_enabled()
    insert.click()

    expect(dialog).to_be_hidden()
    expect(composer).to_be_focused()
    expect(composer).to_have_value(f"Closer to home for sleep: {CITE}")
    composer.press("End")
    composer.type(" found people slept a little longer on magnesium.")
    page.get_by_role("button", name="Post reply").click()

    study = Study.objects.get(doi="10.5555/example.2020.1")
    new_post = page.locator("#post-4")
    expect(new_post.locator(".post__body")).to_contain_text("slept a little longer")
    chip = new_post.locator(".cite__link")
    expect(chip).to_have_count(1)
    expect(chip).to_have_attribute("href", study.get_absolute_url())
    expect(chip).to_contain_text("RCT")

    card = new_post.get_by_role("tooltip")
    expect(card).to_be_hidden()
    chip.focus()
    expect(card).to_be_visible()
    expect(card).to_contain_text(TITLE)
    expect(chip).to_have_accessible_description(re.compile(re.escape(TITLE)))
    page.locator("body").click(position={"x": 5, "y": 5})
    expect(card).to_be_hidden()
    chip.hover()
    expect(card).to_be_visible()

    evidence = page.get_by_role("region", name="Evidence")
    expect(evidence.get_by_role("link", name=TITLE)).to_have_attribute("href", study.get_absolute_url())

    chip.click()
    expect(page).to_have_url(f"{live_server.url}{study.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def test_pasting_something_that_is_not_a_reference_shows_the_problem_and_inserts_nothing(page, live_server, demo):
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    composer = page.get_by_label("Your reply")
    composer.fill("Draft so far.")
    studies_before = Study.objects.count()

    page.get_by_role("link", name="Add reference").click()
    dialog = page.get_by_role("dialog", name="Add reference")
    dialog.get_by_label("DOI, PMID or BibTeX").fill("my cousin said it works")
    dialog.get_by_role("button", name="Look up").click()

    expect(dialog.get_by_role("alert")).to_contain_text("That is not a DOI, a PubMed ID, BibTeX, RIS or CSL-JSON.")
    expect(dialog.get_by_role("button", name="Insert citation")).to_be_disabled()

    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("link", name="Add reference")).to_be_focused()
    expect(composer).to_have_value("Draft so far.")
    assert Study.objects.count() == studies_before


def test_escape_closes_the_dialog_and_returns_focus_to_the_link(page, live_server, demo):
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")

    page.get_by_role("link", name="Add reference").click()
    dialog = page.get_by_role("dialog", name="Add reference")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")

    expect(dialog).to_be_hidden()
    expect(page.get_by_role("link", name="Add reference")).to_be_focused()
    assert len(page.context.pages) == 1  # the link did not open /studies/add/ in a new tab


def test_the_dialog_writes_the_chosen_stance_and_the_chip_says_it(page, live_server, demo):
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    composer = page.get_by_label("Your reply")
    composer.fill("Against it: ")

    page.get_by_role("link", name="Add reference").click()
    dialog = page.get_by_role("dialog", name="Add reference")
    stance = dialog.get_by_role("group", name="What does it do for your point?")
    expect(stance.get_by_role("radio", name="No stance")).to_be_checked()
    dialog.get_by_label("DOI, PMID or BibTeX").fill(BIBTEX)
    dialog.get_by_role("button", name="Look up").click()
    expect(dialog.get_by_role("listitem").filter(has_text=TITLE)).to_be_visible()
    stance.get_by_role("radio", name="Contradicts").check()
    dialog.get_by_role("button", name="Insert citation").click()

    expect(composer).to_have_value("Against it: [@doi:10.5555/example.2020.1 contradicts]")
    page.get_by_role("button", name="Post reply").click()

    chip = page.locator("#post-4").locator(".cite__link")
    expect(chip).to_have_accessible_name(re.compile(r"^\[\d+\] RCT\s*, contradicts$"))
    expect(chip.locator(".cite__stance")).to_have_text(re.compile(r"contradicts$"))
    page.locator("#post-4").screenshot(path="/tmp/evident-i18a-chip.png")

    # Opening the dialog again starts from "No stance".
    page.get_by_label("Your reply").fill("More: ")
    page.get_by_role("link", name="Add reference").click()
    expect(dialog.get_by_role("radio", name="No stance")).to_be_checked()
