"""Reading a topic on a phone: the Evidence panel folds to a one-line summary, so the question
comes first; on a wide screen it is open."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport, folded", [({"width": 390, "height": 844}, True),
                                              ({"width": 1280, "height": 900}, False)], ids=["phone", "desktop"])
def test_the_evidence_panel_folds_on_a_phone(browser, live_server, demo, viewport, folded):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(live_server.url + demo.get_absolute_url())

    toggle = page.locator("summary.evidence__toggle")
    expect(toggle).to_contain_text(re.compile(r"\d studies: .*RCT"))
    first_study = page.locator(".evidence__item a").first
    question = page.locator("#post-1 .post__body")
    if folded:
        expect(first_study).to_be_hidden()
        assert question.bounding_box()["y"] < viewport["height"], "the question starts on the first screen"
        page.screenshot(path="/tmp/evident-phone-topic.png")
        toggle.click()
        expect(first_study).to_be_visible()
    else:
        expect(first_study).to_be_visible()
        page.screenshot(path="/tmp/evident-desktop-topic.png")
    context.close()
