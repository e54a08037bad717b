"""Signing in with ORCID (and linking it), and with a community's own OpenID Connect provider,
against fake providers on loopback."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.orcid.views import OrcidOAuth2Adapter
from django.contrib.auth import get_user_model

from tests.factories import PASSWORD, UserFactory

from .fake_identity import FakeIdentityProvider

pytestmark = pytest.mark.django_db
ORCID_ID = "0000-0002-1825-0097"


@pytest.fixture
def provider(settings, monkeypatch):
    with FakeIdentityProvider(orcid=ORCID_ID) as fake:
        # ORCID's addresses are fixed when allauth loads; the fake stands in for orcid.org.
        monkeypatch.setattr(OrcidOAuth2Adapter, "authorize_url", f"{fake.url}/oauth/authorize")
        monkeypatch.setattr(OrcidOAuth2Adapter, "access_token_url", f"{fake.url}/oauth/token")
        monkeypatch.setattr(OrcidOAuth2Adapter, "profile_url", f"{fake.url}/v3.0/%s/record")
        settings.SOCIALACCOUNT_PROVIDERS = {
            "orcid": {"APPS": [{"client_id": "APP-EVIDENT", "secret": "orcid-secret"}]},
            "openid_connect": {"APPS": [{"provider_id": "clinic", "name": "Clinic sign-on", "client_id": "evident",
                                         "secret": "oidc-secret", "settings": {"server_url": fake.url}}]},
        }
        yield fake


def _round_trip(client, start_url, callback_url, data=None):
    """What the browser does: start, visit the provider (who says yes), come back with a code."""
    start = client.post(start_url, data or {})
    assert start.status_code == 302
    state = parse_qs(urlsplit(start.url).query)["state"][0]
    return client.get(callback_url, {"code": "granted", "state": state})


def test_a_member_links_orcid_and_the_profile_shows_the_verified_id(client, provider):
    member = UserFactory(username="rivera", role="expert", expert_credential="MD, rheumatologist")
    client.force_login(member)
    # Connecting an account is a sensitive change: the password is asked again first.
    assert _round_trip(client, "/accounts/orcid/login/?process=connect", "/accounts/orcid/login/callback/"
                       ).url == "/accounts/reauthenticate/"
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    _round_trip(client, "/accounts/orcid/login/?process=connect", "/accounts/orcid/login/callback/")
    member.refresh_from_db()
    assert member.orcid == ORCID_ID
    assert SocialAccount.objects.get(user=member, provider="orcid").uid == ORCID_ID
    assert provider.token_requests[0]["client_id"] == "APP-EVIDENT"
    profile = client.get("/u/rivera/").content.decode()
    assert f'href="https://orcid.org/{ORCID_ID}"' in profile and "verified by signing in with ORCID" in profile


def test_a_linked_orcid_signs_the_member_in(client, provider):
    member = UserFactory(username="rivera")
    SocialAccount.objects.create(user=member, provider="orcid", uid=ORCID_ID)
    response = _round_trip(client, "/accounts/orcid/login/", "/accounts/orcid/login/callback/")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_unlinking_orcid_removes_the_id_from_the_profile(client, provider):
    member = UserFactory(username="rivera", orcid=ORCID_ID)
    account = SocialAccount.objects.create(user=member, provider="orcid", uid=ORCID_ID)
    client.force_login(member)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.post("/accounts/3rdparty/", {"account": account.pk})
    member.refresh_from_db()
    assert member.orcid == "" and not SocialAccount.objects.filter(user=member).exists()


def test_single_sign_on_makes_an_account_from_the_providers_verified_address(client, provider):
    response = _round_trip(client, "/accounts/oidc/clinic/login/", "/accounts/oidc/clinic/login/callback/")
    assert response.status_code == 302
    user = get_user_model().objects.get(username="nurse_ada")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.emailaddress_set.get().verified
    assert user.orcid == ""  # only ORCID itself vouches for an ORCID iD
    assert SocialAccount.objects.get(user=user).provider == "clinic"


def test_the_sign_in_page_offers_only_configured_providers(client, settings, provider):
    page = client.get("/accounts/login/").content.decode()
    assert "ORCID" in page or "Orcid" in page
    assert "Clinic sign-on" in page
    settings.SOCIALACCOUNT_PROVIDERS = {"orcid": {"APPS": []}, "openid_connect": {"APPS": []}}
    page = client.get("/accounts/login/").content.decode()
    assert "Clinic sign-on" not in page and "Orcid" not in page


def test_a_credential_request_carries_the_verified_orcid_to_moderators(client):
    from accounts.models import CredentialRequest

    expert = UserFactory(username="rivera", orcid=ORCID_ID)
    CredentialRequest.objects.create(user=expert, credential="MD, rheumatologist")
    client.force_login(UserFactory(role="moderator"))
    queue = client.get("/review/credentials/").content.decode()
    assert f'href="https://orcid.org/{ORCID_ID}"' in queue
