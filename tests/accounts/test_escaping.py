"""Names a member chooses are shown as text, never as markup."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


@pytest.fixture
def mallory(db):
    return UserFactory(username="mallory", display_name=HOSTILE, expert_credential='"><script>x()</script>',
                       role="expert")


def _assert_escaped(response):
    html = response.content.decode()
    assert response.status_code == 200
    assert HOSTILE not in html
    assert ESCAPED in html
    assert "<script>x()" not in html


def test_display_name_is_escaped_on_the_topic_page(client, mallory, member):
    topic = make_topic(author=mallory, title="A question from a tricky name")
    make_reply(topic=topic, author=member)

    _assert_escaped(client.get(topic.get_absolute_url()))


def test_display_name_is_escaped_on_the_profile(client, mallory):
    make_topic(author=mallory, title="A question from a tricky name")
    response = client.get(mallory.get_absolute_url())
    _assert_escaped(response)
    title = response.content.decode().split("<title>")[1].split("</title>")[0]
    assert "<img" not in title


def test_display_name_is_escaped_in_the_topic_list(client, mallory):
    make_topic(author=mallory, title="A question from a tricky name")
    html = client.get(reverse("forum:latest")).content.decode()
    assert HOSTILE not in html


def test_display_name_is_escaped_in_the_site_header(client, mallory):
    client.force_login(mallory)
    for url in [reverse("forum:latest"), reverse("account_email"), "/u/-/edit-profile/"]:
        html = client.get(url).content.decode()
        assert HOSTILE not in html, url
        assert ESCAPED in html, url


def test_display_name_typed_into_the_profile_form_is_escaped_when_refused(member_client):
    response = member_client.post("/u/-/edit-profile/", {"display_name": HOSTILE + "x" * 60, "bio": ""})
    assert response.status_code == 400
    assert HOSTILE not in response.content.decode()


def test_a_username_given_at_sign_up_is_escaped_when_refused(client):
    response = client.post(reverse("account_signup"), {
        "username": "<script>alert(1)</script>", "email": "x@example.org", "display_name": HOSTILE,
        "password1": "a-long-and-unusual-passphrase", "password2": "a-long-and-unusual-passphrase",
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert HOSTILE not in html


def test_an_unknown_username_in_the_url_is_not_echoed_as_markup(client):
    response = client.get("/u/%3Cscript%3Ealert(1)%3C%2Fscript%3E/")
    assert response.status_code == 404
    assert b"<script>alert(1)" not in response.content
