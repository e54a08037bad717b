"""Quote-reply in Chromium: select words, press Quote, post, and see a checked quote; expand one."""

import pytest
from playwright.sync_api import expect

from forum.models import Post, Quote, QuoteStatus
from tests.browser.demo_pages import log_in

pytestmark = pytest.mark.django_db(transaction=True)

SENTENCE = "However, no randomised controlled trials with long-term follow-ups have been carried out."


def select_text(page, selector, text):
    """Select `text` inside the element, the way a reader drags across it."""
    page.evaluate(
        """([selector, text]) => {
            const root = document.querySelector(selector);
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.textContent.indexOf(text);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + text.length);
                    const selection = window.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    return;
                }
            }
            throw new Error("text not found: " + text);
        }""",
        [selector, text],
    )


def test_select_a_sentence_quote_it_and_post_a_checked_quote(page, live_server, demo):
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")

    select_text(page, "#post-1 .post__body", SENTENCE)
    quote_button = page.get_by_role("button", name="Quote", exact=True)
    expect(quote_button).to_be_visible()
    quote_button.click()

    composer = page.get_by_label("Your reply")
    expect(composer).to_be_focused()
    expect(composer).to_have_value(f'[quote="lena, post:1, topic:{demo.pk}"]\n{SENTENCE}\n[/quote]\n\n')
    composer.press("End")
    composer.type("Which is why the two larger trials matter so much.")
    page.get_by_role("button", name="Post reply").click()

    new_post = page.locator("#post-4")
    expect(new_post.locator(".post__body")).to_contain_text("Which is why the two larger trials")
    quote = new_post.locator("aside.quote")
    expect(quote.locator("blockquote")).to_have_text(SENTENCE)
    expect(quote.get_by_text("Matches the source")).to_be_visible()
    source_link = quote.get_by_role("link", name="#1")
    expect(source_link).to_have_attribute("href", demo.post_url(1))

    reply = Post.objects.get(topic=demo, post_number=4)
    assert reply.quotes.get().status == QuoteStatus.VERIFIED
    assert reply.reply_to.post_number == 1

    source_link.click()
    expect(page).to_have_url(f"{live_server.url}{demo.get_absolute_url()}#post-1")


def test_a_selection_across_two_posts_offers_no_quote_button(page, live_server, demo):
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")

    page.evaluate("""() => {
        const range = document.createRange();
        range.setStart(document.querySelector("#post-1 .post__body p").firstChild, 0);
        range.setEnd(document.querySelector("#post-3 .post__body p").firstChild, 4);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
    }""")
    page.wait_for_timeout(400)

    expect(page.get_by_role("button", name="Quote", exact=True)).to_be_hidden()


def test_a_selection_inside_a_quote_is_credited_to_the_original_author(page, live_server, demo):
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")

    select_text(page, "#post-2 aside.quote blockquote", "no randomised controlled trials")
    page.get_by_role("button", name="Quote", exact=True).click()

    expect(page.get_by_label("Your reply")).to_have_value(
        f'[quote="lena, post:1, topic:{demo.pk}"]\nno randomised controlled trials\n[/quote]\n\n'
    )


def test_selected_emphasis_and_links_come_back_as_markdown(page, live_server, demo):
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")

    # Post 2 says "...INNOVA is a *protocol*: it tells us..." and links the Bested 2023 trial.
    page.evaluate("""() => {
        const body = document.querySelector("#post-2 .post__body");
        const range = document.createRange();
        range.setStartBefore(body.querySelector("p em"));
        range.setEndAfter(body.querySelector("p em"));
        getSelection().removeAllRanges();
        getSelection().addRange(range);
    }""")
    page.get_by_role("button", name="Quote", exact=True).click()

    expect(page.get_by_label("Your reply")).to_have_value(
        f'[quote="dr_rivera, post:2, topic:{demo.pk}"]\n*protocol*\n[/quote]\n\n'
    )


def test_expand_a_quote_into_its_whole_source_and_collapse_it_again(page, live_server, demo):
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    # Post 2 also quotes a study's abstract; this is its quote of the question.
    quote = page.locator('#post-2 aside.quote[data-post="1"]')
    quoted = quote.locator(":scope > blockquote")
    expect(quoted).to_have_text(SENTENCE)

    quote.get_by_role("button", name="Expand quote").click()
    expect(quoted).to_contain_text("Has low-dose naltrexone (LDN) been shown to help")
    expect(quote.get_by_role("button", name="Collapse quote")).to_have_attribute("aria-expanded", "true")

    quote.get_by_role("button", name="Collapse quote").click()
    expect(quoted).to_have_text(SENTENCE)
    expect(quote.get_by_role("button", name="Expand quote")).to_have_attribute("aria-expanded", "false")


