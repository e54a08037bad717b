"""Quoting a study's abstract in Chromium: select words on the study page, press "Quote in a new
topic", post it, and see the quote checked against the abstract with its section; the LDN thread's
stances on chips, the Evidence panel and the study page's tally."""

import re

import pytest
from playwright.sync_api import expect

from forum.models import Category, Study
from tests.browser.demo_pages import log_in

pytestmark = pytest.mark.django_db(transaction=True)

RESULTS = "Fifty-eight patients with FM were randomized."


def test_select_words_of_the_abstract_quote_them_in_a_new_topic_and_see_them_checked(page, live_server, demo):
    bested = Study.objects.get(doi="10.1097/pr9.0000000000001080")
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{bested.get_absolute_url()}")
    abstract = page.get_by_role("region", name="Abstract")
    expect(abstract).to_contain_text("Conclusion: Outcome data did not indicate")
    page.screenshot(path="/tmp/evident-i18a-study-page.png", full_page=True)

    # A section heading in the selection is a label, not quoted words.
    page.evaluate(
        """(words) => {
            const heading = [...document.querySelectorAll(".study__abstract-section")]
                .find((node) => node.textContent === "Results:");
            const text = heading.nextSibling;
            const range = document.createRange();
            range.setStart(heading.firstChild, 0);
            range.setEnd(text, text.textContent.indexOf(words) + words.length);
            window.getSelection().removeAllRanges();
            window.getSelection().addRange(range);
        }""",
        RESULTS,
    )
    button = page.get_by_role("button", name="Quote in a new topic")
    expect(button).to_be_visible()
    button.click()

    composer = page.get_by_label("Your question")
    expect(composer).to_have_value(f'[quote="doi:10.1097/PR9.0000000000001080"]\n{RESULTS}\n[/quote]\n\n')
    page.get_by_label("Title").fill("How many people were in the LDN crossover trial?")
    page.get_by_label("Category").select_option(label=Category.objects.get(slug="pain-medicine").name)
    composer.press("Control+End")
    composer.type("Is 58 enough for a crossover trial?")
    page.get_by_role("button", name="Create topic").click()

    quote = page.locator("#post-1 aside.quote--study")
    expect(quote.locator("blockquote")).to_have_text(RESULTS)
    expect(quote.get_by_text("Matches the abstract")).to_be_visible()
    expect(quote.locator(".quote__section")).to_have_text("Results")
    expect(quote.get_by_role("link", name=bested.title)).to_have_attribute("href", bested.get_absolute_url())
    quote.screenshot(path="/tmp/evident-i18a-study-quote.png")


def test_the_ldn_thread_shows_stances_on_chips_in_the_evidence_panel_and_on_the_study_page(page, live_server, demo):
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    answer = page.locator("#post-2")
    expect(answer.locator(".cite[data-stance='contradicts']")).to_have_count(2)
    expect(answer.locator(".cite[data-stance='supports']")).to_have_count(2)
    conclusion = answer.locator("aside.quote--study")
    expect(conclusion.get_by_text("Matches the abstract")).to_be_visible()
    expect(conclusion.locator(".quote__section")).to_have_text("Conclusion")
    answer.screenshot(path="/tmp/evident-i18a-ldn-answer.png")

    evidence = page.get_by_role("region", name=re.compile(r"^Evidence \("))
    expect(evidence.get_by_role("list", name="How posts here cite it")).to_have_count(5)
    expect(evidence).to_contain_text("Contradicts:")
    evidence.screenshot(path="/tmp/evident-i18a-evidence.png")

    bested = Study.objects.get(doi="10.1097/pr9.0000000000001080")
    page.goto(f"{live_server.url}{bested.get_absolute_url()}")
    expect(page.locator(".study__stance-tally")).to_have_text("Contradicts in 1 post, across 1 topic.")


def test_a_study_quote_whose_words_are_not_in_the_abstract_is_listed_under_check_what_you_cite(
        page, live_server, demo):
    """The reader quotes the abstract, then changes its words: the preview says so before posting,
    as it does for a retracted citation."""
    bested = Study.objects.get(doi="10.1097/pr9.0000000000001080")
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{bested.get_absolute_url()}")
    page.evaluate(
        """(words) => {
            const abstract = document.querySelector(".study__abstract");
            const walker = document.createTreeWalker(abstract, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.textContent.indexOf(words);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + words.length);
                getSelection().removeAllRanges();
                getSelection().addRange(range);
                return;
            }
            throw new Error("not in the abstract: " + words);
        }""",
        RESULTS,
    )
    page.get_by_role("button", name="Quote in a new topic").click()
    composer = page.get_by_label("Your question")
    expect(composer).to_have_value(f'[quote="doi:10.1097/PR9.0000000000001080"]\n{RESULTS}\n[/quote]\n\n')

    page.get_by_role("button", name="Preview").click()
    preview = page.locator("[data-composer-preview]")
    expect(preview.locator("aside.quote--study")).to_contain_text("Matches the abstract")
    expect(page.get_by_role("alert").filter(has_text="Check what you cite")).to_have_count(0)

    # Misremembered: the trial had 58, not 85.
    composer.fill(composer.input_value().replace("Fifty-eight", "Eighty-five"))
    page.get_by_role("button", name="Preview").click()
    expect(preview.locator("aside.quote--study")).to_contain_text("Not found in the abstract")
    warning = page.get_by_role("alert").filter(has_text="Check what you cite")
    expect(warning).to_contain_text("“Eighty-five patients with FM were randomized.” is not in the abstract of "
                                    "“Low-dose naltrexone for treatment of pain")
