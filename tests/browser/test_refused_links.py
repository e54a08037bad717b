"""A link whose address the URL policy refused reads as plain text in Chromium: no link to
activate, nothing run, the words still there."""

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory, make_topic

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_script_link_in_a_post_is_shown_as_its_text(page, live_server):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    topic = make_topic(author=UserFactory(), title="Links that must not run", raw=(
        'Read <a href="javascript:alert(1)//123">the hostile link</a>, '
        "[the backtick one](javascript:`<h1>owned</h1>`), "
        "[the encoded one](<&#106;avascript:1>) and [the good one](https://example.org/paper)."))
    page.goto(f"{live_server.url}{topic.get_absolute_url()}")

    post = page.locator("#post-1")
    for text in ("the hostile link", "the backtick one", "the encoded one"):
        expect(post.get_by_text(text)).to_be_visible()
        expect(post.get_by_role("link", name=text)).to_have_count(0)
    expect(post.get_by_role("link", name="the good one")).to_have_attribute("href", "https://example.org/paper")
    post.get_by_text("the hostile link").click()
    expect(page).to_have_url(f"{live_server.url}{topic.get_absolute_url()}")
    post.screenshot(path="/tmp/i22-refused-links.png")
    assert dialogs == []
