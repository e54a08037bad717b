"""Watching from the topic and category pages, unread badges and the Unread filter, jumping to the
first unread post, and the topic page's query count."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.following.watching import topic_level_set, topic_mark_read
from forum.models import CategorySubscription, TopicSubscription, WatchLevel
from tests.factories import CategoryFactory, UserFactory, add_posts_fast, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(db):
    return CategoryFactory(slug="nutrition", name="Nutrition")


@pytest.fixture
def topic(other_member, category):
    return make_topic(author=other_member, category=category, title="Does vitamin D prevent colds?")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


class TestTopicLevelForm:
    def url(self, topic):
        return reverse("forum:topic_level", args=[topic.pk])

    def test_the_topic_page_offers_the_levels_with_tracking_chosen(self, member_client, topic):
        page = parse(member_client.get(topic.get_absolute_url()).content)

        select = page.find("select", id="watch-level")
        options = {o.get("value"): "selected" in o.attrs for o in select.children}
        assert options == {"watching": False, "tracking": True, "muted": False}

    def test_choosing_a_level_saves_it_and_returns_to_the_topic(self, member_client, member, topic):
        response = member_client.post(self.url(topic), {"level": "watching"})

        assert response.status_code == 302 and response.url == topic.get_absolute_url()
        sub = TopicSubscription.objects.get(user=member, topic=topic)
        assert (sub.level, sub.level_chosen) == (WatchLevel.WATCHING, True)
        assert messages_of(response) == ["Watching: this topic."]

    def test_the_page_shows_the_saved_level(self, member_client, member, topic):
        topic_level_set(user=member, topic=topic, level=WatchLevel.MUTED)

        select = parse(member_client.get(topic.get_absolute_url()).content).find("select", id="watch-level")
        assert [o.get("value") for o in select.children if "selected" in o.attrs] == ["muted"]

    @pytest.mark.parametrize("level", ["", "everything", "<script>"])
    def test_a_bad_level_is_explained_and_changes_nothing(self, member_client, member, topic, level):
        response = member_client.post(self.url(topic), {"level": level})

        assert response.status_code == 302
        assert messages_of(response) == ["Choose watching, tracking or muted."]
        assert not TopicSubscription.objects.filter(user=member, level_chosen=True).exists()

    def test_get_is_not_allowed(self, member_client, topic):
        assert member_client.get(self.url(topic)).status_code == 405

    def test_a_visitor_is_sent_to_log_in(self, client, topic):
        response = client.post(self.url(topic), {"level": "watching"})

        assert response.status_code == 302 and "/accounts/login/" in response.url
        assert not TopicSubscription.objects.filter(level_chosen=True).exists()

    def test_a_topic_you_cannot_see_is_not_found(self, member_client, topic, moderator):
        from forum.moderation.actions import topic_delete

        topic_delete(moderator=moderator, topic=topic)

        assert member_client.post(self.url(topic), {"level": "watching"}).status_code == 404

    def test_visitors_see_no_watch_form(self, client, topic):
        assert 'id="watch-level"' not in client.get(topic.get_absolute_url()).content.decode()


class TestCategoryLevelForm:
    def url(self, category):
        return reverse("forum:category_level", args=[category.slug])

    def test_choosing_a_level_saves_it_and_returns_to_the_category(self, member_client, member, category):
        response = member_client.post(self.url(category), {"level": "watching"})

        assert response.status_code == 302 and response.url == category.get_absolute_url()
        assert CategorySubscription.objects.get(user=member, category=category).level == WatchLevel.WATCHING
        assert messages_of(response) == ["Watching: Nutrition."]

    def test_the_category_page_shows_the_saved_level(self, member_client, category):
        member_client.post(self.url(category), {"level": "muted"})

        select = parse(member_client.get(category.get_absolute_url()).content).find(
            "select", id="category-watch-level")
        assert [o.get("value") for o in select.children if "selected" in o.attrs] == ["muted"]

    def test_a_bad_level_is_explained(self, member_client, member, category):
        response = member_client.post(self.url(category), {"level": "loud"})

        assert messages_of(response) == ["Choose watching, tracking or muted."]
        assert not CategorySubscription.objects.exists()

    def test_get_is_not_allowed_and_visitors_log_in(self, client, member_client, category):
        assert member_client.get(self.url(category)).status_code == 405
        client.logout()
        response = client.post(self.url(category), {"level": "watching"})
        assert response.status_code == 302 and "/accounts/login/" in response.url

    def test_an_unknown_category_is_not_found(self, member_client):
        assert member_client.post(reverse("forum:category_level", args=["nope"]), {"level": "muted"}).status_code == 404


class TestUnreadOnLists:
    @pytest.fixture
    def topics(self, other_member, member, category):
        """Four topics, each in a different reading state for the member."""
        never = make_topic(author=other_member, category=category, title="Never opened")
        partly = make_topic(author=other_member, category=category, title="Partly read")
        add_posts_fast(topic=partly, count=4)
        partly.refresh_from_db()
        topic_mark_read(user=member, topic=partly, post_number=2)
        done = make_topic(author=other_member, category=category, title="All read")
        topic_mark_read(user=member, topic=done, post_number=1)
        muted = make_topic(author=other_member, category=category, title="Muted")
        add_posts_fast(topic=muted, count=2)
        topic_level_set(user=member, topic=muted, level=WatchLevel.MUTED)
        return {"never": never, "partly": partly, "done": done, "muted": muted}

    def badges(self, response) -> dict[str, list[str]]:
        rows = parse(response.content).find_all("tr", class_="topic-row")
        result = {}
        for row in rows:
            title = next(a for a in row.descendants() if "topic-row__title" in a.classes)
            result[title.text.strip()] = [
                (b.get("aria-label") or b.text).strip() for b in row.descendants()
                if {"badge--new", "badge--unread"} & b.classes
            ]
        return result

    def test_new_topics_and_unread_counts_are_shown(self, member_client, topics):
        assert self.badges(member_client.get(reverse("forum:latest"))) == {
            "Never opened": ["New"], "Partly read": ["3 unread posts"], "All read": [], "Muted": [],
        }

    def test_the_unread_badge_links_to_the_first_unread_post(self, member_client, topics):
        page = parse(member_client.get(reverse("forum:latest")).content)

        (badge,) = page.find_all("a", class_="badge--unread")
        assert badge.get("href") == topics["partly"].post_url(3)

    def test_a_new_reply_makes_a_read_topic_unread(self, member_client, topics, other_member):
        make_reply(topic=topics["done"], author=other_member)

        assert self.badges(member_client.get(reverse("forum:latest")))["All read"] == ["1 unread post"]

    def test_the_category_list_shows_the_same_badges(self, member_client, topics, category):
        badges = self.badges(member_client.get(category.get_absolute_url()))

        assert badges["Partly read"] == ["3 unread posts"]
        assert badges["Never opened"] == ["New"]

    def test_the_unread_filter_keeps_new_and_unread_topics_and_leaves_out_muted_ones(self, member_client, topics):
        response = member_client.get(reverse("forum:latest"), {"filter": "unread"})

        assert set(self.badges(response)) == {"Never opened", "Partly read"}

    def test_the_unread_filter_works_in_a_category(self, member_client, topics, category):
        response = member_client.get(category.get_absolute_url(), {"filter": "unread"})

        assert set(self.badges(response)) == {"Never opened", "Partly read"}

    def test_your_own_new_topic_is_not_new_to_you(self, member_client, member, category):
        make_topic(author=member, category=category, title="Mine")

        assert self.badges(member_client.get(reverse("forum:latest"))) == {"Mine": []}

    def test_visitors_see_no_badges_and_no_unread_filter(self, client, topics):
        response = client.get(reverse("forum:latest"))

        assert all(badges == [] for badges in self.badges(response).values())
        assert "?filter=unread" not in response.content.decode()

    def test_list_queries_do_not_grow_with_the_number_of_topics(self, member_client, member, other_member,
                                                               category):
        def queries():
            with CaptureQueriesContext(connection) as captured:
                assert member_client.get(reverse("forum:latest")).status_code == 200
            return len(captured)

        make_topic(author=other_member, category=category, title="First")
        queries()  # the bell's count is made once, then read from the cache on both counts below
        few = queries()
        for n in range(10):
            topic = make_topic(author=other_member, category=category, title=f"Topic {n}")
            topic_mark_read(user=member, topic=topic, post_number=1)
        assert queries() == few


class TestJumpToFirstUnread:
    @pytest.fixture
    def long_topic(self, topic, settings):
        settings.FORUM_POSTS_PER_PAGE = 20
        add_posts_fast(topic=topic, count=59)  # 60 posts, three pages
        topic.refresh_from_db()
        return topic

    def test_opening_a_partly_read_topic_goes_to_the_first_unread_post(self, member_client, member, long_topic):
        topic_mark_read(user=member, topic=long_topic, post_number=25)

        response = member_client.get(long_topic.get_absolute_url(), follow=True)

        assert response.redirect_chain[-1][0] == f"{long_topic.get_absolute_url()}?page=2#post-26"
        assert response.status_code == 200

    def test_the_first_unread_post_on_the_first_page_needs_no_redirect(self, member_client, member, long_topic):
        topic_mark_read(user=member, topic=long_topic, post_number=5)

        assert member_client.get(long_topic.get_absolute_url()).status_code == 200

    def test_a_fully_read_topic_opens_at_the_start(self, member_client, member, long_topic):
        topic_mark_read(user=member, topic=long_topic, post_number=60)

        assert member_client.get(long_topic.get_absolute_url()).status_code == 200

    def test_asking_for_a_page_shows_that_page(self, member_client, member, long_topic):
        topic_mark_read(user=member, topic=long_topic, post_number=25)

        assert member_client.get(long_topic.get_absolute_url(), {"page": 1}).status_code == 200

    def test_reading_a_page_marks_it_read(self, member_client, member, long_topic):
        member_client.get(long_topic.get_absolute_url(), {"page": 2})

        assert TopicSubscription.objects.get(user=member, topic=long_topic).last_read_post_number == 40

    def test_reading_an_earlier_page_never_moves_the_marker_back(self, member_client, member, long_topic):
        member_client.get(long_topic.get_absolute_url(), {"page": 3})
        member_client.get(long_topic.get_absolute_url(), {"page": 1})

        assert TopicSubscription.objects.get(user=member, topic=long_topic).last_read_post_number == 60

    def test_visitors_are_never_redirected(self, client, long_topic):
        assert client.get(long_topic.get_absolute_url()).status_code == 200


class TestTopicPageQueries:
    """The topic page costs the same number of queries however long the topic is and whether or
    not the member has been here before."""

    def build(self, other_member, category, posts: int):
        topic = make_topic(author=other_member, category=category, title=f"A topic with {posts} posts")
        authors = [UserFactory() for _ in range(5)]
        add_posts_fast(topic=topic, count=posts - 1, authors=authors)
        topic.refresh_from_db()
        return topic

    def visit(self, client, topic, page: int = 1) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(topic.get_absolute_url(), {"page": page})
        assert response.status_code == 200
        return len(captured)

    def test_first_and_later_visits_to_short_and_long_topics(self, member_client, member, other_member, category,
                                                             settings):
        settings.FORUM_POSTS_PER_PAGE = 20
        settings.FORUM_FRAGMENT_CACHE = False  # a cached Evidence panel would make repeat visits cheaper
        short = self.build(other_member, category, 20)
        long = self.build(other_member, category, 1_000)

        first_short, first_long = self.visit(member_client, short), self.visit(member_client, long)
        again_short, again_long = self.visit(member_client, short), self.visit(member_client, long)
        further_long = self.visit(member_client, long, page=2)  # a returning member reading on

        assert first_short == first_long
        assert again_short == again_long
        assert further_long == again_long + 1  # moving the marker on is one UPDATE
        assert first_short <= again_short + 1  # the first visit's INSERT replaces the UPDATE check
        assert TopicSubscription.objects.get(user=member, topic=long).last_read_post_number == 40
