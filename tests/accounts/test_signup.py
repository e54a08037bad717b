"""Signing up: from the empty form to the first topic, and the rules a new account must meet."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from forum.models import Topic
from tests.accounts.conftest import CONFIRM_LINK, link_in_mail
from tests.factories import CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW_PASSWORD = "a-long-and-unusual-passphrase"


def _sign_up(client, **overrides):
    data = {
        "username": "newcomer",
        "email": "newcomer@example.org",
        "display_name": "New Comer",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return client.post(reverse("account_signup"), data)


def _field_errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_sign_up_to_first_post(client, mailoutbox):
    category = CategoryFactory(name="Pain & Medicine", slug="pain-medicine")

    response = _sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(username="newcomer")
    assert user.display_name == "New Comer"
    assert user.email == "newcomer@example.org"
    assert not EmailAddress.objects.get(user=user).verified

    # One verification mail, to the address given, with a link to confirm it.
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["newcomer@example.org"]
    assert message.subject.startswith("[Evident] ")
    confirm_path = link_in_mail(message, CONFIRM_LINK)

    # Before confirming: not logged in, so neither the composer nor logging in gets them in.
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("forum:new_topic"), {
        "title": "Does creatine help older lifters recover?", "category": category.pk,
        "raw": "What do the trials say?",
    })
    # Signed out, the composer keeps the text and asks them to sign in (tests/faults).
    assert response.status_code == 403
    assert b"sign in again" in response.content.lower()
    response = client.post(reverse("account_login"), {"login": "newcomer", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert not Topic.objects.exists()

    # GET shows a page asking to confirm; it does not confirm by itself.
    response = client.get(confirm_path)
    assert response.status_code == 200
    assert b"newcomer@example.org" in response.content
    assert b'method="post"' in response.content
    assert not EmailAddress.objects.get(user=user).verified

    response = client.post(confirm_path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)

    response = client.get(reverse("forum:latest"))
    assert b"New Comer" in response.content

    response = client.post(reverse("forum:new_topic"), {
        "title": "Does creatine help older lifters recover?", "category": category.pk,
        "raw": "I have read *mixed* things. What do the trials say?",
    })
    topic = Topic.objects.get()
    assert response.status_code == 302
    assert response["Location"] == topic.get_absolute_url()
    assert topic.author == user
    response = client.get(topic.get_absolute_url())
    assert b"<em>mixed</em>" in response.content


def test_confirming_in_another_browser_verifies_but_does_not_log_in(client, mailoutbox):
    _sign_up(client)
    confirm_path = link_in_mail(mailoutbox[0], CONFIRM_LINK)

    other_browser = type(client)()
    response = other_browser.post(confirm_path)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="newcomer@example.org").verified
    assert "_auth_user_id" not in other_browser.session
    response = other_browser.post(reverse("account_login"), {"login": "newcomer", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert other_browser.session["_auth_user_id"] == str(User.objects.get(username="newcomer").pk)


def test_a_logged_in_member_with_an_unconfirmed_email_cannot_post(client):
    category = CategoryFactory()
    member = UserFactory(verified=False)
    EmailAddress.objects.create(user=member, email=member.email, verified=False, primary=True)
    client.force_login(member)

    response = client.post(reverse("forum:new_topic"), {
        "title": "An unconfirmed question", "category": category.pk, "raw": "Can I post yet?",
    })

    assert response.status_code == 403
    assert b"Confirm your email address before posting" in response.content
    assert not Topic.objects.exists()


def test_a_confirmation_link_with_a_bad_key_does_not_confirm(client):
    response = client.get(reverse("account_confirm_email", args=["not-a-real-key"]))
    assert response.status_code in {200, 404}
    response = client.post(reverse("account_confirm_email", args=["not-a-real-key"]))
    assert response.status_code in {200, 302, 404}
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("username", ["abc", "maria_lopez", "dr.lopez", "lopez-2", "a" * 30, "9lives"])
def test_usernames_of_letters_digits_and_underscore_dot_hyphen_are_accepted(client, username):
    response = _sign_up(client, username=username, email=f"{username}@example.org")
    assert response.status_code == 302, response.context["form"].errors
    assert User.objects.filter(username=username.lower()).exists()


@pytest.mark.parametrize("username", [
    "ab",            # too short
    "a" * 31,        # too long
    "maria lopez",   # space
    "maria@home",    # @ would break mentions
    "maría",         # non-ASCII letter
    "<b>x</b>",
    ".maria",        # must start with a letter, digit or underscore
    "-maria",
])
def test_usernames_breaking_the_rules_are_refused(client, username):
    response = _sign_up(client, username=username)
    assert response.status_code == 200
    assert _field_errors(response, "username")
    assert not User.objects.exists()


def test_usernames_are_stored_lowercase_and_unique_regardless_of_case(client):
    UserFactory(username="maria")

    response = _sign_up(client, username="Maria", email="another@example.org")
    assert response.status_code == 200
    assert _field_errors(response, "username")

    response = _sign_up(client, username="NewComer")
    assert response.status_code == 302
    assert User.objects.filter(username="newcomer").exists()


def test_an_email_address_already_in_use_gets_no_second_account(client, mailoutbox):
    # allauth prevents account enumeration: the sign-up looks like it worked, but no account is
    # made and the address's owner is told by mail that they already have one.
    UserFactory(username="maria", email="maria@example.org")

    response = _sign_up(client, email="Maria@Example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert list(User.objects.values_list("username", flat=True)) == ["maria"]
    assert EmailAddress.objects.filter(email__iexact="maria@example.org").count() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["maria@example.org"]
    assert "already" in mailoutbox[0].body.lower()
    assert "/accounts/confirm-email/" not in mailoutbox[0].body


def test_mismatched_or_weak_passwords_are_refused(client):
    response = _sign_up(client, password2="something-else-entirely")
    assert response.status_code == 200
    assert _field_errors(response, "password2")

    response = _sign_up(client, password1="password", password2="password")
    assert response.status_code == 200
    assert _field_errors(response, "password1")
    assert not User.objects.exists()


def test_display_name_is_optional_and_limited_to_60_characters(client):
    response = _sign_up(client, display_name="x" * 61)
    assert response.status_code == 200
    assert _field_errors(response, "display_name")

    response = _sign_up(client, display_name="")
    assert response.status_code == 302
    user = User.objects.get(username="newcomer")
    assert user.display_name == ""
    assert user.name == "newcomer"


def test_display_name_is_trimmed(client):
    _sign_up(client, display_name="   New Comer  ")
    assert User.objects.get(username="newcomer").display_name == "New Comer"
