"""Finding a study by words in Chromium: a member types "naltrexone fibromyalgia 2013" in the
"Add reference" dialog, picks the crossover trial with the keyboard, says it contradicts their
point, posts, and the chip shows the stored study; the same with the registries unreachable; and
`[@` with words in the composer. Crossref and PubMed answer from recorded responses on loopback."""

import re

import pytest
from playwright.sync_api import expect

from forum.models import Study
from tests.browser.demo_pages import log_in
from tests.forum.references.search_server import registries

pytestmark = pytest.mark.django_db(transaction=True)

CROSSOVER = "10.1002/art.37734"


def open_search(page, live_server, demo, draft):
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    page.get_by_label("Your reply").fill(draft)
    page.get_by_role("link", name="Add reference").click()
    dialog = page.get_by_role("dialog", name="Add reference")
    search = dialog.get_by_role("combobox", name="Find a study")
    expect(search).to_be_focused()
    return dialog, search


def pick_with_keyboard(page, search, listbox, option):
    """Arrow down to `option` (wrapping), then Enter."""
    expect(option).to_be_visible()
    for _ in range(listbox.get_by_role("option").count() + 1):
        if option.get_attribute("aria-selected") == "true":
            break
        search.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    search.press("Enter")


def post_and_check_chip(page, dialog, study):
    stance = dialog.get_by_role("group", name="What does it do for your point?")
    expect(stance.get_by_role("radio", name="No stance")).to_be_focused()
    stance.get_by_role("radio", name="Contradicts").check()
    dialog.get_by_role("button", name="Insert citation").click()
    expect(dialog).to_be_hidden()
    composer = page.get_by_label("Your reply")
    expect(composer).to_have_value(f"Not so sure: [@doi:{CROSSOVER} contradicts]")
    composer.press("End")
    composer.type(" had only 31 people.")
    page.get_by_role("button", name="Post reply").click()
    chip = page.locator("#post-4").locator(".cite__link")
    expect(chip).to_have_attribute("href", study.get_absolute_url())
    expect(chip).to_have_accessible_name(re.compile(r"^\[\d+\] Crossover RCT\s*, contradicts$"))


def test_type_words_pick_the_crossover_trial_with_the_keyboard_and_post(page, live_server, demo, settings):
    study = Study.objects.get(doi=CROSSOVER)
    with registries(settings):
        dialog, search = open_search(page, live_server, demo, "Not so sure: ")
        search.press_sequentially("naltrexone fibromyalgia 2013")
        listbox = dialog.get_by_role("listbox", name="Studies found for your search")
        options = listbox.get_by_role("option")
        expect(options).to_have_count(4)  # the library's, then Crossref's and PubMed's, each once
        expect(dialog.get_by_text("4 studies found.")).to_be_visible()
        trial = options.filter(has_text="crossover trial assessing daily pain levels")
        expect(trial).to_contain_text("Younger et al. · 2013 · Arthritis & Rheumatism")
        expect(trial).to_contain_text("Crossover RCT")
        expect(trial).to_contain_text("Cited in 1 topic here")
        expect(trial).to_contain_text("Found in Library, Crossref")
        expect(options.filter(has_text="synthetic, retracted")).to_contain_text("Retracted")
        expect(options.filter(has_text="synthetic, retracted")).to_contain_text("Found in Crossref")
        search.press("ArrowDown")
        search.press("ArrowDown")
        pick_with_keyboard(page, search, listbox, trial)
        expect(listbox).to_be_hidden()
        expect(search).to_have_attribute("aria-expanded", "false")
        expect(dialog.get_by_role("listitem").filter(has_text="crossover trial")).to_be_visible()
        post_and_check_chip(page, dialog, study)


def test_with_the_registries_unreachable_the_library_still_answers(page, live_server, demo):
    study = Study.objects.get(doi=CROSSOVER)
    dialog, search = open_search(page, live_server, demo, "Not so sure: ")
    search.press_sequentially("naltrexone fibromyalgia 2013")
    expect(dialog.get_by_text("Crossref and PubMed could not be reached, showing the library.")).to_be_visible()
    listbox = dialog.get_by_role("listbox", name="Studies found for your search")
    trial = listbox.get_by_role("option").filter(has_text="crossover trial")
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(trial).to_contain_text("Found in Library")
    pick_with_keyboard(page, search, listbox, trial)
    post_and_check_chip(page, dialog, study)


def test_escape_closes_the_list_first_then_the_dialog(page, live_server, demo):
    dialog, search = open_search(page, live_server, demo, "Draft.")
    search.press_sequentially("younger naltrexone")
    listbox = dialog.get_by_role("listbox", name="Studies found for your search")
    expect(listbox.get_by_role("option")).to_have_count(2)
    search.press("Escape")
    expect(listbox).to_be_hidden()
    expect(dialog).to_be_visible()
    search.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Your reply")).to_have_value("Draft.")


def test_a_study_only_a_registry_knows_is_stored_and_looked_up_when_cited(page, live_server, demo, settings):
    with registries(settings):
        dialog, search = open_search(page, live_server, demo, "Careful: ")
        search.press_sequentially("naltrexone fibromyalgia fatigue")
        listbox = dialog.get_by_role("listbox", name="Studies found for your search")
        retracted = listbox.get_by_role("option").filter(has_text="synthetic, retracted")
        expect(listbox.get_by_role("option")).to_have_count(4)
        pick_with_keyboard(page, search, listbox, retracted)
        expect(dialog.get_by_role("listitem").filter(has_text="synthetic, retracted")).to_contain_text("Retracted")
        dialog.get_by_role("button", name="Insert citation").click()
        expect(page.get_by_label("Your reply")).to_have_value("Careful: [@doi:10.5555/evident-retracted]")
        page.get_by_role("button", name="Post reply").click()
        chip = page.locator("#post-4").locator(".cite__link")
        expect(chip).to_have_accessible_name(re.compile(r"RCT · retracted$"))
    study = Study.objects.get(doi="10.5555/evident-retracted")
    assert study.lookup_state == "resolved" and study.metadata_source == "crossref"


def test_typing_an_open_bracket_at_and_words_in_the_composer_suggests_studies(page, live_server, demo):
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    composer = page.get_by_label("Your reply")
    composer.click()
    composer.press_sequentially("The pilot [@younger naltrexone")
    listbox = page.get_by_role("listbox", name="Studies to cite")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)
    pilot = options.filter(has_text="a pilot study")
    pick_with_keyboard(page, composer, listbox, pilot)
    expect(composer).to_have_value("The pilot [@doi:10.1111/j.1526-4637.2009.00613.x]")
    expect(listbox).to_be_hidden()


def test_the_open_suggestion_list_and_the_no_script_page_pass_the_accessibility_scan(page, live_server, demo):
    from collections import defaultdict

    from tests.browser.test_accessibility import scan

    found, report = defaultdict(list), []
    dialog, search = open_search(page, live_server, demo, "Draft.")
    search.press_sequentially("younger naltrexone")
    expect(dialog.get_by_role("listbox", name="Studies found for your search").get_by_role("option")).to_have_count(2)
    search.press("ArrowDown")
    scan(page, "dialog with suggestions", found, report)
    page.goto(f"{live_server.url}/studies/find/?q=younger+naltrexone")
    expect(page.get_by_role("heading", name="Find a study to cite")).to_be_visible()
    scan(page, "/studies/find/", found, report)
    assert dict(found) == {}
