"""Page numbers from the address: a made-up huge one is not found, on every list and in the API,
and never a 500 (past 2**63 rows SQLite refused the offset and PostgreSQL said "bigint out of
range"). A stale or mangled one still shows a real page (tests/forum/views/test_lists.py)."""

import pytest
from django.urls import reverse

from tests.factories import make_topic

pytestmark = pytest.mark.django_db

HUGE = ["922337203685477580", "9223372036854775807", "99999999999999999999999", "1000001", "9" * 5000]


@pytest.fixture
def topic(db):
    return make_topic(title="Melatonin for jet lag", raw="Does it help?", tag_names=["sleep"])


def _lists(topic):
    return [reverse("forum:latest"), reverse("forum:category", args=[topic.category.slug]),
            reverse("forum:tag", args=["sleep"])]


@pytest.mark.parametrize("page", HUGE)
def test_a_huge_page_of_a_topic_list_is_not_found(client, member, topic, page):
    for url in _lists(topic):
        assert client.get(url, {"page": page}).status_code == 404, url
    client.force_login(member)
    for url in _lists(topic):
        response = client.get(url, {"page": page})
        assert response.status_code == 404, url
        assert "We couldn’t find that page" in response.content.decode()


@pytest.mark.parametrize("page", ["-3", "0", "abc", "", "2x", "1e9", "\u0663"])
def test_a_mangled_page_number_still_shows_the_first_page(client, topic, page):
    for url in _lists(topic):
        response = client.get(url, {"page": page})
        assert response.status_code == 200, url
        assert topic.title in response.content.decode()


def test_a_stale_page_number_within_reach_shows_the_last_page(client, topic):
    response = client.get(reverse("forum:latest"), {"page": "1000000"})

    assert response.status_code == 200 and topic.title in response.content.decode()


@pytest.mark.parametrize("page", [*HUGE, "-1", "0", "abc"])
def test_a_topic_page_beyond_its_posts_is_not_found(client, topic, page):
    response = client.get(topic.get_absolute_url(), {"page": page})

    assert response.status_code == (200 if page == "abc" else 404)


@pytest.mark.parametrize("page", [*HUGE, "-1", "0", "abc", "1.0"])
def test_the_api_lists_answer_a_json_404(client, topic, page):
    for url, params in [("/api/topics/", {}), ("/api/topics/", {"tag": "sleep", "category": topic.category.slug}),
                        (f"/api/topics/{topic.pk}/", {})]:
        response = client.get(url, {**params, "page": page})
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
