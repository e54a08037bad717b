"""Issue 29's frictions, in Chromium: each found by what a reader sees and the controls' names."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.demo_pages import sign_in
from tests.factories import CategoryFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = __import__("os").environ.get("FRICTIONS_SHOTS")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=False)


def regular(username="regular", **fields):
    return UserFactory(username=username, date_joined=timezone.now() - timedelta(days=90), **fields)


def test_a_too_long_post_and_title_are_each_refused_once_with_a_counter(page, live_server):
    writer = regular()
    CategoryFactory(name="Training", slug="training")
    sign_in(page, live_server, writer)

    page.goto(f"{live_server.url}/new-topic/")
    page.get_by_label("Title").fill("t" * 205)
    page.get_by_label("Category").select_option(label="Training")
    page.get_by_label("Your question").fill("x" * 40000)
    page.get_by_role("button", name="Create topic").click()

    expect(page.get_by_text("Titles are limited to 200 characters (this one has 205).")).to_have_count(1)
    shot(page, "errors-once-before")
    expect(page.get_by_text("Posts are limited to 32,000 characters (this one has 40,000).")).to_have_count(1)
    expect(page.get_by_text("limited to", exact=False)).to_have_count(2)
    expect(page.get_by_text("205 characters: 5 over the limit of 200", exact=False)).to_have_count(0)
    expect(page.get_by_text("205 of 200", exact=False)).to_have_count(0)
    shot(page, "errors-once-desktop")
    # The title has its counter, which comes back as the writer shortens it.
    page.get_by_label("Title").fill("t" * 190)
    expect(page.get_by_text("190 of 200 characters")).to_be_visible()
