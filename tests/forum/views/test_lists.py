from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forum.discussion.deleting import post_delete
from forum.models import Topic
from forum.moderation import actions as moderation
from tests.factories import CategoryFactory, UserFactory, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


def listed_titles(response) -> list[str]:
    assert response.status_code == 200
    return [link.text.replace("Pinned ", "") for link in parse(response.content).find_all("a", class_="topic-row__title")]


def test_latest_lists_the_most_recently_active_topics_first(client, member, other_member):
    older = make_topic(author=member, title="An older question")
    newer = make_topic(author=member, title="A newer question")
    make_reply(topic=older, author=other_member)  # activity brings it back to the top

    assert listed_titles(client.get(reverse("forum:latest"))) == [older.title, newer.title]


def test_site_wide_pins_lead_every_list_and_category_pins_their_category(client, member):
    category = CategoryFactory(name="Training", slug="training")
    site_pin = make_topic(author=member, category=category, title="Read this before posting")
    category_pin = make_topic(author=member, category=category, title="Training FAQ for everyone")
    make_topic(author=member, category=category, title="Something happened today")
    Topic.objects.filter(pk=site_pin.pk).update(pinned_globally=True)
    Topic.objects.filter(pk=category_pin.pk).update(pinned=True)

    latest = listed_titles(client.get(reverse("forum:latest")))
    in_category = listed_titles(client.get(reverse("forum:category", args=["training"])))

    assert latest[0] == site_pin.title and latest[1] != category_pin.title
    assert in_category[:2] == [site_pin.title, category_pin.title]


def test_unlisted_topics_stay_out_of_lists_but_open_by_link(client, member):
    hidden = make_topic(author=member, title="Only for people with the link")
    Topic.objects.filter(pk=hidden.pk).update(unlisted=True)

    assert hidden.title not in listed_titles(client.get(reverse("forum:latest")))
    assert client.get(hidden.get_absolute_url()).status_code == 200


def test_a_row_shows_category_tags_author_and_replies(client, member, other_member):
    category = CategoryFactory(name="Nutrition", slug="nutrition")
    topic = make_topic(author=member, category=category, title="Creatine and sleep", tag_names=["creatine"])
    make_reply(topic=topic, author=other_member)
    make_reply(topic=topic, author=other_member)

    row = parse(client.get(reverse("forum:latest")).content).find("tr", class_="topic-row")

    assert "Nutrition" in row.text
    assert "creatine" in row.text
    assert "by Maria Lopez" in " ".join(row.text.split())
    assert row.children[1].text == "2"  # replies, not posts
    assert "Omar Haddad" in row.children[2].text  # last poster


def test_a_row_links_its_topic_category_tags_and_author(client, member):
    # The list formats its links with one reverse() for the page (forum/common/url_patterns.py).
    category = CategoryFactory(name="Nutrition", slug="nutrition")
    topic = make_topic(author=member, category=category, title="Creatine and sleep", tag_names=["creatine", "sleep"])

    row = parse(client.get(reverse("forum:latest")).content).find("tr", class_="topic-row")

    assert [a.get("href") for a in row.descendants() if a.tag == "a"] == [
        reverse("forum:topic", args=[topic.slug, topic.pk]), reverse("forum:category", args=["nutrition"]),
        reverse("forum:tag", args=["creatine"]), reverse("forum:tag", args=["sleep"]),
        reverse("accounts:profile", args=[member.username])]


def test_deleted_topics_are_hidden_from_members_and_marked_for_moderators(client, member, moderator):
    make_topic(author=member, title="Still here and visible")
    gone = make_topic(author=member, title="Withdrawn by its author")
    post_delete(actor=member, post=gone.posts.get(post_number=1))

    assert listed_titles(client.get(reverse("forum:latest"))) == ["Still here and visible"]
    client.force_login(moderator)
    response = client.get(reverse("forum:latest"))
    assert "Withdrawn by its author" in listed_titles(response)
    assert "Deleted" in parse(response.content).find("tr", class_="topic-row--deleted").text


def test_category_page_lists_only_that_categorys_topics(client, member):
    training = CategoryFactory(name="Training", slug="training", description="Strength and endurance.")
    make_topic(author=member, category=training, title="Deload weeks: worth it?")
    make_topic(author=member, category=CategoryFactory(slug="nutrition"), title="Protein timing myths")

    response = client.get(reverse("forum:category", args=["training"]))

    assert listed_titles(response) == ["Deload weeks: worth it?"]
    page = parse(response.content)
    assert page.find("h1").text == "Training"
    assert "Strength and endurance." in page.text


