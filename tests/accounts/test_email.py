"""Managing email addresses: adding, verifying, choosing the primary one."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from tests.accounts.conftest import CONFIRM_LINK, link_in_mail

pytestmark = pytest.mark.django_db


def test_the_email_page_lists_the_members_addresses(member_client):
    response = member_client.get(reverse("account_email"))

    assert response.status_code == 200
    assert b"maria@example.org" in response.content
    assert b"Confirmed" in response.content  # the site says "confirm" where allauth says "verify"


def test_the_email_page_requires_login(client):
    response = client.get(reverse("account_email"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.usefixtures("recently_signed_in")
def test_adding_a_second_address_sends_a_verification_mail(member_client, member, mailoutbox):
    response = member_client.post(reverse("account_email"), {
        "action_add": "", "email": "maria.lopez@work.example",
    })

    assert response.status_code == 302
    added = EmailAddress.objects.get(user=member, email="maria.lopez@work.example")
    assert not added.verified
    assert not added.primary
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["maria.lopez@work.example"]
    confirm_path = link_in_mail(mailoutbox[0], CONFIRM_LINK)

    response = member_client.post(confirm_path)

    assert response.status_code == 302
    added.refresh_from_db()
    assert added.verified
    response = member_client.get(reverse("account_email"))
    assert b"maria.lopez@work.example" in response.content


@pytest.mark.usefixtures("recently_signed_in")
def test_a_verified_second_address_can_become_primary(member_client, member):
    EmailAddress.objects.create(user=member, email="maria.lopez@work.example", verified=True)

    response = member_client.post(reverse("account_email"), {
        "action_primary": "", "email": "maria.lopez@work.example",
    })

    assert response.status_code == 302
    assert EmailAddress.objects.get(user=member, primary=True).email == "maria.lopez@work.example"
    member.refresh_from_db()
    assert member.email == "maria.lopez@work.example"


def test_an_invalid_address_is_refused_and_kept_in_the_form(member_client, member, mailoutbox):
    response = member_client.post(reverse("account_email"), {"action_add": "", "email": "not an address"})

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert b"not an address" in response.content
    assert EmailAddress.objects.filter(user=member).count() == 1
    assert not mailoutbox


def test_another_members_address_cannot_be_verified_by_adding_it(member_client, member, other_member,
                                                                   mailoutbox):
    response = member_client.post(reverse("account_email"), {
        "action_add": "", "email": "omar@example.org",
    })

    assert response.status_code in {200, 302}
    assert not EmailAddress.objects.filter(user=member, email__iexact="omar@example.org", verified=True).exists()
    # Nothing went to Maria's own inbox that would let her claim Omar's address.
    assert all(message.to == ["omar@example.org"] for message in mailoutbox)


@pytest.mark.usefixtures("recently_signed_in")
def test_the_only_address_cannot_be_removed(member_client, member):
    # Posting needs a verified address and password resets go by mail.
    response = member_client.post(
        reverse("account_email"), {"action_remove": "", "email": "maria@example.org"}, follow=True
    )

    assert response.status_code == 200
    assert EmailAddress.objects.filter(user=member, email="maria@example.org").exists()
    assert b"cannot remove" in response.content.lower()


def test_the_primary_address_cannot_be_removed_while_others_exist(member_client, member):
    EmailAddress.objects.create(user=member, email="maria.lopez@work.example", verified=True)

    member_client.post(reverse("account_email"), {"action_remove": "", "email": "maria@example.org"})

    assert EmailAddress.objects.filter(user=member, email="maria@example.org").exists()


@pytest.mark.usefixtures("recently_signed_in")
def test_a_second_address_can_be_removed(member_client, member):
    EmailAddress.objects.create(user=member, email="maria.lopez@work.example", verified=True)

    response = member_client.post(
        reverse("account_email"), {"action_remove": "", "email": "maria.lopez@work.example"}
    )

    assert response.status_code == 302
    assert list(EmailAddress.objects.filter(user=member).values_list("email", flat=True)) == ["maria@example.org"]
