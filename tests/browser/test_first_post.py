"""A newcomer signs up, confirms their email, starts a topic and replies to it, in Chromium."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from forum.models import Topic
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _confirmation_link(mail_dir: Path) -> str:
    bodies = [p.read_text() for p in sorted(mail_dir.glob("*.log"))]
    assert bodies, "no verification mail was written to the mail folder"
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+/", bodies[-1])
    assert match, bodies[-1]
    return match.group(0)


def test_sign_up_confirm_email_start_topic_and_reply(page, live_server, settings, tmp_path):
    settings.EMAIL_BACKEND = "config.mail.ConsoleAndFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.SITE_URL = live_server.url  # mail links are built from the configured address
    CategoryFactory(name="Pain & Medicine", slug="pain-medicine")

    page.goto(live_server.url)
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Email").fill("newcomer@example.org")
    page.get_by_label("Display name").fill("New Comer")
    page.get_by_label("Password", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("Password (again)").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()

    page.goto(_confirmation_link(tmp_path / "mail"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("link", name="New Comer")).to_be_visible()

    page.get_by_role("link", name="New topic").first.click()
    page.get_by_label("Title").fill("Does creatine help older lifters recover?")
    page.get_by_label("Category").select_option(label="Pain & Medicine")
    page.get_by_label("Your question").fill("I have read *mixed* things. What do the trials say?")
    page.get_by_role("button", name="Create topic").click()

    expect(page.get_by_role("heading", name="Does creatine help older lifters recover?")).to_be_visible()
    expect(page.locator("#post-1 .post__body em")).to_have_text("mixed")

    reply_box = page.get_by_label("Your reply")
    reply_box.fill("Following up on my own question with **more detail**.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("[data-composer-preview] strong")).to_have_text("more detail")
    page.get_by_role("button", name="Post reply").click()

    expect(page.locator("#post-2 .post__body")).to_contain_text("Following up on my own question")
    topic = Topic.objects.get()
    assert topic.posts_count == 2
    assert list(topic.posts.values_list("author__username", flat=True)) == ["newcomer", "newcomer"]
