"""Forgotten passwords (reset by mail) and changing a password while logged in."""

import pytest
from django.urls import reverse

from tests.accounts.conftest import RESET_LINK, link_in_mail

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-unusual-passphrase"


def _request_reset(client, email):
    return client.post(reverse("account_reset_password"), {"email": email})


def test_password_reset_mail_link_sets_a_new_password(client, member, password, mailoutbox):
    response = _request_reset(client, "Maria@Example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["maria@example.org"]
    assert message.subject.startswith("[Evident] ")
    reset_path = link_in_mail(message, RESET_LINK)

    # The key moves into the session and the browser is sent to a URL without it.
    response = client.get(reset_path)
    assert response.status_code == 302
    form_path = response["Location"]
    response = client.get(form_path)
    assert response.status_code == 200
    assert response.context["form"] is not None

    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert not member.check_password(password)
    client.logout()
    response = client.post(reverse("account_login"), {"login": "maria", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_a_reset_link_works_only_once(client, member, mailoutbox):
    _request_reset(client, "maria@example.org")
    reset_path = link_in_mail(mailoutbox[0], RESET_LINK)
    form_path = client.get(reset_path)["Location"]
    client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    other_client = type(client)()
    response = other_client.get(reset_path, follow=True)
    assert response.status_code == 200
    assert response.context["token_fail"]


def test_a_tampered_reset_link_is_refused(client, member, mailoutbox):
    _request_reset(client, "maria@example.org")
    reset_path = link_in_mail(mailoutbox[0], RESET_LINK)
    tampered = reset_path[:-3] + ("a" if reset_path[-3] != "a" else "b") + reset_path[-2:]

    response = client.get(tampered, follow=True)

    assert response.status_code == 200
    assert response.context["token_fail"]


def test_reset_for_an_unknown_address_reveals_nothing(client, mailoutbox):
    response = _request_reset(client, "nobody@example.org")
    # Same answer as for a real address, so the form cannot be used to find members.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert all("/password/reset/key/" not in m.body for m in mailoutbox)


def test_password_change_for_a_logged_in_member(member_client, member, password):
    url = reverse("account_change_password")
    response = member_client.get(url)
    assert response.status_code == 200

    response = member_client.post(url, {
        "oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
    })

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    # ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE is off: the member stays logged in.
    assert member_client.session["_auth_user_id"] == str(member.pk)


def test_password_change_needs_the_current_password(member_client, member, password):
    response = member_client.post(reverse("account_change_password"), {
        "oldpassword": "not-my-password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
    })

    assert response.status_code == 200
    assert response.context["form"].errors["oldpassword"]
    member.refresh_from_db()
    assert member.check_password(password)


def test_password_change_requires_login(client):
    response = client.get(reverse("account_change_password"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
