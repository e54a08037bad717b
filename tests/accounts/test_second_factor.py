"""Two-factor sign-in (allauth.mfa): an authenticator app with recovery codes, and moderators
who moderate only from a sign-in that passed the second factor, the Django admin included."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

from forum.discussion.answers import answer_accept
from forum.moderation.actions import topic_set_state
from tests.factories import PASSWORD, TEST_TOTP_SECRET, UserFactory, make_reply, make_topic
from tests.parsed_html import parse
from tests.second_factor_sessions import password_only

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


# --- one rule for moderator power: the session, not the account, must have passed the factor ---

def _staff_moderator():
    return UserFactory(username="mo", role="moderator", is_staff=True)


def test_the_admin_login_form_no_longer_signs_in_with_a_password_alone(client):
    moderator = _staff_moderator()
    response = client.post("/admin/login/?next=/admin/", {"username": moderator.username, "password": PASSWORD,
                                                          "next": "/admin/"})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/review/").url.startswith("/accounts/login/")
    topic = make_topic()
    client.post(f"/t/{topic.pk}/moderate/", {"action": "close", "reason": "guessed"})
    topic.refresh_from_db()
    assert topic.state == "open"


def test_the_admin_signs_in_through_allauth_with_the_second_factor(client):
    moderator = _staff_moderator()
    to_login = client.get("/admin/")
    assert to_login.url.startswith("/admin/login/")
    to_allauth = client.get(to_login.url)
    assert to_allauth.url.startswith("/accounts/login/")
    response = client.post(to_allauth.url, {"login": moderator.username, "password": PASSWORD})
    assert response.url == "/accounts/2fa/authenticate/"
    response = client.post(response.url, {"code": current_code(TEST_TOTP_SECRET)}, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert response.status_code == 200 and "Site administration" in response.content.decode()


def test_guessing_passwords_at_the_admin_door_meets_allauths_limit(client):
    moderator = _staff_moderator()
    for _ in range(25):
        client.post("/admin/login/", {"username": moderator.username, "password": "wrong-guess"})
    client.post("/admin/login/", {"username": moderator.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session  # the admin's own form checks no password at all
    login_url = client.get("/admin/login/").url  # where the admin's door leads: allauth's login
    answers = [client.post(login_url, {"login": moderator.username, "password": "wrong-guess"})
               for _ in range(25)]
    assert any("Too many failed login attempts" in a.content.decode() for a in answers)
    right = client.post(login_url, {"login": moderator.username, "password": PASSWORD})
    assert "Too many failed login attempts" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_password_only_session_is_asked_for_the_code_before_the_admin_opens(client):
    moderator = _staff_moderator()
    password_only(client, moderator)
    response = client.get("/admin/", follow=True)
    step, _ = response.redirect_chain[-1]
    assert step.startswith("/accounts/2fa/reauthenticate/")
    response = client.post(step, {"code": current_code(TEST_TOTP_SECRET)}, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert "Site administration" in response.content.decode()


def test_choosing_or_unchoosing_anothers_answer_needs_the_factor_in_this_sign_in(client):
    moderator = UserFactory(role="moderator")
    topic = make_topic()
    answer = make_reply(topic=topic)
    password_only(client, moderator)
    client.post(f"/p/{answer.pk}/accept/")
    topic.refresh_from_db()
    assert topic.accepted_answer_id is None
    answer_accept(user=topic.author, post=answer)  # the asker chooses it
    response = client.post(f"/p/{answer.pk}/accept/")  # and the moderator tries to undo that
    assert response.status_code in (302, 403) and "/accounts/2fa/" in (response.get("Location") or
                                                                       response.content.decode())
    topic.refresh_from_db()
    assert topic.accepted_answer_id == answer.pk


def test_a_moderator_without_a_factor_sees_where_to_set_one_up_instead_of_controls(client):
    moderator = UserFactory(role="moderator", second_factor=False)
    topic = make_topic()
    client.force_login(moderator)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Set up a second factor to moderate" in page
    assert "Moderate this topic" not in page and "Close topic" not in page


def test_a_password_only_moderator_is_offered_to_confirm_the_factor_instead_of_controls(client):
    moderator = UserFactory(role="moderator")
    topic = make_topic()
    password_only(client, moderator)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Confirm your second factor to moderate" in page
    assert "Moderate this topic" not in page
    client.force_login(moderator)  # a sign-in that passed the code
    assert "Moderate this topic" in client.get(topic.get_absolute_url()).content.decode()


def test_a_reply_refused_for_want_of_the_factor_is_handed_back(client):
    moderator = UserFactory(role="moderator")
    topic = make_topic()
    topic_set_state(moderator=moderator, topic=topic, state="closed")
    password_only(client, moderator)
    words = "A moderator's note: this was settled in the 2024 review."
    response = client.post(f"/t/{topic.pk}/reply/", {"raw": words})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Confirm your second factor to moderate" in page
    assert "/accounts/2fa/reauthenticate/" in page
    # Shown back to copy, as typed, after the newline that browsers drop.
    assert parse(page).find("textarea", id="typed-raw").text == "\n" + words
    assert not topic.posts.filter(raw=words).exists()
