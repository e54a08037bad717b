"""Two-factor sign-in (allauth.mfa): an authenticator app with recovery codes, and moderators
who cannot moderate without a second factor."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

from tests.factories import PASSWORD, TEST_TOTP_SECRET, UserFactory, make_topic

from .totp import current_code

pytestmark = pytest.mark.django_db


def _sign_in(client, user):
    return client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})


def test_a_member_sets_up_an_authenticator_app_and_gets_recovery_codes(client):
    member = UserFactory()
    client.force_login(member)
    # Adding a factor asks for the password again when the sign-in is not fresh.
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert secret in page.content.decode()  # the key to type when the QR code cannot be scanned
    wrong = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert "Incorrect code" in wrong.content.decode()
    client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert set(Authenticator.objects.filter(user=member).values_list("type", flat=True)) == {"totp", "recovery_codes"}
    codes = client.get("/accounts/2fa/recovery-codes/").content.decode()
    unused = RecoveryCodes(Authenticator.objects.get(user=member, type="recovery_codes")).get_unused_codes()
    assert len(unused) == 10 and unused[0] in codes


def test_signing_in_with_a_factor_asks_for_the_code(client):
    member = UserFactory(role="moderator")  # the factory sets up TEST_TOTP_SECRET for moderators
    response = _sign_in(client, member)
    assert response.url == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session  # the password alone is not enough
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(TEST_TOTP_SECRET)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_a_recovery_code_signs_in_once(client):
    member = UserFactory(role="moderator")
    code = RecoveryCodes.activate(member).get_unused_codes()[0]
    _sign_in(client, member)
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert client.session["_auth_user_id"] == str(member.pk)
    client.post("/accounts/logout/")
    _sign_in(client, member)
    again = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert "_auth_user_id" not in client.session
    assert "Incorrect code" in again.content.decode()


def test_guessing_codes_is_rate_limited(client):
    member = UserFactory(role="moderator")
    _sign_in(client, member)
    answers = [client.post("/accounts/2fa/authenticate/", {"code": f"{n:06d}"}).content.decode()
               for n in range(12)]
    assert any(re.search(r"Too many|too many", answer) for answer in answers)
    assert "_auth_user_id" not in client.session


def test_a_moderator_without_a_second_factor_is_sent_to_set_one_up(client):
    moderator = UserFactory(role="moderator", second_factor=False)
    client.force_login(moderator)
    response = client.get("/review/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/2fa/"
    assert "Set up a second factor to moderate" in response.content.decode()
    TOTP.activate(moderator, TEST_TOTP_SECRET)
    client.force_login(moderator)
    assert client.get("/review/").status_code == 200


def test_a_moderator_without_a_factor_cannot_act_either(client, settings):
    moderator = UserFactory(role="moderator", second_factor=False)
    topic = make_topic()
    client.force_login(moderator)
    response = client.post(f"/t/{topic.pk}/moderate/", {"action": "close", "reason": "done"})
    assert response.status_code == 403
    assert 'href="/accounts/2fa/"' in response.content.decode()  # where to set one up
    assert 'value="done"' in response.content.decode()  # the reason typed is shown back
    topic.refresh_from_db()
    assert topic.state == "open"
    settings.FORUM_MODERATOR_SECOND_FACTOR = False  # a local demo may switch it off
    client.post(f"/t/{topic.pk}/moderate/", {"action": "close", "reason": "done"})
    topic.refresh_from_db()
    assert topic.state == "closed"
