"""A reader on the keyboard alone: skip to the reply box, move between posts with j / k, quote a
selection or a whole post with q, reply with r, list the shortcuts with ?, and never trigger one
while typing."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.browser.demo_pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reader(page, live_server, demo):
    sign_in(page, live_server, get_user_model().objects.get(username="priya"))
    page.goto(live_server.url + demo.get_absolute_url())
    expect(page.get_by_text("Keyboard: j / k move between posts")).to_be_visible()
    return page


def current_post(page) -> str:
    return page.evaluate("document.querySelector('article.post--current')?.dataset.postNumber ?? null")


def test_the_skip_link_leads_to_the_reply_box(reader):
    reader.keyboard.press("Tab")
    expect(reader.get_by_role("link", name="Skip to content")).to_be_focused()
    reader.keyboard.press("Tab")
    skip = reader.get_by_role("link", name="Skip to the reply box")
    expect(skip).to_be_focused()
    reader.keyboard.press("Enter")

    expect(reader.get_by_label("Your reply")).to_be_focused()


def test_j_and_k_move_between_posts_and_q_quotes_the_current_one(reader):
    reader.keyboard.press("j")
    assert current_post(reader) == "1"
    reader.keyboard.press("j")
    assert current_post(reader) == "2"
    expect(reader.locator("#post-2")).to_be_focused()
    reader.keyboard.press("k")
    reader.keyboard.press("j")
    assert current_post(reader) == "2"

    reader.keyboard.press("q")

    composer = reader.get_by_label("Your reply")
    expect(composer).to_be_focused()
    assert composer.input_value().startswith('[quote="dr_rivera, post:2, topic:')
    assert "full:true" in composer.input_value()
    # His quote of Lena's question is hers, not his: left out, as the Quote link leaves it.
    assert "]\n…\n\nThat sentence is the heart of it" in composer.input_value()
    assert "However, no randomised controlled trials" not in composer.input_value()
    # Typing in the composer is typing: j, k, q and ? are letters there.
    composer.press("End")
    composer.type(" jkq?")
    assert composer.input_value().rstrip().endswith("jkq?")
    assert current_post(reader) == "2"
    expect(reader.get_by_role("dialog")).to_have_count(0)


def test_q_quotes_a_selection_made_from_the_keyboard(reader):
    sentence = reader.locator("#post-1 .post__body p").first
    sentence.select_text()
    reader.wait_for_timeout(300)  # the Quote button follows selectionchange after a short pause
    expect(reader.get_by_role("button", name="Quote", exact=True)).to_be_visible()
    reader.keyboard.press("q")

    value = reader.get_by_label("Your reply").input_value()
    assert value.startswith('[quote="lena, post:1, topic:') and "full:true" not in value
    assert sentence.inner_text().split()[0] in value


def test_r_replies_to_the_current_post_and_question_mark_lists_the_shortcuts(reader):
    reader.keyboard.press("j")
    reader.keyboard.press("j")
    reader.keyboard.press("r")

    expect(reader.get_by_label("Your reply")).to_be_focused()
    assert reader.locator('form[data-composer] input[name="reply_to"]').input_value() == "2"

    reader.evaluate("document.activeElement.blur()")
    reader.keyboard.press("?")
    dialog = reader.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("Next post")).to_be_visible()
    reader.screenshot(path="/tmp/evident-shortcuts.png")
    reader.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