def test_new_topic_button_on_a_category_page_preselects_it(member_client):
    CategoryFactory(name="Training", slug="training")

    page = parse(member_client.get(reverse("forum:category", args=["training"])).content)

    button = [a for a in page.find_all("a", class_="button--primary") if a.text == "New topic"][-1]
    assert button.get("href") == f"{reverse('forum:new_topic')}?category=training"


def test_unknown_category_or_tag_is_not_found(client, db):
    assert client.get(reverse("forum:category", args=["no-such-category"])).status_code == 404
    assert client.get(reverse("forum:tag", args=["no-such-tag"])).status_code == 404


def test_tag_page_lists_only_tagged_topics(client, member):
    make_topic(author=member, title="LDN dosing questions", tag_names=["naltrexone", "dosing"])
    make_topic(author=member, title="Magnesium for cramps", tag_names=["magnesium"])

    response = client.get(reverse("forum:tag", args=["naltrexone"]))

    assert listed_titles(response) == ["LDN dosing questions"]
    assert parse(response.content).find("h1").text == "Tagged “naltrexone”"


def test_topic_lists_are_paginated(client, member, settings):
    settings.FORUM_TOPICS_PER_PAGE = 2
    now = timezone.now()
    for age in range(5):
        topic = make_topic(author=member, title=f"Topic aged {age} days")
        Topic.objects.filter(pk=topic.pk).update(last_posted_at=now - timedelta(days=age))
    url = reverse("forum:latest")

    assert listed_titles(client.get(url)) == ["Topic aged 0 days", "Topic aged 1 days"]
    assert listed_titles(client.get(url, {"page": 2})) == ["Topic aged 2 days", "Topic aged 3 days"]
    last = client.get(url, {"page": 3})
    assert listed_titles(last) == ["Topic aged 4 days"]
    nav = parse(last.content).find("nav", class_="pagination")
    assert "Page 3" in nav.text and "Older" not in nav.text
    # a stale or mangled page number shows a real page rather than an error
    assert listed_titles(client.get(url, {"page": "99"})) == ["Topic aged 4 days"]
    assert listed_titles(client.get(url, {"page": "abc"})) == ["Topic aged 0 days", "Topic aged 1 days"]


def test_tag_pages_are_paginated_in_activity_order(client, member, settings):
    # A tag's page is found by ids first (forum/common/paging.py): same order and pages as any list.
    settings.FORUM_TOPICS_PER_PAGE = 2
    now = timezone.now()
    for age in range(5):
        tagged = make_topic(author=member, title=f"Tagged aged {age} days", tag_names=["sleep"])
        other = make_topic(author=member, title=f"Untagged aged {age} days")
        Topic.objects.filter(pk=tagged.pk).update(last_posted_at=now - timedelta(days=age))
        Topic.objects.filter(pk=other.pk).update(last_posted_at=now - timedelta(days=age, hours=12))
    url = reverse("forum:tag", args=["sleep"])

    assert listed_titles(client.get(url)) == ["Tagged aged 0 days", "Tagged aged 1 days"]
    assert listed_titles(client.get(url, {"page": 2})) == ["Tagged aged 2 days", "Tagged aged 3 days"]
    assert listed_titles(client.get(url, {"page": 3})) == ["Tagged aged 4 days"]
    assert listed_titles(client.get(url, {"page": "99"})) == ["Tagged aged 4 days"]
    client.force_login(member)
    assert listed_titles(client.get(url, {"page": 2})) == ["Tagged aged 2 days", "Tagged aged 3 days"]


def test_an_empty_forum_says_so(client, db):
    page = parse(client.get(reverse("forum:latest")).content)

    assert "No topics yet." in page.text


def test_categories_page_lists_every_category(client, db):
    CategoryFactory(name="Training", slug="training", position=2)
    CategoryFactory(name="Pain & Medicine", slug="pain-medicine", position=1)

    page = parse(client.get(reverse("forum:categories")).content)

    assert [h2.text for h2 in page.find_all("h2")] == ["Pain & Medicine", "Training"]


