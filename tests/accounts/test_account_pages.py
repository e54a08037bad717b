"""The account, second-factor, session and email pages in the site's voice: sentence case, the way
back to account settings, browsers named as people say them, mail subjects in our words, and no
"Connected accounts" where no provider is configured."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.socialaccount.models import SocialAccount
from django.core import mail

from accounts.user_agents import browser_label
from tests.factories import PASSWORD, UserFactory

from .conftest import assert_in_site_layout

pytestmark = pytest.mark.django_db

# allauth's stock wording, title case, which our pages must not show.
STOCK = ("Two-Factor Authentication", "Recovery Codes", "Sign Out", "Started At", "Security Keys",
         "Authenticator App", "Email Addresses", "Change Password", "Confirm Access", "Account Connections",
         "Add Email", "Make Primary", "Re-send Verification", "Generate new codes")
BACK = 'href="/u/-/account/"'
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


def _fresh_sign_in(client, user, **headers):
    """A sign-in through the form: fresh enough that adding a factor asks for nothing more."""
    response = client.post("/accounts/login/", {"login": user.username, "password": PASSWORD}, **headers)
    assert response.status_code == 302


def _assert_site_voice(response) -> str:
    assert response.status_code == 200
    assert_in_site_layout(response)
    html = response.content.decode()
    for stock in STOCK:
        assert stock not in html, f"stock wording {stock!r} on {response.request['PATH_INFO']}"
    return html


@pytest.mark.parametrize("user_agent, label", [
    (FIREFOX_WINDOWS, "Firefox on Windows"),
    (SAFARI_IPHONE, "Safari on iPhone"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
     "Safari/537.36", "Chrome on macOS"),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile "
     "Safari/537.36", "Chrome on Android"),
    ("curl/8.5.0", "curl"),
    ("", "Unknown browser"),
])
def test_a_browser_is_named_as_people_say_it(user_agent, label):
    assert browser_label(user_agent) == label


def test_sessions_show_the_browser_and_say_which_sessions_each_button_ends(client):
    member = UserFactory()
    other = type(client)()
    _fresh_sign_in(other, member, HTTP_USER_AGENT=SAFARI_IPHONE)
    _fresh_sign_in(client, member, HTTP_USER_AGENT=FIREFOX_WINDOWS)
    html = _assert_site_voice(client.get("/accounts/sessions/", HTTP_USER_AGENT=FIREFOX_WINDOWS))
    assert "Firefox on Windows" in html and "Safari on iPhone" in html
    assert f'title="{FIREFOX_WINDOWS}"' in html  # the raw string stays on hover
    assert "Started" in html and "This browser" in html
    assert "Sign out other sessions" in html and "Sign out this session" in html
    assert BACK in html
    # "Sign out other sessions" ends the phone's session and keeps this one.
    client.post("/accounts/sessions/", HTTP_USER_AGENT=FIREFOX_WINDOWS)
    assert client.get("/u/-/account/", HTTP_USER_AGENT=FIREFOX_WINDOWS).status_code == 200
    assert other.get("/u/-/account/", HTTP_USER_AGENT=SAFARI_IPHONE).status_code == 302


def test_second_factor_pages_speak_in_sentence_case_with_a_way_back(client):
    member = UserFactory()
    _fresh_sign_in(client, member)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    index = _assert_site_voice(client.get("/accounts/2fa/"))
    assert "Two-factor authentication and passkeys" in index and BACK in index
    for path in ("/accounts/2fa/totp/activate/", "/accounts/2fa/webauthn/", "/accounts/2fa/webauthn/add/"):
        assert BACK in _assert_site_voice(client.get(path))
    # With an authenticator app: the recovery codes page, its two actions apart, and the way back.
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.factories import TEST_TOTP_SECRET

    TOTP.activate(member, TEST_TOTP_SECRET)
    RecoveryCodes.activate(member)
    codes = _assert_site_voice(client.get("/accounts/2fa/recovery-codes/"))
    assert BACK in codes and "Recovery codes" in codes
    assert re.search(r'<a class="button[^"]*" href="/accounts/2fa/recovery-codes/download/">Download the codes</a>', codes)
    assert re.search(r'<a class="button[^"]*" href="/accounts/2fa/recovery-codes/generate/">Make new codes</a>', codes)
    assert 'class="button-row"' in codes
    for path in ("/accounts/2fa/recovery-codes/generate/", "/accounts/2fa/totp/deactivate/"):
        assert BACK in _assert_site_voice(client.get(path))
    assert Authenticator.objects.filter(user=member).count() == 2


def test_email_and_password_pages_speak_in_sentence_case_with_a_way_back(client):
    _fresh_sign_in(client, UserFactory())
    for path, heading in (("/accounts/email/", "Email addresses"), ("/accounts/password/change/", "Change your password")):
        html = _assert_site_voice(client.get(path))
        assert f"<h1>{heading}</h1>" in html and BACK in html


def test_reauthentication_speaks_in_sentence_case(client):
    client.force_login(UserFactory())  # not a fresh sign-in: adding a factor asks again
    response = client.get("/accounts/2fa/totp/activate/", follow=True)
    html = _assert_site_voice(response)
    assert "<h1>Confirm it is you</h1>" in html and BACK in html


def test_entrance_pages_speak_in_sentence_case(client):
    for path in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/",
                 "/accounts/password/reset/key/1-wrong/"):
        response = client.get(path, follow=True)
        _assert_site_voice(response)


def test_connected_accounts_are_hidden_when_no_provider_is_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"orcid": {"APPS": []}, "openid_connect": {"APPS": []}}
    client.force_login(UserFactory())
    page = client.get("/u/-/account/").content.decode()
    assert "Connected accounts" not in page and "/accounts/3rdparty/" not in page
    assert client.get("/accounts/3rdparty/").status_code == 404


def test_connected_accounts_are_offered_when_orcid_is_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"orcid": {"APPS": [{"client_id": "APP-1", "secret": "s"}]},
                                        "openid_connect": {"APPS": []}}
    _fresh_sign_in(client, UserFactory())
    page = client.get("/u/-/account/").content.decode()
    assert "Connected accounts" in page and "sign in with ORCID" in page
    html = _assert_site_voice(client.get("/accounts/3rdparty/"))
    assert "<h1>Connected accounts</h1>" in html and BACK in html


def test_a_member_who_linked_an_account_before_the_provider_went_can_still_remove_it(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"orcid": {"APPS": []}, "openid_connect": {"APPS": []}}
    member = UserFactory()
    SocialAccount.objects.create(user=member, provider="orcid", uid="0000-0002-1825-0097")
    client.force_login(member)
    assert "Connected accounts" in client.get("/u/-/account/").content.decode()


def test_the_sign_up_mail_has_a_subject_in_the_sites_voice(client, settings):
    settings.SITE_NAME = "Evident"
    client.post("/accounts/signup/", {"email": "nora@example.org", "username": "nora",
                                      "password1": "a long enough passphrase 7", "password2": "a long enough passphrase 7"})
    [message] = mail.outbox
    assert message.subject == "[Evident] Welcome to Evident: confirm your email address"


def test_the_password_reset_mail_has_a_subject_in_the_sites_voice(client):
    UserFactory(email="nora@example.org")
    client.post("/accounts/password/reset/", {"email": "nora@example.org"})
    [message] = mail.outbox
    assert message.subject == "[Evident] Reset your password"


def test_asking_for_an_expert_credential_offers_orcid_only_where_it_is_configured(client, settings):
    client.force_login(UserFactory())
    settings.SOCIALACCOUNT_PROVIDERS = {"orcid": {"APPS": []}, "openid_connect": {"APPS": []}}
    assert "/accounts/3rdparty/" not in client.get("/credential/").content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = {"orcid": {"APPS": [{"client_id": "APP-1", "secret": "s"}]},
                                        "openid_connect": {"APPS": []}}
    assert "link your ORCID iD" in client.get("/credential/").content.decode()
