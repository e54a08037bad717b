"""Logging in and out, and the throttle on repeated failures."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _logged_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


@pytest.mark.parametrize("login", ["maria", "MARIA", "maria@example.org", "Maria@Example.org"])
def test_log_in_by_username_or_email_in_any_case(client, member, password, login):
    response = client.post(reverse("account_login"), {"login": login, "password": password})

    assert response.status_code == 302
    assert response["Location"] == reverse("forum:latest")
    assert _logged_in_as(client, member)


def test_log_in_returns_to_the_page_asked_for(client, member, password):
    response = client.post(
        reverse("account_login") + "?next=/new-topic/", {"login": "maria", "password": password}
    )
    assert response["Location"] == "/new-topic/"


def test_log_in_refuses_an_offsite_next(client, member, password):
    response = client.post(
        reverse("account_login") + "?next=https://evil.example/", {"login": "maria", "password": password}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


@pytest.mark.parametrize("login", ["maria", "nobody-here"])
def test_a_wrong_password_or_unknown_login_shows_an_error(client, member, login):
    response = client.post(reverse("account_login"), {"login": login, "password": "not-the-password"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert b"not correct" in response.content
    assert "_auth_user_id" not in client.session


def test_an_inactive_account_cannot_log_in(client, password):
    UserFactory(username="gone", is_active=False)
    response = client.post(reverse("account_login"), {"login": "gone", "password": password})
    assert response.status_code in {200, 302}
    assert "_auth_user_id" not in client.session


def test_repeated_failed_logins_are_throttled(client, member, password):
    # allauth's default "login_failed" limit allows 5 failures per login in 5 minutes.
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": "maria", "password": "guess"})
        assert response.status_code == 200
        assert b"Too many failed login attempts" not in response.content

    response = client.post(reverse("account_login"), {"login": "maria", "password": "guess"})
    assert response.status_code in {200, 429}
    assert b"Too many failed login attempts" in response.content

    # Even the right password is refused while the throttle lasts.
    response = client.post(reverse("account_login"), {"login": "maria", "password": password})
    assert response.status_code in {200, 429}
    assert "_auth_user_id" not in client.session


def test_log_out_asks_on_get_and_happens_on_post(member_client):
    response = member_client.get(reverse("account_logout"))
    assert response.status_code == 200
    assert b'method="post"' in response.content
    assert "_auth_user_id" in member_client.session

    response = member_client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in member_client.session


def test_every_page_offers_log_out_as_a_post_form(member_client):
    html = member_client.get(reverse("forum:latest")).content.decode()
    action = f'method="post" action="{reverse("account_logout")}"'
    assert action in html
    assert f'<a href="{reverse("account_logout")}"' not in html


def test_allauth_rate_limits_are_configured():
    from allauth.account import app_settings

    limits = app_settings.RATE_LIMITS
    for action in ["login_failed", "signup", "reset_password", "confirm_email", "manage_email"]:
        assert limits.get(action), action
