from io import StringIO

import pytest
from django.core.management import call_command

from forum.markup import COOKED_VERSION
from forum.models import Post
from tests.factories import UserFactory, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


def rebake(*args) -> str:
    out = StringIO()
    call_command("rebake", *args, stdout=out, stderr=StringIO(), verbosity=0)
    return out.getvalue()


@pytest.fixture
def topic(member):
    return make_topic(author=member, raw="Current **post**")


def make_stale(post, html="<p>rendered by an older pipeline</p>"):
    Post.objects.filter(pk=post.pk).update(cooked=html, cooked_version=COOKED_VERSION - 1)


def test_rebake_rerenders_posts_made_by_an_older_pipeline(topic, member):
    stale = make_reply(topic=topic, author=member, raw="Now with *emphasis* and https://example.org")
    make_stale(stale)

    output = rebake()

    stale.refresh_from_db()
    assert "Re-rendered 1 post." in output
    assert stale.cooked_version == COOKED_VERSION
    assert "<em>emphasis</em>" in stale.cooked
    assert 'rel="nofollow ugc noopener"' in stale.cooked


def test_rebake_leaves_current_posts_alone(topic, member):
    current = topic.posts.get(post_number=1)
    # If rebake touched a current post this hand-written HTML would be replaced.
    Post.objects.filter(pk=current.pk).update(cooked="<p>left alone</p>")
    make_stale(make_reply(topic=topic, author=member))

    rebake()

    assert Post.objects.get(pk=current.pk).cooked == "<p>left alone</p>"


def test_rebake_works_in_batches(topic, member):
    stale = [make_reply(topic=topic, author=member, raw=f"Reply **{n}**") for n in range(5)]
    for post in stale:
        make_stale(post)

    output = rebake("--batch-size", "2")

    assert "Re-rendered 5 posts." in output
    assert not Post.objects.filter(cooked_version__lt=COOKED_VERSION).exists()
    assert all(f"<strong>{n}</strong>" in post.cooked
               for n, post in enumerate(Post.objects.filter(post_number__gt=1).order_by("post_number")))


def test_rebake_all_rerenders_even_current_posts(topic):
    current = topic.posts.get(post_number=1)
    Post.objects.filter(pk=current.pk).update(cooked="<p>hand edited</p>")

    rebake("--all")

    assert "<strong>post</strong>" in Post.objects.get(pk=current.pk).cooked


def test_rebake_says_when_there_is_nothing_to_do(topic):
    assert "Every post is up to date." in rebake()


def test_rebake_keeps_quote_titles_and_checks(topic, member, other_member):
    question = topic.posts.get(post_number=1)
    reply = make_reply(topic=topic, author=other_member,
                       raw=f'[quote="maria, post:1, topic:{topic.pk}"]\nCurrent post\n[/quote]\n\nAgreed.')
    make_stale(reply)

    rebake()

    cooked = parse(Post.objects.get(pk=reply.pk).cooked)
    assert cooked.find("aside", class_="quote").get("data-status") == "verified"
    assert "Maria Lopez" in cooked.find("div", class_="quote__title").text
    assert cooked.find("a", class_="quote__source").get("href") == question.get_absolute_url()
    assert reply.quotes.get().quoted_post == question


def test_a_bio_stored_with_a_script_link_is_rendered_again():
    member = UserFactory(bio="[my site](javascript:123)")
    type(member).objects.filter(pk=member.pk).update(
        bio_cooked='<p><a href="javascript:123" rel="nofollow ugc noopener">my site</a></p>')  # as stored before
    assert "Re-rendered 1 bio." in rebake()
    member.refresh_from_db()
    assert "my site" in member.bio_cooked and "javascript" not in member.bio_cooked
    assert "bio" not in rebake()
