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
