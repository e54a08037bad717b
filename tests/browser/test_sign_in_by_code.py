"""Signing in with a mailed code in Chromium: a member whose password sign-in someone else's
guesses have locked gets in anyway."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

CODE = re.compile(r"\b[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}\b")


def test_a_locked_out_member_signs_in_with_a_mailed_code(page, live_server):
    UserFactory(username="maria", email="maria@example.org")
    # Someone else, in a browser of their own, guesses at the account until it is locked.
    stranger = page.context.browser.new_context()
    guessing = stranger.new_page()
    for n in range(6):
        guessing.goto(f"{live_server.url}/accounts/login/")
        guessing.get_by_label("Username or email").fill("maria")
        guessing.get_by_label("Password", exact=True).fill(f"guess {n}")
        guessing.get_by_role("button", name="Sign in", exact=True).click()
        expect(guessing.get_by_role("alert").or_(guessing.locator(".errorlist")).first).to_be_visible()
    stranger.close()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username or email").fill("maria")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text("Too many failed login attempts")).to_be_visible()
    page.screenshot(path="/tmp/evident-sign-in-locked.png", full_page=True)

    page.get_by_role("link", name="Mail me a sign-in code").click()
    expect(page.get_by_role("heading", name="Sign in with a mailed code")).to_be_visible()
    page.get_by_label("Email").fill("maria@example.org")
    page.get_by_role("button", name="Mail me the code").click()
    expect(page.get_by_role("heading", name="Type your sign-in code")).to_be_visible()
    page.screenshot(path="/tmp/evident-sign-in-code.png", full_page=True)

    [message] = [m for m in mail.outbox if "maria@example.org" in m.to]
    page.get_by_label("Code").fill(CODE.search(message.body).group(0))
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("link", name="Notifications")).to_be_visible()
