"""seed_bench makes data the forum itself would have made: counters that agree with the posts,
contiguous post numbers, stored HTML equal to a fresh rendering, and a working search index."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Max

from forum.discussion.rendering import post_render
from forum.management.commands.seed_bench import BENCH_PASSWORD
from forum.models import Citation, Post, Quote, Topic, Vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_bench", users=12, topics=6, posts=80, big_topics=1, big_topic_posts=40, seed=3,
                 verbosity=0)


def test_topic_counters_match_their_posts_and_numbers_are_contiguous(seeded):
    assert Post.objects.count() == 80
    assert Topic.objects.filter(posts_count=40).count() == 1
    for topic in Topic.objects.all():
        posts = list(topic.posts.order_by("post_number"))
        assert [p.post_number for p in posts] == list(range(1, topic.posts_count + 1))
        assert topic.last_posted_at == posts[-1].created_at
        assert topic.last_poster_id == posts[-1].author_id
        assert topic.author_id == posts[0].author_id


def test_helpful_counts_quotes_and_citations_match_the_rows(seeded):
    votes = dict(Vote.objects.values("post").annotate(n=Count("pk")).values_list("post", "n"))
    for post_id, helpful in Post.objects.values_list("pk", "helpful_count"):
        assert helpful == votes.get(post_id, 0)
    for quote in Quote.objects.select_related("quoting_post", "quoted_post"):
        assert quote.quoted_post.topic_id == quote.quoting_post.topic_id
        assert quote.quoted_post.post_number < quote.quoting_post.post_number
    assert Quote.objects.exists() and Citation.objects.exists()


def test_stored_html_and_references_are_what_rendering_the_raw_text_gives(seeded):
    for post in Post.objects.select_related("topic"):
        rendered = post_render(raw=post.raw, topic=post.topic, preview=True)
        assert rendered.cooked.html == post.cooked
        assert [r.status for r in rendered.quotes] == list(post.quotes.values_list("status", flat=True))
        assert sorted(s.pk for s in rendered.citations.studies.values()) == sorted(
            post.citations.values_list("study_id", flat=True))


def test_search_index_covers_every_post_and_members_can_sign_in(seeded):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM forum_post_search")
        else:
            cursor.execute("SELECT count(*) FROM forum_post WHERE search_vector IS NOT NULL")
        assert cursor.fetchone()[0] == 80
    assert get_user_model().objects.get(username="bench2").check_password(BENCH_PASSWORD)
    # New rows after seeding get fresh ids (sequences were moved past the seeded ones).
    highest = Post.objects.aggregate(n=Max("pk"))["n"]
    topic = Topic.objects.filter(state="open").first()
    post = Post.objects.create(topic=topic, post_number=topic.posts_count + 1, author=topic.author, raw="x", cooked="x")
    assert post.pk > highest


def test_library_studies_for_the_study_finder_are_found_by_their_words():
    from forum.models import Study
    from forum.evidence.study_finder import find_studies

    call_command("seed_bench", users=3, topics=1, posts=1, studies=300, seed=3, verbosity=0)
    assert Study.objects.filter(doi__startswith="10.5555/evident-library.").count() == 300
    found = find_studies(Study.objects, "melatonin")
    assert found and all("melatonin" in study.title.lower() for study in found)
    years = [study.year for study in found]
    assert years == sorted(years, reverse=True)
