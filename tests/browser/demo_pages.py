"""Signing in through the real form, as the Chromium tests do (the `demo` fixture is in conftest)."""

from playwright.sync_api import expect


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password:", exact=True).fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="Notifications")).to_be_visible()
