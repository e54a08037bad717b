"""Second factors in Chromium: an authenticator app set up by scanning-or-typing its key, a passkey
registered and used through the browser's virtual authenticator (DevTools' WebAuthn domain), and
a moderator without a factor sent to set one up, then confirming it and moderating."""

import re

import pytest
from playwright.sync_api import expect

from tests.accounts.totp import current_code
from tests.browser.demo_pages import log_in, sign_in
from tests.factories import PASSWORD, UserFactory, make_topic

pytestmark = pytest.mark.django_db(transaction=True)


def _confirm_access(page):
    # Adding a factor is a sensitive change: the password is asked again.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()


def _virtual_authenticator(page):
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    authenticator = devtools.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True}})
    return devtools, authenticator["authenticatorId"]


def test_a_member_sets_up_an_authenticator_app(page, live_server):
    UserFactory(username="maria")
    log_in(page, live_server, "maria", PASSWORD)
    page.goto(f"{live_server.url}/accounts/2fa/totp/activate/")
    _confirm_access(page)
    page.screenshot(path="/tmp/evident-totp-activate.png", full_page=True)
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(current_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.screenshot(path="/tmp/evident-totp-activated.png", full_page=True)
    page.goto(f"{live_server.url}/accounts/2fa/")
    expect(page.get_by_text("On: signing in asks for the six-digit code your app shows.")).to_be_visible()


def test_a_member_registers_a_passkey_and_signs_in_with_it(page, live_server):
    assert live_server.url.startswith("http://localhost")  # WebAuthn needs a domain, not an address
    UserFactory(username="maria")
    devtools, authenticator_id = _virtual_authenticator(page)
    log_in(page, live_server, "maria", PASSWORD)
    page.goto(f"{live_server.url}/accounts/2fa/webauthn/add/")
    _confirm_access(page)
    page.get_by_label("Name").fill("Laptop")
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add").click()
    expect(page).not_to_have_url(re.compile(r"/add/$"))  # the key is saved and the page moved on
    # The browser's authenticator now holds a discoverable key for this site: a passkey.
    [credential] = devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert credential["isResidentCredential"] and credential["rpId"] == "localhost"
    page.goto(f"{live_server.url}/accounts/2fa/webauthn/")
    expect(page.get_by_role("link", name="Remove Laptop")).to_be_visible()  # listed, with its own buttons
    page.screenshot(path="/tmp/evident-passkey-added.png", full_page=True)

    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.get_by_role("link", name="Notifications")).to_be_visible()


def test_a_moderator_without_a_factor_is_sent_to_set_one_up(page, live_server):
    moderator = UserFactory(username="mo", role="moderator", second_factor=False)
    sign_in(page, live_server, moderator)
    page.goto(f"{live_server.url}/review/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.get_by_text("Set up a second factor to moderate")).to_be_visible()
    page.screenshot(path="/tmp/evident-moderator-needs-factor.png", full_page=True)


def test_a_moderator_sets_up_a_factor_from_the_topic_confirms_it_and_moderates(page, live_server):
    moderator = UserFactory(username="mo", role="moderator", second_factor=False)
    topic = make_topic(title="Does creatine help older adults?")
    sign_in(page, live_server, moderator)
    page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    # Where the moderation panel would be: the step, not controls that would fail on submit.
    expect(page.get_by_text("Moderate this topic")).to_have_count(0)
    page.screenshot(path="/tmp/evident-moderator-set-up-notice.png", full_page=True)
    page.get_by_role("link", name="Set up a second factor to moderate").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))

    page.goto(f"{live_server.url}/accounts/2fa/totp/activate/")
    _confirm_access(page)
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(current_code(secret))
    page.get_by_role("button", name="Activate").click()

    # This sign-in used the password only: the factor is asked for once, then the panel is there.
    page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    page.get_by_role("link", name="Confirm your second factor to moderate").click()
    page.get_by_placeholder("Code").fill(current_code(secret))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(rf"{topic.get_absolute_url()}$"))
    page.get_by_text("Moderate this topic").click()
    page.get_by_label("Reason (kept in the audit log)").fill("Answered well enough")
    page.get_by_role("button", name="Close topic").click()
    expect(page.get_by_text("Done: the topic was updated and the action logged.")).to_be_visible()
    page.screenshot(path="/tmp/evident-moderator-confirmed-factor.png", full_page=True)
    topic.refresh_from_db()
    assert topic.state == "closed"