def test_awaiting_an_expert_lists_only_questions_still_waiting(client, member, moderator):
    expert = UserFactory(username="drx", role="expert", expert_credential="MD")
    waiting = make_topic(author=member, title="Still waiting for an expert")
    make_reply(topic=waiting, author=member, raw="A member's thoughts only.")
    announcement = make_topic(author=moderator, title="Welcome: read this before posting")
    Topic.objects.filter(pk=announcement.pk).update(pinned=True, pinned_globally=True)
    make_topic(author=expert, title="An expert asking the others")
    later_verified = make_topic(author=member, title="Answered by a member verified since")
    make_reply(topic=later_verified, author=UserFactory(username="soon", role="expert"))
    hidden_answer = make_topic(author=member, title="Only a hidden expert reply")
    reply = make_reply(topic=hidden_answer, author=expert)
    moderation.post_hide(moderator=moderator, post=reply, reason="Off-topic")
    Topic.objects.update(expert_answered=False)  # as if verified after writing: the flag says nothing

    waiting_titles = listed_titles(client.get(reverse("forum:latest"), {"filter": "awaiting-expert"}))

    assert sorted(waiting_titles) == ["Only a hidden expert reply", "Still waiting for an expert"]


def test_categories_page_counts_topics_and_shows_the_latest_of_each(client, member, moderator):
    pain = CategoryFactory(name="Pain & Medicine", slug="pain-medicine", position=1)
    CategoryFactory(name="Training", slug="training", position=2)
    make_topic(author=member, category=pain, title="An older pain question")
    newest = make_topic(author=member, category=pain, title="The newest pain question")
    gone = make_topic(author=member, category=pain, title="A deleted pain question")
    moderation.topic_delete(moderator=moderator, topic=gone)
    hidden = make_topic(author=member, category=pain, title="An unlisted pain question")
    moderation.topic_set_listed(moderator=moderator, topic=hidden, listed=False)
    Topic.objects.filter(pk=newest.pk).update(last_posted_at=timezone.now() + timedelta(minutes=1))

    page = parse(client.get(reverse("forum:categories")).content)

    assert [p.text for p in page.find_all("p", class_="category-card__count")] == ["2 topics", "0 topics"]
    latest = page.find("p", class_="category-card__latest")  # one: Training has no topic yet
    link = [e for e in latest.descendants() if e.tag == "a"][0]
    assert link.text == "The newest pain question" and link.get("href") == newest.get_absolute_url()
    feeds = [a.get("href") for a in page.find_all("a") if "feed" in a.text.lower() or "(Atom)" in a.text or "(RSS)" in a.text]
    assert reverse("forum:category_feed", args=["pain-medicine"]) in feeds
    assert reverse("forum:latest_feed") in feeds and reverse("forum:latest_rss") in feeds


def test_a_list_has_one_new_topic_button_that_knows_the_category(client, member):
    CategoryFactory(name="Training", slug="training")
    client.force_login(member)

    for url, target in [(reverse("forum:latest"), reverse("forum:new_topic")),
                        (reverse("forum:category", args=["training"]), reverse("forum:new_topic") + "?category=training")]:
        page = parse(client.get(url).content)
        buttons = [a for a in page.find_all("a") if a.text == "New topic"]
        assert [a.get("href") for a in buttons] == [target]
        assert reverse("forum:latest_feed") in [a.get("href") for a in page.find_all("a")]


@pytest.mark.parametrize("topics", [2, 12])
def test_a_list_costs_the_same_queries_however_many_topics_and_tags_it_shows(client, member, topics):
    # Bylines come with the topics, tags in one more query for the whole page (forum/models/topic.py).
    expert = UserFactory(role="expert", display_name="Ines Park", expert_credential="MD, sleep medicine",
                         orcid="0000-0002-1825-0097")
    for n in range(topics):
        topic = make_topic(author=member, title=f"Question number {n}", tag_names=["zinc", f"tag-{n}", "apnea"])
        make_reply(topic=topic, author=expert)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("forum:latest"))
    rows = parse(response.content).find_all("tr", class_="topic-row")
    assert len(rows) == topics
    first = rows[0]
    assert [e.text for e in first.descendants() if e.tag == "a" and "tag" in e.classes] == ["apnea", f"tag-{topics - 1}", "zinc"]
    assert "Ines Park" in first.text
    # The topics with their bylines, their tags, the categories beside the list.
    assert len(queries) == 3
