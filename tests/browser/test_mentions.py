"""@mentions and drafts in Chromium: Priya mentions Dr Rivera by picking him from the suggestions
with the keyboard; he sees it on the bell and opens it. And a draft survives a reload."""

import json
import re

import pytest
from playwright.sync_api import expect

from forum.models import Draft, Notification, NotificationKind, Post
from tests.browser.conftest import BROWSER_TIMEOUT_MS
from tests.browser.demo_pages import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_mention_picked_from_the_suggestions_reaches_the_member_through_the_bell(page, browser, live_server,
                                                                                 demo):
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")

    composer = page.get_by_label("Your reply")
    composer.click()
    composer.press_sequentially("What would you say, @dr_r")
    suggestions = page.get_by_role("listbox", name="Suggested members")
    expect(suggestions).to_be_visible()
    expect(suggestions.get_by_role("option", name=re.compile(r"^@dr_rivera"))).to_be_visible()
    composer.press("ArrowDown")
    expect(suggestions.get_by_role("option", name=re.compile(r"^@dr_rivera"))).to_have_attribute(
        "aria-selected", "true")
    composer.press("Enter")
    expect(suggestions).to_be_hidden()
    expect(composer).to_have_value("What would you say, @dr_rivera ")
    composer.press_sequentially("about the 2023 trial?")
    page.get_by_role("button", name="Post reply").click()
    expect(page).to_have_url(re.compile(r"#post-\d+$"))

    post = Post.objects.filter(topic=demo, author__username="priya").latest("post_number")
    assert post.raw == "What would you say, @dr_rivera about the 2023 trial?"
    expect(page.locator(f"#post-{post.post_number} a.mention")).to_have_text("@dr_rivera")

    # Dr Rivera, in his own browser.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    errors = []
    rivera = context.new_page()
    rivera.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        log_in(rivera, live_server, "dr_rivera", "demo-rivera-2026")
        bell = rivera.get_by_role("link", name=re.compile(r"^Notifications, \d+ unread$"))
        expect(bell).to_be_visible()
        unread = int(re.search(r"(\d+) unread", bell.get_attribute("aria-label")).group(1))
        assert unread == Notification.objects.filter(recipient__username="dr_rivera").unread().count() >= 1

        bell.click()
        menu = rivera.get_by_role("region", name="Latest notifications")
        menu.get_by_role("link", name=re.compile(r"Priya Nair mentioned you")).click()

        expect(rivera).to_have_url(re.compile(rf"#post-{post.post_number}$"))
        mention = rivera.locator(f"#post-{post.post_number}").get_by_role("link", name="@dr_rivera")
        expect(mention).to_be_visible()
        expect(mention).to_be_in_viewport()
        note = Notification.objects.get(recipient__username="dr_rivera", kind=NotificationKind.MENTIONED)
        assert note.read_at is not None
        # Opening the post read every notification about it (the mention, and a reply or quote
        # in the same post); the bell counts what is left.
        left = Notification.objects.filter(recipient__username="dr_rivera").unread().count()
        assert left < unread
        expect(rivera.get_by_role("link", name=re.compile(r"^Notifications"))).to_have_attribute(
            "aria-label", "Notifications" if left == 0 else f"Notifications, {left} unread")
    finally:
        context.close()
    assert not errors, f"JavaScript errors on Dr Rivera's page: {errors}"


def test_a_draft_survives_a_reload_and_can_be_discarded(page, live_server, demo):
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")

    composer = page.get_by_label("Your reply")
    composer.click()
    composer.press_sequentially("Half-written: the washout period")
    expect(page.get_by_text("Draft saved.")).to_be_visible()

    page.reload()
    expect(page.get_by_label("Your reply")).to_have_value("Half-written: the washout period")
    expect(page.get_by_text("Restored your draft")).to_be_visible()

    page.get_by_role("button", name="Discard draft").click()
    expect(page.get_by_label("Your reply")).to_have_value("")
    expect(page.get_by_text("Draft discarded.")).to_be_visible()
    assert not Draft.objects.filter(user__username="priya").exists()

    page.reload()
    expect(page.get_by_label("Your reply")).to_have_value("")


def test_a_late_answer_does_not_reopen_the_suggestions_after_the_text_was_cleared(page, live_server, demo):
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    # The suggestions server is slow: its answers are held until the test lets them go.
    held = []

    def hold(route):
        held.append(route)

    page.route("**/u/-/suggest/**", hold)

    composer = page.get_by_label("Your reply")
    composer.click()
    composer.press_sequentially("@dr_r")
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the composer asked for suggestions"
    composer.press("Control+a")
    composer.press("Backspace")
    expect(composer).to_have_value("")

    answer = json.dumps({"results": [{"username": "dr_rivera", "name": "Dr Elena Rivera"}]})
    for route in held:
        try:
            route.fulfill(status=200, content_type="application/json", body=answer)
        except Exception:  # the page gave up on that request itself, which is as good
            pass
    page.wait_for_timeout(300)
    expect(page.get_by_role("listbox", name="Suggested members")).to_be_hidden()

    composer.press("Tab")  # once threw "setRangeText: The index is not in the allowed range"
    expect(composer).to_have_value("")
    page.screenshot(path="/tmp/i22-mentions-cleared.png")

    # Typing again still suggests, from a fresh answer.
    page.unroute("**/u/-/suggest/**", hold)
    composer.focus()
    composer.press_sequentially("Thanks @dr_r")
    expect(page.get_by_role("option", name=re.compile(r"^@dr_rivera"))).to_be_visible()
    page.screenshot(path="/tmp/i22-mentions-fresh.png")
