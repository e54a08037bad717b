"""Watching topics you write in, levels a member chooses, and how far each member has read."""

import pytest

from forum.models import CategorySubscription, TopicSubscription, WatchLevel
from forum.following.watching import (
    category_level_set, topic_level_set, topic_mark_read, topic_watch_automatically,
)
from tests.factories import CategoryFactory, add_posts_fast, make_reply, make_topic

pytestmark = pytest.mark.django_db


def subscription(user, topic) -> TopicSubscription:
    return TopicSubscription.objects.get(user=user, topic=topic)


@pytest.fixture
def topic(member):
    return make_topic(author=member, title="Does vitamin D prevent colds?")


class TestWatchingAutomatically:
    def test_you_watch_the_topic_you_start_and_have_read_it(self, member, topic):
        sub = subscription(member, topic)
        assert (sub.level, sub.level_chosen, sub.last_read_post_number) == (WatchLevel.WATCHING, False, 1)

    def test_you_watch_a_topic_you_reply_to_and_have_read_up_to_your_reply(self, topic, other_member):
        add_posts_fast(topic=topic, count=3)
        topic.refresh_from_db()

        make_reply(topic=topic, author=other_member)

        sub = subscription(other_member, topic)
        assert (sub.level, sub.last_read_post_number) == (WatchLevel.WATCHING, 5)

    def test_a_reader_who_replies_goes_from_tracking_to_watching(self, topic, other_member):
        topic_mark_read(user=other_member, topic=topic, post_number=1)
        assert subscription(other_member, topic).level == WatchLevel.TRACKING

        make_reply(topic=topic, author=other_member)

        assert subscription(other_member, topic).level == WatchLevel.WATCHING

    @pytest.mark.parametrize("chosen", [WatchLevel.TRACKING, WatchLevel.MUTED])
    def test_a_level_the_member_chose_is_never_overridden(self, topic, other_member, chosen):
        topic_level_set(user=other_member, topic=topic, level=chosen)

        make_reply(topic=topic, author=other_member)
        topic_watch_automatically(user=other_member, topic=topic)

        sub = subscription(other_member, topic)
        assert (sub.level, sub.level_chosen) == (chosen, True)

    def test_the_topic_starter_who_mutes_their_own_topic_stays_muted(self, member, topic):
        topic_level_set(user=member, topic=topic, level=WatchLevel.MUTED)

        make_reply(topic=topic, author=member)

        assert subscription(member, topic).level == WatchLevel.MUTED

    def test_watching_twice_keeps_one_row(self, topic, other_member):
        topic_watch_automatically(user=other_member, topic=topic)
        topic_watch_automatically(user=other_member, topic=topic)

        assert TopicSubscription.objects.filter(user=other_member, topic=topic).count() == 1


class TestLevels:
    def test_a_topic_level_is_remembered_as_chosen(self, topic, other_member):
        topic_level_set(user=other_member, topic=topic, level=WatchLevel.WATCHING)
        topic_level_set(user=other_member, topic=topic, level=WatchLevel.MUTED)

        sub = subscription(other_member, topic)
        assert (sub.level, sub.level_chosen) == (WatchLevel.MUTED, True)

    def test_choosing_a_level_keeps_the_reading_position(self, member, topic):
        topic_level_set(user=member, topic=topic, level=WatchLevel.TRACKING)

        assert subscription(member, topic).last_read_post_number == 1

    def test_a_category_level_is_one_row_per_member(self, member):
        category = CategoryFactory()
        category_level_set(user=member, category=category, level=WatchLevel.WATCHING)
        category_level_set(user=member, category=category, level=WatchLevel.MUTED)

        assert list(CategorySubscription.objects.filter(user=member).values_list("level", flat=True)) == ["muted"]

    @pytest.mark.parametrize("level", ["", "WATCHING", "ignore", "watching "])
    def test_an_unknown_level_is_refused(self, topic, member, level):
        with pytest.raises(ValueError):
            topic_level_set(user=member, topic=topic, level=level)
        with pytest.raises(ValueError):
            category_level_set(user=member, category=topic.category, level=level)


class TestReadingPosition:
    @pytest.fixture
    def long_topic(self, topic):
        add_posts_fast(topic=topic, count=49)
        topic.refresh_from_db()
        return topic

    def test_a_first_visit_records_the_position_and_tracks(self, long_topic, other_member):
        topic_mark_read(user=other_member, topic=long_topic, post_number=20)

        sub = subscription(other_member, long_topic)
        assert (sub.level, sub.level_chosen, sub.last_read_post_number) == (WatchLevel.TRACKING, False, 20)

    def test_reading_further_moves_the_marker_on(self, long_topic, other_member):
        topic_mark_read(user=other_member, topic=long_topic, post_number=20)
        topic_mark_read(user=other_member, topic=long_topic, post_number=40)

        assert subscription(other_member, long_topic).last_read_post_number == 40

    def test_reading_an_earlier_page_never_moves_it_back(self, long_topic, other_member):
        topic_mark_read(user=other_member, topic=long_topic, post_number=40)
        topic_mark_read(user=other_member, topic=long_topic, post_number=20)
        topic_mark_read(user=other_member, topic=long_topic, post_number=20, subscribed=True)

        assert subscription(other_member, long_topic).last_read_post_number == 40

    def test_the_marker_never_passes_the_last_post(self, long_topic, other_member):
        topic_mark_read(user=other_member, topic=long_topic, post_number=10_000)

        assert subscription(other_member, long_topic).last_read_post_number == 50

    def test_a_caller_that_wrongly_says_there_is_no_row_does_no_harm(self, long_topic, other_member):
        topic_mark_read(user=other_member, topic=long_topic, post_number=40)
        topic_mark_read(user=other_member, topic=long_topic, post_number=45, subscribed=False)

        # The earlier visit's row stands (a parallel first visit); nothing raises.
        assert subscription(other_member, long_topic).last_read_post_number == 40
