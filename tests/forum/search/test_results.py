"""Search results as a user sees them; the same expectations hold on SQLite and PostgreSQL."""

import pytest
from django.db import connection

from forum.models import Citation, Study
from forum.search import PostSearch, parse_query, search_posts, search_studies
from tests.factories import add_posts_fast, make_topic

from .conftest import found

NALTREXONE = "Low-dose naltrexone for fibromyalgia"
MELATONIN = "Melatonin dose for jet lag"


def test_every_word_must_match(forum):
    assert set(found("magnesium pain")) == {(NALTREXONE, 3)}


def test_stemmed_words_match_other_forms(forum):
    assert set(found("trial")) == {(NALTREXONE, 2)}


def test_title_hits_rank_above_body_hits(forum):
    assert found("naltrexone") == [(NALTREXONE, 1), (NALTREXONE, 2)]
    assert found("melatonin") == [(MELATONIN, 1), (MELATONIN, 2)]


def test_phrase_needs_the_words_together_and_in_order(forum):
    assert set(found("jet lag")) == {(MELATONIN, 1), (MELATONIN, 2), (MELATONIN, 3)}
    assert found('"lag jet"') == []
    assert set(found('"reduces jet lag"')) == {(MELATONIN, 2)}


def test_excluded_words_remove_posts(forum):
    assert set(found("magnesium")) == {(NALTREXONE, 3), (MELATONIN, 3)}
    assert found("magnesium -sleep") == [(NALTREXONE, 3)]
    assert found('jet -"Cochrane review" -eastward') == [(MELATONIN, 3)]


def test_or_finds_either(forum):
    assert set(found("trials OR cochrane")) == {(NALTREXONE, 2), (MELATONIN, 2)}
    assert set(found("magnesium pain or cochrane")) == {(NALTREXONE, 3), (MELATONIN, 2)}


def test_category_filter(forum):
    assert set(found("magnesium", category="sleep")) == {(MELATONIN, 3)}
    assert found("magnesium", category="no-such-category") == []


def test_author_filter_ignores_case(forum):
    assert set(found("magnesium", author="OMAR")) == {(NALTREXONE, 3), (MELATONIN, 3)}
    assert found("magnesium", author="drlee") == []


def test_experts_only(forum):
    assert set(found("pain OR jet", experts_only=True)) == {(NALTREXONE, 2), (MELATONIN, 2)}


def test_titles_only_matches_titles_not_bodies(forum):
    assert found("naltrexone", titles_only=True) == [(NALTREXONE, 1)]
    assert found("magnesium", titles_only=True) == []
    assert found("dose -melatonin", titles_only=True) == [(NALTREXONE, 1)]


def test_posts_citing_a_doi(forum):
    study = Study.objects.create(doi="10.1000/ldn.2020", title="LDN in fibromyalgia")
    expert_reply = forum["naltrexone"].posts.get(post_number=2)
    Citation.objects.create(post=expert_reply, study=study, number=1)
    assert found("pain", doi="10.1000/ldn.2020") == [(NALTREXONE, 2)]
    assert found("pain", doi="10.1000/other") == []


def test_hidden_deleted_and_unlisted_content_never_appears(forum):
    from django.utils import timezone

    from forum.models import Post, Topic

    Post.objects.filter(topic=forum["naltrexone"], post_number=3).update(hidden_at=timezone.now())
    Topic.objects.filter(pk=forum["melatonin"].pk).update(unlisted=True)
    assert set(found("magnesium OR melatonin OR naltrexone")) == {(NALTREXONE, 1), (NALTREXONE, 2)}


def test_results_are_paginated_twenty_a_page(forum):
    from django.core.paginator import Paginator

    topic = make_topic(title="A long thread", raw="Opening post.")
    add_posts_fast(topic=topic, count=45)
    paginator = Paginator(search_posts(PostSearch(text="reply number")), 20)
    assert paginator.count == 45
    assert [len(paginator.page(n).object_list) for n in (1, 2, 3)] == [20, 20, 5]
    seen = {post.pk for n in (1, 2, 3) for post in paginator.page(n).object_list}
    assert len(seen) == 45


def test_bulk_created_posts_are_indexed(forum):
    topic = make_topic(title="Bulk", raw="Opening post.")
    add_posts_fast(topic=topic, count=3)
    assert set(found('"reply number 3"')) == {("Bulk", 3)}


def test_quote_tags_are_not_indexed_but_quoted_words_are(forum):
    from tests.factories import make_reply

    make_reply(topic=forum["naltrexone"], raw='[quote="zebrauser, post:1, topic:1"]\nHydroxychloroquine\n[/quote]\nAgreed.')
    assert found("zebrauser") == []
    assert found("hydroxychloroquine") == [(NALTREXONE, 4)]


def test_studies_match_title_journal_and_abstract(db):
    Study.objects.create(doi="10.1/a", title="Melatonin for jet lag", container_title="Cochrane Database",
                         year=2002, metadata={"abstract": "Eleven trials of melatonin."})
    Study.objects.create(doi="10.1/b", title="Naltrexone in pain", container_title="Pain Reports", year=2023)
    titles = lambda q: [s.title for s in search_studies(parse_query(q))]  # noqa: E731
    assert titles("melatonin") == ["Melatonin for jet lag"]
    assert titles("eleven trials") == ["Melatonin for jet lag"]
    assert titles("pain reports") == ["Naltrexone in pain"]
    assert titles("melatonin OR naltrexone") == ["Naltrexone in pain", "Melatonin for jet lag"]
    assert titles("pain -naltrexone") == []
    assert titles("lag -naltrexone") == ["Melatonin for jet lag"]
    assert titles("naltrexone -melatonin") == ["Naltrexone in pain"]  # no abstract is not a match


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgres_uses_the_gin_index(forum):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'forum_post_search_vector_gin'")
        assert "gin" in cursor.fetchone()[0].lower()


def test_a_very_common_query_ranks_only_the_newest_matches_and_says_so(client, forum, settings):
    settings.FORUM_SEARCH_CANDIDATES = 5
    topic = make_topic(title="Sleep diary", raw="Opening post.")
    posts = add_posts_fast(topic=topic, count=8)

    results = search_posts(PostSearch(text="reply number"))

    assert results.capped and results.count() == 5
    assert {post.pk for post in results} == {post.pk for post in posts[-5:]}
    page = client.get("/search/", {"q": "reply number"})
    assert "5+ posts" in page.content.decode()
    assert "only the 5 newest are ranked" in page.content.decode()


def test_an_ordinary_query_is_not_capped(client, forum, settings):
    settings.FORUM_SEARCH_CANDIDATES = 5
    topic = make_topic(title="Sleep diary", raw="Opening post.")
    add_posts_fast(topic=topic, count=4)

    results = search_posts(PostSearch(text="reply number"))

    assert not results.capped and results.count() == 4
    assert "newest are ranked" not in client.get("/search/", {"q": "reply number"}).content.decode()