def test_quote_link_without_javascript_opens_the_reply_page_with_the_whole_post(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")

    page.locator("#post-3").get_by_role("link", name="Quote", exact=True).click()

    composer = page.get_by_label("Your reply")
    expect(composer).to_have_value(
        f'[quote="lena, post:3, topic:{demo.pk}, full:true"]\n{Post.objects.get(topic=demo, post_number=3).raw}\n'
        "[/quote]\n\n"
    )
    composer.press("Control+End")
    composer.type("Same here.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#post-4 aside.quote")).to_contain_text("Matches the source")
    assert Quote.objects.get(quoting_post__post_number=4).full
    context.close()


def test_a_quoted_citation_chip_goes_back_to_the_markup_its_author_typed(page, live_server, demo):
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    chips = page.locator("#post-2 .post__body li").filter(has_text="The two larger randomised trials").locator(
        ".cite[data-cite]"
    )
    first_markup = chips.nth(0).get_attribute("data-cite")
    cite_markup = chips.last.get_attribute("data-cite")
    # What Dr Rivera typed, stance included.
    assert first_markup == "[@bested2023naltrexone contradicts]"
    assert cite_markup.startswith("[@doi:") and cite_markup.endswith(" contradicts]")

    # The whole list item: "... a parallel RCT of 6 mg daily in 99 women [4] RCT."
    page.evaluate("""() => {
        const item = [...document.querySelectorAll("#post-2 .post__body li")]
            .find((li) => li.textContent.includes("The two larger randomised trials"));
        const range = document.createRange();
        range.selectNodeContents(item);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
    }""")
    page.get_by_role("button", name="Quote", exact=True).click()

    composer = page.get_by_label("Your reply")
    expect(composer).to_have_value(
        f'[quote="dr_rivera, post:2, topic:{demo.pk}"]\n'
        "The two larger randomised trials since then found no clinically relevant benefit: a crossover RCT "
        f"in 58 patients {first_markup} and a parallel RCT of 6 mg daily in 99 women {cite_markup}.\n"
        "[/quote]\n\n"
    )
    assert "RCT]" not in composer.input_value() and "[4]" not in composer.input_value()


def test_quoting_a_whole_post_leaves_its_quotes_out_and_counts_none_of_its_citations_for_the_quoter(
        page, live_server, demo):
    """Lena quotes the whole of Dr Rivera's answer, which quotes her and an abstract and cites four
    studies: the words he quoted are left out with "…", the quote checks, and the Evidence panel
    and the study pages count his citations, not hers."""
    import re

    from forum.models import Study

    log_in(page, live_server, "lena", "demo-lena-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    evidence = page.get_by_role("region", name=re.compile(r"^Evidence \("))
    bested = evidence.locator("li.evidence__item").filter(has_text="Low-dose naltrexone for treatment of pain")
    expect(bested.locator(".evidence__meta")).to_contain_text("cited in 1 post")
    expect(bested.locator(".evidence__stance")).to_have_text("Contradicts: #2")

    page.locator("#post-2").get_by_role("link", name="Quote", exact=True).click()
    composer = page.get_by_label("Your reply")
    expect(composer).to_have_value(re.compile(
        rf'^\[quote="dr_rivera, post:2, topic:{demo.pk}, full:true"\]\n…\n\nThat sentence is the heart of it'))
    markup = composer.input_value()
    assert SENTENCE not in markup and "Outcome data did not indicate" not in markup
    assert "[@bested2023naltrexone contradicts]" in markup  # his citations stay his, in his words
    composer.press("Control+End")
    composer.type("Thank you, this is what I needed.")
    page.get_by_role("button", name="Post reply").click()

    quote = page.locator("#post-4 aside.quote")
    expect(quote.locator(".quote__title")).to_contain_text("Matches the source")
    expect(quote.locator("blockquote")).not_to_contain_text(SENTENCE)
    expect(quote.locator(".cite[data-stance='contradicts']")).to_have_count(2)  # his chips, still shown

    page.reload()
    expect(bested.locator(".evidence__meta")).to_contain_text("cited in 1 post")
    expect(bested.locator(".evidence__stance")).to_have_text("Contradicts: #2")
    expect(evidence.get_by_role("link", name="post 4")).to_have_count(0)
    study = Study.objects.get(bibtex_key="bested2023naltrexone")
    page.goto(f"{live_server.url}{study.get_absolute_url()}")
    expect(page.locator(".study__stance-tally")).to_have_text("Contradicts in 1 post, across 1 topic.")

