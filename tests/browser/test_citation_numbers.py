"""Citation numbers run through a topic: in the demo's LDN thread the question cites the INNOVA
protocol as [1], so the expert's reply numbers its four studies [2] to [5], and the Evidence panel
shows the same numbers."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_study_keeps_its_topic_number_in_posts_and_the_evidence_panel(page, live_server, demo):
    page.goto(live_server.url + demo.get_absolute_url())

    question_chips = page.locator("#post-1 .post__body a.cite__link")
    reply_chips = page.locator("#post-2 .post__body a.cite__link")
    expect(question_chips.first).to_contain_text("[1]")
    expect(reply_chips).to_have_count(4)
    assert [text.split("]")[0] + "]" for text in reply_chips.all_inner_texts()] == ["[2]", "[3]", "[4]", "[5]"]
    # The reply's reference list is numbered as its chips are.
    expect(page.locator("#post-2 .references li").first).to_have_attribute("value", "2")

    panel = page.get_by_role("region", name=re.compile("Evidence"))
    innova = panel.get_by_role("link", name=re.compile(r"^\[1\] Study protocol"))
    expect(innova).to_be_visible()
    numbers = sorted(int(n.strip("[]")) for n in panel.locator(".evidence__number").all_inner_texts())
    assert numbers == [1, 2, 3, 4, 5]
    panel.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/evident-i15-numbers-panel.png")
    page.locator("#post-2").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/evident-i15-numbers-reply.png")
