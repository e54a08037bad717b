"""Experts and moderators at work in Chromium: pin and hide, resolve a flag, vote, accept."""

import re

import pytest
from playwright.sync_api import expect

from forum.demo import content
from forum.models import Flag, FlagState, Notification, NotificationKind, Post, Topic

from tests.browser.demo_pages import log_in

pytestmark = pytest.mark.django_db(transaction=True)

LDN_TITLE = "Does low-dose naltrexone help fibromyalgia pain?"
HIDE_REASON = "A thank-you only: the thread stays on the evidence."


def log_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def helpful_button(post):
    return post.get_by_role("button", name=re.compile(r"^Helpful\b"))


def test_a_moderator_pins_a_topic_and_hides_a_post_with_a_reason(page, live_server, demo):
    log_in(page, live_server, "theo", "demo-theo-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")

    page.get_by_text("Moderate this topic").click()
    page.get_by_label("Reason (kept in the audit log)").fill("The question most newcomers ask first.")
    page.get_by_role("button", name="Pin site-wide").click()

    expect(page.locator(".topic__meta").get_by_text("Pinned site-wide")).to_be_visible()
    assert Topic.objects.get(pk=demo.pk).pinned_globally

    # Pinned topics head the latest list, above every topic that is not pinned.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Latest").click()
    rows = page.locator("table.topic-list tbody tr")
    titles = rows.locator(".topic-row__title")
    pinned = [row.get_attribute("class") for row in rows.all()]
    first_unpinned = next(i for i, cls in enumerate(pinned) if "topic-row--pinned" not in cls)
    ldn_at = [t.strip() for t in titles.all_inner_texts()].index(f"Pinned {LDN_TITLE}")
    assert ldn_at < first_unpinned
    expect(rows.nth(ldn_at).locator(".badge--pin")).to_have_text("Pinned")

    page.get_by_role("link", name=re.compile(re.escape(LDN_TITLE))).click()
    page.locator("#post-3").get_by_role("link", name="Moderate").click()
    page.get_by_label(re.compile(r"^Reason")).fill(HIDE_REASON)
    page.get_by_role("button", name="Hide post").click()

    post = page.locator("#post-3")
    expect(post).to_have_class(re.compile(r"\bpost--hidden\b"))
    expect(post.get_by_role("note")).to_contain_text(f"Hidden from readers. {HIDE_REASON}")
    log_out(page)

    log_in(page, live_server, "lena", "demo-lena-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    post = page.locator("#post-3")
    expect(post.get_by_role("note")).to_contain_text(HIDE_REASON)
    expect(post.locator(".post__body")).to_contain_text("That makes sense, thank you!")
    log_out(page)

    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    post = page.locator("#post-3")
    expect(post).to_contain_text("This post was hidden by a moderator.")
    expect(post).not_to_contain_text("That makes sense")
    expect(post).not_to_contain_text(HIDE_REASON)


def test_a_moderator_asks_for_a_source_from_the_review_queue(page, live_server, demo):
    flagged = Post.objects.get(topic__title=content.FLAGGED_TOPIC_TITLE, post_number=2)
    log_in(page, live_server, "theo", "demo-theo-2026")
    page.get_by_role("link", name=re.compile(r"^Review( \d+ waiting)?$")).click()

    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    item = page.locator(".review-item").filter(has_text=content.FLAGGED_TOPIC_TITLE)
    expect(item).to_have_count(1)
    expect(item.locator(".review-item__flags")).to_contain_text("Needs a source by Lena Park")
    item.get_by_label(re.compile(r"^Reason")).fill("Link the studies you mean, please.")
    item.get_by_role("button", name="Ask for a source").click()

    page.goto(f"{live_server.url}/review/")
    expect(page.locator(".review-item")).to_have_count(0)
    expect(page.get_by_text("Nothing to review.")).to_be_visible()
    assert not Flag.objects.filter(post=flagged, state=FlagState.OPEN).exists()

    page.goto(f"{live_server.url}{flagged.get_absolute_url()}")
    expect(page.locator(f"#post-{flagged.post_number} .post__needs-source")).to_contain_text("Needs a source.")
    log_out(page)

    log_in(page, live_server, "lena", "demo-lena-2026")
    page.get_by_role("link", name=re.compile(r"^Notifications, \d+ unread")).click()
    outcome = page.locator(".notification").filter(has_text="reviewed your flag")
    expect(outcome).to_have_count(1)
    expect(outcome).to_contain_text(content.FLAGGED_TOPIC_TITLE)
    assert Notification.objects.filter(recipient__username="lena", kind=NotificationKind.FLAG_OUTCOME).exists()


def test_a_member_votes_helpful_without_a_page_reload(page, live_server, demo):
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    # A full page load would start a fresh window object and lose this marker.
    page.evaluate("window.__sameDocument = true")

    button = helpful_button(page.locator("#post-2"))
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button.locator("[data-vote-count]")).to_have_text("0")

    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator("[data-vote-count]")).to_have_text("1")
    assert Post.objects.get(topic=demo, post_number=2).helpful_count == 1

    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button.locator("[data-vote-count]")).to_have_text("0")
    assert Post.objects.get(topic=demo, post_number=2).helpful_count == 0

    assert page.evaluate("window.__sameDocument") is True


def test_the_topic_author_unaccepts_and_reaccepts_the_expert_answer(page, live_server, demo):
    log_in(page, live_server, "lena", "demo-lena-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    answer = page.locator("#post-2")
    summary = page.locator("aside.accepted-answer")
    expect(summary).to_contain_text("Dr. Sam Rivera")
    expect(answer.locator(".badge--accepted")).to_have_text("Accepted answer")

    answer.get_by_role("button", name="Unaccept answer").click()

    expect(page.locator("#post-2").get_by_role("button", name="Accept answer")).to_be_visible()
    expect(summary).to_have_count(0)
    expect(page.locator("#post-2")).not_to_have_class(re.compile(r"\bpost--accepted\b"))
    assert Topic.objects.get(pk=demo.pk).accepted_answer_id is None

    page.locator("#post-2").get_by_role("button", name="Accept answer").click()

    expect(page.locator("#post-2").get_by_role("button", name="Unaccept answer")).to_be_visible()
    expect(summary).to_contain_text("Accepted answer by Dr. Sam Rivera")
    expect(summary.get_by_role("link", name="Read the whole answer (#2)")).to_be_visible()
    expect(page.locator("#post-2")).to_have_class(re.compile(r"\bpost--accepted\b"))


def test_deleting_a_topic_asks_in_a_dialog_first(page, live_server, demo):
    from tests.browser.demo_pages import sign_in
    from django.contrib.auth import get_user_model

    sign_in(page, live_server, get_user_model().objects.get(username="theo"))
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    review = page.get_by_role("link", name=re.compile(r"^Review 1 waiting$"))
    expect(review).to_be_visible()  # the demo's flag waits in the queue

    page.get_by_text("Moderate this topic").click()
    page.get_by_role("button", name="Delete topic").click()
    dialog = page.get_by_role("dialog", name=re.compile(r"^Delete this topic"))
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.screenshot(path="/tmp/evident-confirm-dialog.png")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert not Topic.objects.get(pk=demo.pk).is_deleted

    page.get_by_role("button", name="Delete topic").click()
    dialog.get_by_role("button", name="Delete topic").click()
    expect(page.get_by_text("This topic has been deleted.")).to_be_visible()
    assert Topic.objects.get(pk=demo.pk).is_deleted
