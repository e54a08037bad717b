"""Every allauth page renders inside the site's own layout (header, skip link, brand, nav)."""

import pytest
from django.urls import reverse

from tests.accounts.conftest import CONFIRM_LINK, RESET_LINK, assert_in_site_layout, link_in_mail
from tests.factories import UserFactory
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
    "account_inactive",
    "account_reset_password_from_key_done",
])
def test_pages_for_visitors_use_the_site_layout(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert_in_site_layout(response)
    assert b'href="/accounts/signup/"' in response.content  # the site nav, logged out


@pytest.mark.parametrize("url_name", [
    "account_email",
    "account_change_password",
    "account_logout",
    "account_reauthenticate",
])
def test_pages_for_members_use_the_site_layout(member_client, url_name):
    response = member_client.get(reverse(url_name))
    assert response.status_code == 200
    assert_in_site_layout(response)
    assert b"Maria Lopez" in response.content  # the site nav, logged in


def test_set_password_page_uses_the_site_layout(client):
    member = UserFactory(username="nopass")
    member.set_unusable_password()
    member.save()
    client.force_login(member)

    # A member without a password confirms it is them first (by a code sent to their address).
    response = client.get(reverse("account_set_password"), follow=True)

    assert response.status_code == 200
    assert_in_site_layout(response)


def test_confirm_email_pages_use_the_site_layout(client, mailoutbox):
    client.post(reverse("account_signup"), {
        "username": "newcomer", "email": "newcomer@example.org", "display_name": "",
        "password1": "a-long-and-unusual-passphrase", "password2": "a-long-and-unusual-passphrase",
    })
    response = client.get(link_in_mail(mailoutbox[0], CONFIRM_LINK))
    assert response.status_code == 200
    assert_in_site_layout(response)

    response = client.get(reverse("account_confirm_email", args=["no-such-key"]))
    assert response.status_code in {200, 404}
    assert_in_site_layout(response)


def test_password_reset_key_pages_use_the_site_layout(client, member, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": "maria@example.org"})
    reset_path = link_in_mail(mailoutbox[0], RESET_LINK)

    response = client.get(reset_path, follow=True)
    assert response.status_code == 200
    assert response.context["form"] is not None
    assert_in_site_layout(response)

    response = client.get(reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "bad-key"}), follow=True)
    assert response.status_code == 200
    assert response.context["token_fail"]
    assert_in_site_layout(response)


def test_form_errors_render_inside_the_site_layout(client, member):
    response = client.post(reverse("account_login"), {"login": "maria", "password": "wrong"})
    assert response.status_code == 200
    assert_in_site_layout(response)


def test_the_page_title_names_the_page_and_the_site(client):
    html = client.get(reverse("account_login")).content.decode()
    title = html[html.index("<title>") + 7:html.index("</title>")]
    assert "Sign in" in title
    assert "Evident" in title


def test_the_throttled_page_uses_the_site_layout(client, member):
    # Password-reset requests are limited per address (allauth: 5 a minute); the sixth is a 429.
    for _ in range(5):
        response = client.post(reverse("account_reset_password"), {"email": "maria@example.org"})
        assert response.status_code == 302
    response = client.post(reverse("account_reset_password"), {"email": "maria@example.org"})

    assert response.status_code == 429
    assert_in_site_layout(response)
    assert b"Too many" in response.content


@pytest.mark.parametrize("name, heading, button", [
    ("account_login", "Sign in", "Sign in"),
    ("account_signup", "Sign up", "Sign up"),
    ("account_reset_password", "Reset your password", "Send the link"),
])
def test_account_pages_use_the_sites_words_and_no_colons_after_labels(client, db, name, heading, button):
    page = parse(client.get(reverse(name)).content)

    assert page.find("h1").text.strip() == heading
    assert button in [b.text.strip() for b in page.find_all("button")]
    labels = [label.text.strip() for label in page.find_all("label")]
    assert labels and not [text for text in labels if text.endswith(":")]
    header = [a.text for a in page.find("nav", class_="site-nav").descendants() if a.tag == "a"]
    assert "Sign in" in header and "Sign up" in header


def test_a_signed_in_member_signs_out(member_client):
    page = parse(member_client.get(reverse("forum:latest")).content)

    assert [b.text for b in page.find_all("button", class_="link-button")] == ["Sign out"]
