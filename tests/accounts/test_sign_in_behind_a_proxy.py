"""Behind the README's proxy every request comes from 127.0.0.1; allauth's per-address sign-in
limits must still tell visitors apart, by the address the proxy appended to X-Forwarded-For, and
must not believe what a client wrote into that header itself."""

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # nginx on the same machine, as in the README
CLIENT_A = "203.0.113.5"
CLIENT_B = "198.51.100.23"
TOO_MANY = b"Too many failed login attempts"


def _via_proxy(client_address: str, forged: str = "") -> Client:
    # nginx's $proxy_add_x_forwarded_for: whatever the client sent, then the address it came from.
    header = f"{forged}, {client_address}" if forged else client_address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header)


def _fail_to_sign_in(client, login: str):
    return client.post(reverse("account_login"), {"login": login, "password": "a wrong guess"})


def _signed_in(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def _lock_out_an_address(client_for_attempt) -> None:
    """Eleven failed sign-ins at different accounts (so no single account's own limit is hit):
    allauth refuses an address after ten in a minute."""
    answers = [_fail_to_sign_in(client_for_attempt(n), f"nobody{n}") for n in range(11)]
    assert all(TOO_MANY not in answer.content for answer in answers[:10])
    assert TOO_MANY in answers[10].content


def test_one_clients_failed_sign_ins_behind_the_proxy_do_not_lock_out_another(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    member = UserFactory(username="bea")

    _lock_out_an_address(lambda n: _via_proxy(CLIENT_A))

    client_b = _via_proxy(CLIENT_B)
    response = client_b.post(reverse("account_login"), {"login": "bea", "password": PASSWORD})
    assert response.status_code == 302
    assert _signed_in(client_b, member)
    # A is still refused, even with the right password of an account of its own.
    UserFactory(username="ann")
    client_a = _via_proxy(CLIENT_A)
    assert TOO_MANY in client_a.post(reverse("account_login"), {"login": "ann", "password": PASSWORD}).content


def test_a_client_behind_the_proxy_cannot_escape_the_limit_by_forging_the_header(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="ann")

    # Each attempt claims a different address; nginx appends the real one, which is what counts.
    _lock_out_an_address(lambda n: _via_proxy(CLIENT_A, forged=f"10.0.0.{n}"))

    client = _via_proxy(CLIENT_A, forged="10.9.9.9")
    assert TOO_MANY in client.post(reverse("account_login"), {"login": "ann", "password": PASSWORD}).content


def test_without_a_trusted_proxy_a_forged_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    member = UserFactory(username="bea")

    # A client reaching the server directly writes any X-Forwarded-For it likes: it still counts
    # as its own connection's address.
    _lock_out_an_address(lambda n: Client(REMOTE_ADDR=CLIENT_A, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"))
    forged = Client(REMOTE_ADDR=CLIENT_A, HTTP_X_FORWARDED_FOR=CLIENT_B)
    assert TOO_MANY in _fail_to_sign_in(forged, "bea").content

    # Nor can it lock out the address it pretends to be.
    client_b = Client(REMOTE_ADDR=CLIENT_B)
    client_b.post(reverse("account_login"), {"login": "bea", "password": PASSWORD})
    assert _signed_in(client_b, member)


def test_where_you_are_signed_in_shows_the_clients_address_not_the_proxys(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    member = UserFactory(username="bea")
    client = _via_proxy(CLIENT_B, forged="192.0.2.1")

    client.post(reverse("account_login"), {"login": "bea", "password": PASSWORD})

    assert list(UserSession.objects.filter(user=member).values_list("ip", flat=True)) == [CLIENT_B]
    assert CLIENT_B in client.get(reverse("usersessions_list")).content.decode()
