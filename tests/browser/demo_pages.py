"""Signing in, as the Chromium tests do (the `demo` fixture is in conftest): through the real
form, or, where the sign-in is not what a test is about, with a session cookie made directly."""

from urllib.parse import urlparse

from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from forum.demo.content import DEMO_TOTP_SECRET
from tests.accounts.totp import current_code


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    if "/2fa/authenticate/" in page.url:  # the demo's moderators have a second factor
        page.get_by_label("Code").fill(current_code(DEMO_TOTP_SECRET))
        page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("link", name="Notifications")).to_be_visible()


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "domain": urlparse(live_server.url).hostname, "path": "/"}])
