"""/api/search/: the search package's results as JSON, on both databases."""

import pytest

from forum.api import search as search_endpoint
from forum.discussion.deleting import post_delete
from forum.moderation.actions import post_hide, topic_set_listed
from tests.factories import CategoryFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

RESULT_KEYS = {"topic", "post", "snippet_html", "rank"}


def test_search_result_shape(client, member):
    topic = make_topic(author=member, title="Naltrexone for fibromyalgia", raw="Does low-dose naltrexone help pain?",
                       category=CategoryFactory(slug="pain", name="Pain"), tag_names=["ldn"])
    make_topic(title="Creatine and sleep", raw="Anything on creatine?")

    response = client.get("/api/search/?q=naltrexone")

    assert response.status_code == 200
    body = response.json()
    assert {"results", "count", "page", "pages", "next", "previous", "query", "studies"} <= set(body)
    assert (body["count"], body["page"], body["pages"], body["query"]) == (1, 1, 1, "naltrexone")
    [result] = body["results"]
    assert set(result) == RESULT_KEYS
    assert result["topic"] == {
        "id": topic.pk, "title": "Naltrexone for fibromyalgia",
        "url": f"http://testserver{topic.get_absolute_url()}", "api_url": f"http://testserver/api/topics/{topic.pk}/",
        "category": {"slug": "pain", "name": "Pain"}, "tags": ["ldn"],
    }
    assert result["post"]["number"] == 1
    assert result["post"]["url"] == f"http://testserver{topic.post_url(1)}"
    assert result["post"]["author"]["username"] == "maria"
    assert "<mark>" in result["snippet_html"]
    assert isinstance(result["rank"], float)


def test_search_never_returns_deleted_hidden_or_unlisted_posts(client, moderator):
    topic = make_topic(raw="About magnesium and cramps.")
    deleted = make_reply(topic=topic, raw="Deleted magnesium reply.")
    hidden = make_reply(topic=topic, raw="Hidden magnesium reply.")
    unlisted = make_topic(raw="Unlisted magnesium question.")
    post_delete(actor=deleted.author, post=deleted)
    post_hide(moderator=moderator, post=hidden, reason="spam", notify_author=False)
    topic_set_listed(moderator=moderator, topic=unlisted, listed=False)

    response = client.get("/api/search/?q=magnesium")

    assert [r["topic"]["id"] for r in response.json()["results"]] == [topic.pk]
    assert b"Deleted magnesium" not in response.content and b"Hidden magnesium" not in response.content


def test_search_filters_and_pages(client, settings, monkeypatch):
    monkeypatch.setattr(search_endpoint, "RESULTS_PER_PAGE", 2)
    expert = UserFactory(username="sam", role="expert")
    topic = make_topic(raw="Vitamin D question.")
    for _ in range(3):
        make_reply(topic=topic, author=expert, raw="Vitamin D answer from an expert.")

    page_one = client.get("/api/search/?q=vitamin&experts=on").json()
    page_two = client.get(page_one["next"]).json()

    assert (page_one["count"], page_one["pages"], len(page_one["results"])) == (3, 2, 2)
    assert len(page_two["results"]) == 1 and page_two["next"] is None
    assert {r["post"]["author"]["username"] for r in page_one["results"] + page_two["results"]} == {"sam"}
    assert client.get("/api/search/?q=vitamin&page=3").status_code == 404


@pytest.mark.parametrize("query, code", [
    ("", "missing_query"),
    ("q=", "missing_query"),
    ("q=trial&doi=not-a-doi", "invalid_query"),
    ("q=trial&category=no-such-category", "invalid_query"),
])
def test_bad_searches_are_json_400s(client, query, code):
    response = client.get(f"/api/search/?{query}")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize("hostile", ['"unclosed', "NEAR(a b", "title:x OR", "'; DROP TABLE forum_post; --", "*^-"])
def test_hostile_queries_answer_without_error(client, hostile):
    make_topic(raw="Something to find.")

    response = client.get("/api/search/", {"q": hostile})

    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


def test_without_the_search_package_the_endpoint_says_so(client, monkeypatch):
    monkeypatch.setattr(search_endpoint, "_search_package", lambda: None)

    response = client.get("/api/search/?q=anything")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "search_unavailable"
