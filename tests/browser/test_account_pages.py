"""Every account page a member or visitor meets (sign in, sign up, password reset, email addresses,
password, second factors, authenticator app, recovery codes, passkeys, sessions, confirming it is
you), in Chromium on a 390 px phone and a 1440 px desktop, light and dark: the site's layout and
sentence case (no allauth title case), the way back to account settings, nothing wider than the
phone's screen, and no serious accessibility finding. Screenshots of each go to the temporary
folder (evident-account-<page>-<viewport>-<scheme>.png) for a person to look at."""

import tempfile
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.browser.test_accessibility import scan
from tests.factories import PASSWORD, TEST_TOTP_SECRET, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}
STOCK = ("Two-Factor Authentication", "Recovery Codes", "Sign Out", "Started At", "Security Keys",
         "Authenticator App", "Email Addresses", "Change Password", "Confirm Access", "Sign In", "Sign Up")
SHOTS = Path(tempfile.gettempdir())
VISITOR_PAGES = {"sign-in": "/accounts/login/", "sign-up": "/accounts/signup/",
                 "password-reset": "/accounts/password/reset/"}
# Pages of a member without a second factor (setting one up) and of one with an app and codes.
NEW_MEMBER_PAGES = {"settings": "/u/-/account/", "email": "/accounts/email/", "password": "/accounts/password/change/",
                    "2fa": "/accounts/2fa/", "totp-activate": "/accounts/2fa/totp/activate/",
                    "passkeys": "/accounts/2fa/webauthn/", "passkey-add": "/accounts/2fa/webauthn/add/",
                    "sessions": "/accounts/sessions/", "reauthenticate": "/accounts/reauthenticate/"}
PROTECTED_MEMBER_PAGES = {"2fa-on": "/accounts/2fa/", "recovery-codes": "/accounts/2fa/recovery-codes/",
                          "recovery-codes-new": "/accounts/2fa/recovery-codes/generate/"}
NO_BACK_LINK = set(VISITOR_PAGES) | {"settings"}


def _fresh_session(user) -> str:
    """A session that signed in with the password a moment ago and confirmed it again, as after
    the real form: adding a factor then asks for nothing more."""
    client = Client()
    client.post("/accounts/login/", {"login": user.username, "password": PASSWORD}, HTTP_USER_AGENT=(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"))
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _use_session(page, live_server, session: str) -> None:
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session,
                               "domain": urlparse(live_server.url).hostname, "path": "/"}])


def _freshly_signed_in(page, live_server, user):
    _use_session(page, live_server, _fresh_session(user))


def _check(page, name, found, report, viewport_name):
    body = page.locator("main").inner_text()
    for stock in STOCK:
        assert stock not in body, f"{name}: allauth's {stock!r}"
    if name not in NO_BACK_LINK:
        expect(page.get_by_role("link", name="Account and security")).to_be_visible()
    if viewport_name == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name} is {width} px wide on a 390 px phone"
    scan(page, f"{viewport_name} {name}", found, report)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
        page.screenshot(path=str(SHOTS / f"evident-account-{name}-{viewport_name}-{scheme}.png"), full_page=True)


def test_account_pages_fit_a_phone_speak_in_sentence_case_and_lead_back_to_settings(browser, live_server):
    new_member = UserFactory(username="maria")
    protected = UserFactory(username="tomas")
    sessions = {new_member: _fresh_session(new_member), protected: _fresh_session(protected)}
    # The factors come after the sign-in, which then needs no code; the session stays valid.
    TOTP.activate(protected, TEST_TOTP_SECRET)
    RecoveryCodes.activate(protected)
    found, report = defaultdict(list), []
    for viewport_name, viewport in VIEWPORTS.items():
        for person, pages in ((None, VISITOR_PAGES), (new_member, NEW_MEMBER_PAGES), (protected, PROTECTED_MEMBER_PAGES)):
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            if person:
                _use_session(page, live_server, sessions[person])
            for name, path in pages.items():
                response = page.goto(live_server.url + path)
                assert response.status == 200 and page.url.endswith(path), f"{path}: {response.status} at {page.url}"
                _check(page, name, found, report, viewport_name)
            context.close()
    assert dict(found) == {}


def test_the_sessions_page_names_browsers_and_its_buttons_say_what_they_end(browser, live_server):
    member = UserFactory(username="maria")
    phone = Client()
    phone.post("/accounts/login/", {"login": "maria", "password": PASSWORD}, HTTP_USER_AGENT=(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.5 Mobile/15E148 Safari/604.1"))
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    _freshly_signed_in(page, live_server, member)
    page.goto(f"{live_server.url}/accounts/sessions/")
    expect(page.get_by_text("Safari on iPhone")).to_be_visible()
    expect(page.get_by_text("Started").first).to_be_visible()
    page.get_by_role("button", name="Sign out other sessions").click()
    expect(page.get_by_text("Safari on iPhone")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out other sessions")).to_have_count(0)
    page.get_by_role("button", name="Sign out this session").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    context.close()


def test_recovery_codes_lead_back_and_keep_their_actions_apart(browser, live_server):
    member = UserFactory(username="tomas")
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    _freshly_signed_in(page, live_server, member)
    TOTP.activate(member, TEST_TOTP_SECRET)
    RecoveryCodes.activate(member)
    page.goto(f"{live_server.url}/accounts/2fa/recovery-codes/")
    download = page.get_by_role("link", name="Download the codes")
    new_codes = page.get_by_role("link", name="Make new codes")
    first, second = download.bounding_box(), new_codes.bounding_box()
    # Two separate buttons with room between them, not one run-together line of text.
    assert first["x"] + first["width"] < second["x"] or first["y"] + first["height"] <= second["y"]
    page.get_by_role("link", name="Account and security").click()
    expect(page.get_by_role("heading", name="Account and security")).to_be_visible()
    context.close()
