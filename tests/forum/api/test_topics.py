"""/api/topics/ and /api/topics/<id>/: shapes, visibility as on the HTML pages, pagination, cost."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum.discussion.deleting import post_delete
from forum.moderation.actions import post_hide, topic_delete, topic_set_listed, topic_set_pinned
from tests.factories import CategoryFactory, UserFactory, add_posts_fast, make_reply, make_topic

pytestmark = pytest.mark.django_db

TOPIC_KEYS = {
    "id", "title", "slug", "url", "api_url", "category", "tags", "author", "state", "pinned", "pinned_globally",
    "unlisted", "deleted", "expert_answered", "accepted_answer", "posts_count", "replies_count", "created_at",
    "last_posted_at",
}
POST_KEYS = {
    "number", "url", "author", "created_at", "edited_at", "reply_to", "deleted", "hidden", "placeholder",
    "accepted", "cooked", "excerpt", "hidden_reason", "helpful_count", "quotes", "citations",
}
USER_KEYS = {"username", "name", "role", "expert_credential", "url"}
ENVELOPE_KEYS = {"results", "count", "page", "pages", "next", "previous"}


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def is_iso(value) -> bool:
    return isinstance(value, str) and datetime.fromisoformat(value).tzinfo is not None


# --- the list --------------------------------------------------------------------------------

def test_topic_list_shape(client, member):
    topic = make_topic(author=member, title="Creatine and sleep", tag_names=["creatine", "sleep"])
    make_reply(topic=topic)

    body = get_json(client, "/api/topics/")

    assert set(body) == ENVELOPE_KEYS
    assert (body["count"], body["page"], body["pages"], body["next"], body["previous"]) == (1, 1, 1, None, None)
    [item] = body["results"]
    assert set(item) == TOPIC_KEYS
    assert item["id"] == topic.pk and item["title"] == "Creatine and sleep" and item["slug"] == topic.slug
    assert item["url"] == f"http://testserver{topic.get_absolute_url()}"
    assert item["api_url"] == f"http://testserver/api/topics/{topic.pk}/"
    assert item["category"] == {"slug": topic.category.slug, "name": topic.category.name,
                                "url": f"http://testserver/c/{topic.category.slug}/"}
    assert item["tags"] == ["creatine", "sleep"]
    assert item["author"] == {"username": "maria", "name": "Maria Lopez", "role": "member",
                              "expert_credential": None, "url": "http://testserver/u/maria/"}
    assert (item["state"], item["pinned"], item["pinned_globally"], item["unlisted"], item["deleted"]) == (
        "open", False, False, False, False)
    assert (item["posts_count"], item["replies_count"], item["accepted_answer"]) == (2, 1, None)
    assert isinstance(item["expert_answered"], bool)
    assert is_iso(item["created_at"]) and is_iso(item["last_posted_at"])


def test_topic_list_orders_like_the_latest_page(client, moderator):
    first = make_topic(title="First")
    make_topic(title="Second")
    pinned = make_topic(title="Pinned")
    make_reply(topic=first)
    topic_set_pinned(moderator=moderator, topic=pinned, pinned=True, site_wide=True)

    titles = [item["title"] for item in get_json(client, "/api/topics/")["results"]]

    assert titles == ["Pinned", "First", "Second"]


def test_topic_list_filters_by_category_and_tag(client):
    sleep, pain = CategoryFactory(slug="sleep"), CategoryFactory(slug="pain")
    make_topic(category=sleep, title="Melatonin", tag_names=["supplements"])
    make_topic(category=sleep, title="Naps")
    make_topic(category=pain, title="Magnesium", tag_names=["supplements"])

    def titles(query):
        return sorted(item["title"] for item in get_json(client, f"/api/topics/?{query}")["results"])

    assert titles("category=sleep") == ["Melatonin", "Naps"]
    assert titles("tag=supplements") == ["Magnesium", "Melatonin"]
    assert titles("category=sleep&tag=supplements") == ["Melatonin"]
    for query in ("category=nowhere", "tag=nothing"):
        assert get_json(client, f"/api/topics/?{query}", status=404)["error"]["code"] == "not_found"


def test_topic_list_hides_deleted_topics_except_from_moderators_and_unlisted_from_everyone(client, moderator):
    make_topic(title="Visible")
    deleted, unlisted = make_topic(title="Deleted"), make_topic(title="Unlisted")
    topic_delete(moderator=moderator, topic=deleted)
    topic_set_listed(moderator=moderator, topic=unlisted, listed=False)

    assert [t["title"] for t in get_json(client, "/api/topics/")["results"]] == ["Visible"]
    client.force_login(moderator)
    seen = {t["title"]: t["deleted"] for t in get_json(client, "/api/topics/")["results"]}
    assert seen == {"Visible": False, "Deleted": True}


def test_topic_list_pages(client, settings):
    settings.FORUM_TOPICS_PER_PAGE = 2
    category = CategoryFactory(slug="busy")
    for number in range(5):
        make_topic(category=category, title=f"Topic {number}")

    page_one = get_json(client, "/api/topics/?category=busy")
    page_three = get_json(client, "/api/topics/?category=busy&page=3")

    assert (page_one["count"], page_one["pages"], len(page_one["results"])) == (5, 3, 2)
    assert page_one["next"] == "http://testserver/api/topics/?category=busy&page=2"
    assert page_one["previous"] is None
    assert len(page_three["results"]) == 1 and page_three["next"] is None
    assert page_three["previous"] == "http://testserver/api/topics/?category=busy&page=2"
    every = [t["id"] for n in (1, 2, 3) for t in get_json(client, f"/api/topics/?category=busy&page={n}")["results"]]
    assert len(set(every)) == 5


@pytest.mark.parametrize("page", ["0", "4", "-1", "two", "1.5", "", "٣"])
def test_a_page_that_does_not_exist_is_a_json_404(client, settings, page):
    settings.FORUM_TOPICS_PER_PAGE = 2
    for _ in range(5):
        make_topic()

    body = get_json(client, f"/api/topics/?page={page}", status=404)

    assert body["error"]["status"] == 404 and body["error"]["message"]


def test_an_empty_forum_has_one_empty_page(client):
    body = get_json(client, "/api/topics/")

    assert (body["results"], body["count"], body["page"], body["pages"]) == ([], 0, 1, 1)


# --- one topic -------------------------------------------------------------------------------

def test_topic_detail_shape(client, member, other_member):
    expert = UserFactory(username="sam", display_name="Dr. Sam Rivera", role="expert",
                         expert_credential="MD, physician")
    topic = make_topic(author=member, title="Does LDN help?", raw="Has it been **shown**?", tag_names=["ldn"])
    question = topic.posts.get(post_number=1)
    make_reply(topic=topic, author=expert, raw="Two trials were positive.", reply_to=question)
    make_reply(topic=topic, author=other_member,
               raw=f'[quote="maria, post:1, topic:{topic.pk}"]\nHas it been shown?\n[/quote]\nGood question.')

    body = get_json(client, f"/api/topics/{topic.pk}/")

    assert set(body) == ENVELOPE_KEYS | {"topic"}
    assert set(body["topic"]) == TOPIC_KEYS
    assert body["topic"]["tags"] == ["ldn"]
    assert (body["count"], body["page"], body["pages"], body["next"]) == (3, 1, 1, None)
    first, answer, quoting = body["results"]
    for post in body["results"]:
        assert set(post) == POST_KEYS
        assert set(post["author"]) == USER_KEYS
        assert is_iso(post["created_at"])
        assert post["edited_at"] is None
        assert (post["deleted"], post["hidden"], post["placeholder"]) == (False, False, None)
        assert isinstance(post["helpful_count"], int)
    assert [post["number"] for post in body["results"]] == [1, 2, 3]
    assert first["url"] == f"http://testserver{topic.post_url(1)}"
    assert first["cooked"] == question.cooked and "<strong>shown</strong>" in first["cooked"]
    assert answer["author"] == {"username": "sam", "name": "Dr. Sam Rivera", "role": "expert",
                                "expert_credential": "MD, physician", "url": "http://testserver/u/sam/"}
    assert answer["reply_to"] == 1 and first["reply_to"] is None
    assert quoting["quotes"] == [{"username": "maria", "topic_id": topic.pk, "post_number": 1, "full": False,
                                  "status": "verified"}]


def test_post_citations_name_the_studies(client):
    from forum.references.metadata import StudyMetadata
    from forum.evidence.referencing import studies_import

    [study] = studies_import(records=[StudyMetadata(title="A trial", doi="10.5555/evident-api", source="manual")])
    topic = make_topic(raw="Is this right? [@doi:10.5555/evident-api]")

    [post] = get_json(client, f"/api/topics/{topic.pk}/")["results"]

    assert post["citations"] == [{"number": 1, "study_id": study.pk, "stance": None,
                                  "api_url": f"http://testserver/api/studies/{study.pk}/"}]


def test_post_citations_carry_their_stance(client):
    from forum.references.metadata import StudyMetadata
    from forum.evidence.referencing import studies_import

    studies_import(records=[StudyMetadata(title="A trial", doi="10.5555/evident-api", source="manual")])
    topic = make_topic(raw="It does not hold up [@doi:10.5555/evident-api contradicts]")

    [post] = get_json(client, f"/api/topics/{topic.pk}/")["results"]

    assert post["citations"][0]["stance"] == "contradicts"


def test_edited_posts_carry_their_edit_time(client, member):
    from forum.discussion.editing import post_edit

    topic = make_topic(author=member)
    post_edit(editor=member, post=topic.posts.get(post_number=1), raw="What does the evidence really say?")

    [post] = get_json(client, f"/api/topics/{topic.pk}/")["results"]

    assert is_iso(post["edited_at"])
    assert "really" in post["cooked"]


@pytest.fixture
def topic_with_removed_posts(member, other_member, moderator):
    topic = make_topic(author=member, raw="The question.")
    deleted = make_reply(topic=topic, author=other_member, raw="Words the author deleted.")
    hidden = make_reply(topic=topic, author=other_member, raw="Words a moderator hid.")
    removed = make_reply(topic=topic, author=other_member, raw="Words a moderator deleted.")
    post_delete(actor=other_member, post=deleted)
    post_hide(moderator=moderator, post=hidden, reason="Off topic", notify_author=False)
    post_delete(actor=moderator, post=removed)
    return topic


def test_deleted_and_hidden_posts_are_placeholders_without_content(client, topic_with_removed_posts):
    response = client.get(f"/api/topics/{topic_with_removed_posts.pk}/")
    _, deleted, hidden, removed = response.json()["results"]

    assert (deleted["deleted"], deleted["placeholder"]) == (True, "This post was deleted by its author.")
    assert (hidden["hidden"], hidden["placeholder"]) == (True, "This post was hidden by a moderator.")
    assert removed["placeholder"] == "This post was deleted by a moderator."
    for post in (deleted, hidden, removed):
        assert set(post) == POST_KEYS
        assert post["cooked"] is None and post["hidden_reason"] is None and post["helpful_count"] is None
        assert post["quotes"] == [] and post["citations"] == []
        assert post["author"]["username"] == "omar"
    assert b"Words" not in response.content


def test_the_author_of_a_hidden_post_reads_it_and_why(client, other_member, topic_with_removed_posts):
    client.force_login(other_member)

    _, deleted, hidden, _ = get_json(client, f"/api/topics/{topic_with_removed_posts.pk}/")["results"]

    assert "Words a moderator hid." in hidden["cooked"] and hidden["hidden_reason"] == "Off topic"
    assert deleted["cooked"] is None


def test_moderators_read_deleted_and_hidden_posts(client, moderator, topic_with_removed_posts):
    client.force_login(moderator)

    _, deleted, hidden, removed = get_json(client, f"/api/topics/{topic_with_removed_posts.pk}/")["results"]

    assert "Words the author deleted." in deleted["cooked"]
    assert "Words a moderator hid." in hidden["cooked"]
    assert "Words a moderator deleted." in removed["cooked"]
    assert deleted["placeholder"] == "This post was deleted by its author."


def test_deleted_topic_is_404_except_for_moderators_and_unlisted_is_readable_by_id(client, moderator):
    deleted, unlisted = make_topic(), make_topic()
    topic_delete(moderator=moderator, topic=deleted)
    topic_set_listed(moderator=moderator, topic=unlisted, listed=False)

    assert get_json(client, f"/api/topics/{deleted.pk}/", status=404)["error"]["code"] == "not_found"
    assert get_json(client, f"/api/topics/{unlisted.pk}/")["topic"]["unlisted"] is True
    client.force_login(moderator)
    assert get_json(client, f"/api/topics/{deleted.pk}/")["topic"]["deleted"] is True


def test_a_hidden_accepted_answer_is_not_named_to_readers(client, member, moderator):
    from forum.discussion.answers import answer_accept

    topic = make_topic(author=member)
    answer = make_reply(topic=topic)
    answer_accept(user=member, post=answer)
    assert get_json(client, f"/api/topics/{topic.pk}/")["topic"]["accepted_answer"] == 2
    assert get_json(client, f"/api/topics/{topic.pk}/")["results"][1]["accepted"] is True

    post_hide(moderator=moderator, post=answer, reason="spam", notify_author=False)

    assert get_json(client, f"/api/topics/{topic.pk}/")["topic"]["accepted_answer"] is None


def test_topic_pages_follow_post_numbers(client, settings):
    settings.FORUM_POSTS_PER_PAGE = 3
    topic = make_topic()
    add_posts_fast(topic=topic, count=6)

    pages = [get_json(client, f"/api/topics/{topic.pk}/?page={n}") for n in (1, 2, 3)]

    assert [[post["number"] for post in page["results"]] for page in pages] == [[1, 2, 3], [4, 5, 6], [7]]
    assert pages[0]["next"] == f"http://testserver/api/topics/{topic.pk}/?page=2"
    assert pages[2]["next"] is None and pages[2]["pages"] == 3
    for page in ("0", "4", "x"):
        assert get_json(client, f"/api/topics/{topic.pk}/?page={page}", status=404)["error"]["status"] == 404


def test_unknown_topic_is_a_json_404(client):
    assert get_json(client, "/api/topics/987654/", status=404)["error"]["code"] == "not_found"


# --- cost ------------------------------------------------------------------------------------

def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "member"])
def test_a_topic_costs_the_same_with_20_or_1000_posts(client, member, signed_in, record_property):
    authors = [UserFactory() for _ in range(7)]
    small, large = make_topic(), make_topic()
    add_posts_fast(topic=small, count=19, authors=authors)
    add_posts_fast(topic=large, count=999, authors=authors)
    if signed_in:
        client.force_login(member)

    costs = {
        name: [queries_for(client, f"/api/topics/{topic.pk}/?page={page}") for page in (1, last_page)]
        for name, topic, last_page in (("20 posts", small, 1), ("1000 posts", large, 50))
    }

    record_property("api_topic_queries", costs)
    assert len(set(cost for pair in costs.values() for cost in pair)) == 1, costs


def test_the_topic_list_costs_the_same_however_many_topics(client):
    make_topic(tag_names=["one"])
    few = queries_for(client, "/api/topics/")
    for number in range(40):
        make_topic(author=UserFactory(), category=CategoryFactory(), tag_names=[f"t{number}", "shared"])

    assert queries_for(client, "/api/topics/") == few
    assert queries_for(client, "/api/topics/?page=2") == few
