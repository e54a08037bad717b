"""A query searched again within FORUM_SEARCH_REUSE_SECONDS reads only the posts written since
(forum/search/reuse.py), and still finds exactly what a search from scratch would."""

import re

import pytest
from django.db import connection

from forum.discussion.editing import post_edit
from forum.moderation.actions import post_hide, topic_move
from forum.search import posts as posts_module
from tests.factories import CategoryFactory, make_reply, make_topic

from .conftest import found

pytestmark = pytest.mark.django_db


def searched_from_scratch(settings, text: str, **filters):
    reuse, settings.FORUM_SEARCH_REUSE_SECONDS = settings.FORUM_SEARCH_REUSE_SECONDS, 0
    try:
        return found(text, **filters)
    finally:
        settings.FORUM_SEARCH_REUSE_SECONDS = reuse


def candidate_reads(monkeypatch, text: str, **filters) -> list[str]:
    """The SQL of the posts each candidate search of one search looked among."""
    backend = posts_module._BACKENDS[connection.vendor]
    asked, candidates = [], backend.candidates

    def recorded(posts, *args, **kwargs):
        asked.append(str(posts.query))
        return candidates(posts, *args, **kwargs)

    monkeypatch.setattr(backend, "candidates", recorded)
    found(text, **filters)
    monkeypatch.setattr(backend, "candidates", candidates)
    return asked


def test_posts_written_since_come_first_as_from_scratch(settings, member, monkeypatch):
    topic = make_topic(title="Creatine and kidneys", raw="Is creatine safe for kidneys?", author=member)
    make_reply(topic=topic, raw="Creatine raised creatinine but not cystatin C.", author=member)
    first = found("creatine")
    make_reply(topic=topic, raw="A newer creatine trial in older adults.", author=member)
    other = make_topic(title="Creatine timing", raw="Before or after training, creatine?", author=member)
    assert any('"forum_post"."id" >' in sql for sql in candidate_reads(monkeypatch, "creatine"))

    again = found("creatine")
    assert again == searched_from_scratch(settings, "creatine")
    assert len(again) == len(first) + 2
    assert set(again) - set(first) == {("Creatine and kidneys", 3), (other.title, 1)}


def test_a_search_again_asks_the_database_only_about_newer_posts(monkeypatch, member):
    topic = make_topic(title="Zinc for colds", raw="Zinc lozenges within a day of symptoms?")
    first = candidate_reads(monkeypatch, "zinc")
    make_reply(topic=topic, author=member, raw="Zinc acetate lozenges shortened colds in one trial.")
    again = candidate_reads(monkeypatch, "zinc")
    # The first looked among all posts; the second among those after the newest the first saw.
    assert len(first) == len(again) == 1
    assert '"forum_post"."id" >' not in first[0]
    assert '"forum_post"."id" >' in again[0]
    assert len(found("zinc")) == 2


def test_a_kept_answer_far_behind_is_kept_again_as_of_the_search_that_caught_up(settings, member, monkeypatch):
    monkeypatch.setattr("forum.search.reuse._KEPT_AGAIN_AFTER", 2)
    monkeypatch.setattr("forum.search.reuse._IN_FLIGHT_MARGIN", 1)  # the test's few ids stay above it
    topic = make_topic(title="Iron and fatigue", raw="Does iron help fatigue without anaemia?", author=member)
    found("iron")
    for n in range(3):
        make_reply(topic=topic, author=member, raw=f"Iron trial report {n}.")
    behind = candidate_reads(monkeypatch, "iron")
    make_reply(topic=topic, author=member, raw="One more iron trial.")

    again = candidate_reads(monkeypatch, "iron")

    def since(sql: str) -> int:
        return int(re.search(r'"forum_post"\."id" > (\d+)', sql)[1])

    # The second reads on from the newest post the first of them saw, not the original answer's.
    assert since(again[0]) == since(behind[0]) + 3
    kept, scratch = found("iron"), searched_from_scratch(settings, "iron")
    assert sorted(kept) == sorted(scratch) and len(kept) == 5
    # In the same order on PostgreSQL, where ts_rank weighs each post on its own; SQLite's bm25
    # weighs words by the whole index, so a kept answer's ranks are those of when it was found.
    assert kept == scratch or connection.vendor != "postgresql"


def test_the_limit_keeps_the_newest_matches(settings, member):
    settings.FORUM_SEARCH_CANDIDATES = 3
    topic = make_topic(title="Sauna and blood pressure", raw="Does sauna lower blood pressure?", author=member)
    for n in range(3):
        make_reply(topic=topic, raw=f"Sauna study number {n}.", author=member)
    found("sauna")
    for n in range(2):
        make_reply(topic=topic, raw=f"Later sauna report {n}.", author=member)
    again = found("sauna")
    assert again == searched_from_scratch(settings, "sauna")
    assert sorted(number for _title, number in again) == [4, 5, 6]


def test_hidden_and_edited_posts_are_not_found_from_a_kept_answer(moderator):
    topic = make_topic(title="Caffeine and sleep", raw="Does afternoon caffeine hurt sleep?")
    hidden = make_reply(topic=topic, raw="Caffeine at 4 pm cut deep sleep in a small trial.")
    edited = make_reply(topic=topic, raw="Caffeine half-life is about five hours.")
    assert len(found("caffeine")) == 3
    post_hide(moderator=moderator, post=hidden, reason="Off topic")
    assert ("Caffeine and sleep", hidden.post_number) not in found("caffeine")
    post_edit(editor=edited.author, post=edited, raw="Its half-life is about five hours.")
    assert found("caffeine") == [("Caffeine and sleep", 1)]


def test_a_moved_topic_is_found_under_its_new_category(moderator):
    pain, sleep = CategoryFactory(name="Pain", slug="pain"), CategoryFactory(name="Sleep", slug="sleep")
    topic = make_topic(title="Magnesium for cramps", raw="Night cramps and magnesium?", category=pain)
    assert found("magnesium", category="sleep") == []
    assert found("magnesium", category="pain") == [("Magnesium for cramps", 1)]
    topic_move(moderator=moderator, topic=topic, category=sleep)
    assert found("magnesium", category="sleep") == [("Magnesium for cramps", 1)]
    assert found("magnesium", category="pain") == []
