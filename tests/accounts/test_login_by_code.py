"""Signing in with a code mailed to the account's address: the way in for a member whose password
sign-in is locked by someone else's wrong guesses, and never a way around a second factor."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, TEST_TOTP_SECRET, UserFactory
from tests.parsed_html import parse

from .totp import current_code

pytestmark = pytest.mark.django_db

# allauth's codes: eight letters from an unambiguous alphabet, in two groups.
CODE = re.compile(r"\b[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}\b")
TOO_MANY = b"Too many failed login attempts"


def _signed_in(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def _lock_password_sign_in(username: str) -> None:
    """Someone else guesses at the account from addresses of their own until allauth locks it
    (five failures per account in five minutes)."""
    for n in range(6):
        Client(REMOTE_ADDR=f"192.0.2.{n}").post(reverse("account_login"), {"login": username, "password": f"guess {n}"})


def _request_code(client, email: str):
    return client.post(reverse("account_request_login_code"), {"email": email})


def _code_from_mail(address: str) -> str:
    [message] = [m for m in mail.outbox if address in m.to]
    match = CODE.search(message.body)
    assert match, message.body
    return match.group(0)


def test_the_sign_in_page_offers_a_mailed_code():
    page = parse(Client().get(reverse("account_login")).content)

    [link] = [a for a in page.find_all("a") if a.text.strip() == "Mail me a sign-in code"]
    assert link.get("href") == reverse("account_request_login_code")


def test_a_member_locked_out_by_someone_elses_guesses_signs_in_with_a_mailed_code():
    member = UserFactory(username="maria", email="maria@example.org")
    _lock_password_sign_in("maria")
    client = Client(REMOTE_ADDR="203.0.113.5")
    refused = client.post(reverse("account_login"), {"login": "maria", "password": PASSWORD})
    assert TOO_MANY in refused.content and not _signed_in(client, member)

    response = _request_code(client, "maria@example.org")
    assert response.status_code == 302 and response["Location"] == reverse("account_confirm_login_code")
    [message] = mail.outbox
    assert message.subject == "[Evident] Your sign-in code"
    assert "your password has not changed" in message.body

    response = client.post(reverse("account_confirm_login_code"), {"code": _code_from_mail("maria@example.org")})

    assert response.status_code == 302
    assert _signed_in(client, member)


def test_a_wrong_code_does_not_sign_in():
    member = UserFactory(username="maria", email="maria@example.org")
    client = Client()
    _request_code(client, "maria@example.org")

    response = client.post(reverse("account_confirm_login_code"), {"code": "BBBB-BBBB"})

    assert not _signed_in(client, member)
    assert response.status_code == 200 and b"Incorrect code" in response.content


def test_the_code_does_not_get_past_a_second_factor():
    moderator = UserFactory(username="mo", email="mo@example.org", role="moderator")  # has an authenticator app
    client = Client()
    _request_code(client, "mo@example.org")

    response = client.post(reverse("account_confirm_login_code"), {"code": _code_from_mail("mo@example.org")})

    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert not _signed_in(client, moderator)
    assert client.get(reverse("forum:latest")).context["user"].is_anonymous
    client.post(reverse("mfa_authenticate"), {"code": current_code(TEST_TOTP_SECRET)})
    assert _signed_in(client, moderator)


def test_asking_for_an_unknown_address_looks_the_same_and_mails_no_code():
    UserFactory(username="maria", email="maria@example.org")
    known = _request_code(Client(), "maria@example.org")
    unknown = _request_code(Client(), "nobody@example.org")

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    [to_unknown] = [m for m in mail.outbox if "nobody@example.org" in m.to]
    assert not CODE.search(to_unknown.body)
