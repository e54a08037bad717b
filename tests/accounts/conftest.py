"""Helpers for the accounts tests: reading links out of mail, checking the site layout."""

import re

import pytest

# The site's configured address: every mail link is built from it, never from the host a request
# arrived on (the test client's is "testserver").
SITE_URL = "https://forum.evident.example"
# The confirmation and reset links allauth puts in its mails.
CONFIRM_LINK = re.compile(r"https://forum\.evident\.example(/accounts/confirm-email/[^/\s]+/)")
RESET_LINK = re.compile(r"https://forum\.evident\.example(/accounts/password/reset/key/[^/\s]+/)")


def link_in_mail(message, pattern: re.Pattern) -> str:
    match = pattern.search(message.body)
    assert match, f"no link matching {pattern.pattern} in:\n{message.body}"
    return match.group(1)


def assert_in_site_layout(response) -> None:
    """The page carries the site's header, not allauth's bare fallback layout."""
    html = response.content.decode()
    assert 'class="skip-link" href="#main">Skip to content</a>' in html
    assert 'class="site-header"' in html
    assert 'class="brand"' in html
    assert 'aria-label="Main"' in html
    assert "<strong>Menu:</strong>" not in html  # allauth's own layout


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # These tests log in and sign up dozens of times; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def recently_signed_in(member_client, password):
    """Changing an address or a password asks for the password again after five minutes; a test
    client logged in with force_login has not typed it at all."""
    member_client.post("/accounts/reauthenticate/", {"password": password})
    return member_client
