"""A NUL character in an address's parameters: a clear 400 on both databases, never a 500.

PostgreSQL refuses to compare text holding NUL (a DataError), so each of these addresses was a
500 there while SQLite quietly found nothing."""

import pytest
from django.urls import reverse

from tests.factories import make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(db):
    return make_topic(title="Melatonin for jet lag", raw="Does it help?")


@pytest.mark.parametrize("path, params", [
    ("forum:new_topic", {"category": "general\x00"}),
    ("forum:latest", {"filter\x00": "unread"}),
    ("accounts:suggest", {"q": "dr\x00"}),
    ("forum:studies", {"q": "naltrexone\x00"}),
    ("forum:new_topic", {"quote_study": "1", "quote": "pain\x00"}),
])
def test_a_page_refuses_it_and_says_why(member_client, topic, path, params):
    response = member_client.get(reverse(path), params)

    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_the_audit_log_filters_refuse_it(client, moderator):
    client.force_login(moderator)
    response = client.get(reverse("forum:audit_log"), {"actor": "mod\x00"})

    assert response.status_code == 400


@pytest.mark.parametrize("params", [{"category": "\x00"}, {"tag": "pain\x00"}])
def test_the_api_refuses_it_in_json(client, topic, params):
    response = client.get("/api/topics/", params)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_an_ordinary_address_is_untouched(client, topic):
    assert client.get("/api/topics/", {"category": "no-such-category"}).status_code == 404


@pytest.mark.parametrize("path", [
    "/u/%00/", "/u/maria%00/", "/uploads/%00.png", "/c/%00/", "/tag/%00/", "/t/%00/1/", "/drafts/%00/",
    "/notifications/unsubscribe/%00/", "/members/%00/notes/", "/%00", "/studies/1/export.%00",
])
def test_in_the_path_it_is_not_found(client, member, topic, path):
    # PostgreSQL answered these with a 500 (the text could not even be compared); no page is
    # named with a NUL, so it is the site's own 404, signed in or not.
    assert client.get(path).status_code == 404
    client.force_login(member)
    response = client.get(path)

    assert response.status_code == 404
    assert "We couldn’t find that page" in response.content.decode()
    assert client.post(path).status_code == 404


def test_in_an_api_path_it_is_a_json_404(client, topic):
    response = client.get("/api/topics/%00/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
