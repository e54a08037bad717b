"""A full form sent after the session or its CSRF token expired: the text comes back."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from forum.models import Post, Topic
from tests.factories import CategoryFactory, UserFactory, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

TITLE = 'Is "5 a day" <really> enough?'
BODY = "Three paragraphs I spent an hour on.\n\n<script>alert('x')</script> & the BMJ [@doi:10.1136/bmj.m4743]"


@pytest.fixture
def topic():
    return make_topic(title="Does vitamin D prevent colds?")


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def textareas(response) -> dict[str, str]:
    # A browser drops the one newline that follows <textarea>; this parser keeps it.
    return {area.get("id"): area.text.removeprefix("\n") for area in parse(response.content).find_all("textarea")}


def assert_sign_in_link_returns_to(response, path):
    # The page's own link, not the header's "Sign in".
    main = parse(response.content).find(id="main")
    links = [a.get("href") for a in main.descendants() if a.tag == "a" and "Sign in" in a.text]
    assert links, "a link to sign in again"
    url = urlsplit(links[0])
    assert url.path == reverse("account_login") and parse_qs(url.query)["next"] == [path]


class TestSessionExpired:
    def test_a_reply_sent_after_signing_out_shows_the_text_and_asks_to_sign_in(self, client, topic):
        path = reverse("forum:reply", args=[topic.pk])

        response = client.post(path, {"raw": BODY, "reply_to": 1})

        assert response.status_code == 403
        assert "your session expired" in response.content.decode().lower()
        assert textareas(response) == {"typed-raw": BODY}
        assert "<script>alert" not in response.content.decode()  # shown as text, escaped
        assert_sign_in_link_returns_to(response, path)
        assert Post.objects.filter(topic=topic).count() == 1

    def test_a_new_topic_sent_after_signing_out_keeps_title_and_body(self, client):
        path = reverse("forum:new_topic")

        response = client.post(path, {"title": TITLE, "raw": BODY, "category": CategoryFactory().pk})

        assert response.status_code == 403
        assert textareas(response) == {"typed-title": TITLE, "typed-raw": BODY}
        assert_sign_in_link_returns_to(response, path)
        assert not Topic.objects.filter(title=TITLE).exists()

    def test_an_edit_sent_after_signing_out_keeps_the_text(self, client, topic):
        reply = make_reply(topic=topic, raw="Before.")
        path = reverse("forum:post_edit", args=[reply.pk])

        response = client.post(path, {"raw": BODY, "reason": "more detail"})

        assert response.status_code == 403
        assert textareas(response) == {"typed-raw": BODY}
        assert_sign_in_link_returns_to(response, path)
        reply.refresh_from_db()
        assert reply.raw == "Before."

    def test_opening_the_composer_signed_out_still_redirects_to_sign_in(self, client, topic):
        response = client.get(reverse("forum:reply", args=[topic.pk]))

        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))

    def test_signed_in_members_post_as_before(self, client, topic):
        client.force_login(UserFactory())

        response = client.post(reverse("forum:reply", args=[topic.pk]), {"raw": "Still works."})

        assert response.status_code == 302
        assert Post.objects.filter(topic=topic, raw="Still works.").exists()


class TestFormTokenExpired:
    def test_a_reply_with_an_expired_token_shows_the_form_expired_page_with_the_text(self, csrf_client, topic):
        csrf_client.force_login(UserFactory())

        response = csrf_client.post(reverse("forum:reply", args=[topic.pk]),
                                    {"raw": BODY, "csrfmiddlewaretoken": "expired" * 8})

        assert response.status_code == 403
        assert "This form has expired" in response.content.decode()
        assert textareas(response) == {"typed-raw": BODY}
        assert "<script>alert" not in response.content.decode()
        assert Post.objects.filter(topic=topic).count() == 1

    def test_a_new_topic_without_a_token_keeps_title_and_body(self, csrf_client):
        csrf_client.force_login(UserFactory())

        response = csrf_client.post(reverse("forum:new_topic"), {"title": TITLE, "raw": BODY, "category": 1})

        assert response.status_code == 403
        assert textareas(response) == {"typed-title": TITLE, "typed-raw": BODY}

    def test_signed_out_with_an_expired_token_the_page_also_offers_to_sign_in(self, csrf_client, topic):
        path = reverse("forum:reply", args=[topic.pk])

        response = csrf_client.post(path, {"raw": BODY})

        assert response.status_code == 403
        assert textareas(response) == {"typed-raw": BODY}
        assert_sign_in_link_returns_to(response, path)

    def test_passwords_sent_to_the_login_form_with_a_bad_token_are_never_echoed(self, csrf_client):
        UserFactory(username="maria")

        response = csrf_client.post(reverse("account_login"), {
            "login": "maria", "password": "my-secret-passphrase", "csrfmiddlewaretoken": "stale" * 10,
            "title": "not a composer", "raw": "not a composer either",
        })

        body = response.content.decode()
        assert response.status_code == 403 and "This form has expired" in body
        assert "my-secret-passphrase" not in body
        assert "not a composer" not in body and textareas(response) == {}

    def test_other_fields_of_a_composer_form_are_not_echoed(self, csrf_client, topic):
        csrf_client.force_login(UserFactory())

        response = csrf_client.post(reverse("forum:reply", args=[topic.pk]),
                                    {"raw": "Body.", "password": "hunter2-secret", "reply_to": "7"})

        assert "hunter2-secret" not in response.content.decode()
        assert textareas(response) == {"typed-raw": "Body."}

    def test_a_sign_up_with_a_bad_token_echoes_nothing(self, csrf_client):
        response = csrf_client.post(reverse("account_signup"), {
            "username": "newcomer", "email": "new@example.org", "password1": "pw-one-secret-42",
            "password2": "pw-one-secret-42",
        })

        assert response.status_code == 403
        assert "pw-one-secret-42" not in response.content.decode() and textareas(response) == {}
