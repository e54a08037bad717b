"""Mail that points home: every link in every mail comes from the configured SITE_URL, mails
name the site, and a lost confirmation can be sent again."""

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from tests.accounts.conftest import CONFIRM_LINK, RESET_LINK, SITE_URL, link_in_mail
from tests.factories import UserFactory
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase"


def sign_up(client):
    return client.post(reverse("account_signup"), {
        "username": "newcomer", "email": "newcomer@example.org", "password1": PASSWORD, "password2": PASSWORD,
    })


def test_the_sign_up_mail_names_the_site_and_links_to_the_configured_address(client, mailoutbox):
    sign_up(client)

    body = mailoutbox[0].body
    assert body.startswith("Hello from Evident!")
    assert "Hello from !" not in body
    assert link_in_mail(mailoutbox[0], CONFIRM_LINK).startswith("/accounts/confirm-email/")
    assert "testserver" not in body
    assert f"Evident: {SITE_URL}/" in body


def test_the_link_page_confirms_with_one_click(client, mailoutbox):
    sign_up(client)
    path = link_in_mail(mailoutbox[0], CONFIRM_LINK)

    page = parse(client.get(path).content)
    buttons = [button.text.strip() for button in page.find_all("button")
               if "button--primary" in button.classes]
    client.post(path)

    assert buttons == ["Confirm"]
    assert EmailAddress.objects.get(email="newcomer@example.org").verified


def test_the_password_reset_mail_links_to_the_configured_address(client, mailoutbox):
    UserFactory(username="maria", email="maria@example.org")

    client.post(reverse("account_reset_password"), {"email": "maria@example.org"})

    assert link_in_mail(mailoutbox[-1], RESET_LINK).startswith("/accounts/password/reset/key/")
    assert "testserver" not in mailoutbox[-1].body


def test_the_confirmation_can_be_sent_again(client, mailoutbox):
    sign_up(client)
    sent_page = parse(client.get(reverse("account_email_verification_sent")).content)
    link = [a.get("href") for a in sent_page.find_all("a") if a.text == "send the confirmation again"]

    cache.clear()  # a few minutes later: one confirmation mail per address per cooldown
    response = client.post(link[0], {"email": "Newcomer@example.org"})

    assert link == [reverse("accounts:confirmation_resend")]
    assert "a new confirmation link is on its way" in parse(response.content).find(role="status").text
    assert len(mailoutbox) == 2 and mailoutbox[1].to == ["newcomer@example.org"]
    assert CONFIRM_LINK.search(mailoutbox[1].body)


def test_sending_again_says_the_same_for_an_unknown_address_and_mails_nobody(client, mailoutbox):
    response = client.post(reverse("accounts:confirmation_resend"), {"email": "nobody@example.org"})

    assert response.status_code == 200
    assert "a new confirmation link is on its way" in parse(response.content).find(role="status").text
    assert mailoutbox == []


def test_an_expired_link_offers_to_send_the_confirmation_again(client):
    page = parse(client.get(reverse("account_confirm_email", args=["not-a-real-key"])).content)

    assert [a.get("href") for a in page.find_all("a") if a.text == "Send the confirmation again"] == [
        reverse("accounts:confirmation_resend")]


def test_check_deploy_fails_without_site_url(settings):
    settings.SITE_URL = ""

    with pytest.raises(SystemCheckError, match="evident.E001"):
        call_command("check", "--deploy", "--fail-level", "ERROR")


def test_check_deploy_accepts_a_configured_site_url(settings):
    settings.SITE_URL = "https://forum.example.org"

    try:
        call_command("check", "--deploy", "--fail-level", "ERROR")
    except SystemCheckError as exc:
        assert "evident.E001" not in str(exc)
