"""Each post's HTML is rendered once and reused, yet every reader sees their own actions, token
and an up-to-date relative date."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forum.common.reltime import relative_text, relative_text_changes_at
from forum.models import Vote
from tests.factories import UserFactory, make_reply, make_topic
from tests.forum.study_data import stored_metadata
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

POST_TEMPLATE = "forum/discussion/_post.html"


@pytest.fixture
def topic(member, other_member):
    topic = make_topic(author=member, title="Is magnesium worth taking for cramps?", raw="Night cramps, twice a week.")
    make_reply(topic=topic, author=other_member, raw="A Cochrane review says probably not.")
    return topic


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def post_renders(response) -> int:
    return sum(1 for t in response.templates if t.name == POST_TEMPLATE)


def actions(response, number: int) -> list[str]:
    article = next(a for a in parse(response.content).find_all("article") if a.get("id") == f"post-{number}")
    return [e.text.split()[0] for e in article.descendants() if "action" in (e.get("class") or "").split()]


def test_a_second_request_reuses_every_post(topic, member):
    reader = signed_in(member)
    # Each post as anybody's (the page members share: forum/caching/member_pages.py), and the
    # reader's own first post again as theirs, with its edit link.
    assert post_renders(reader.get(topic.get_absolute_url())) == 2 + 1

    assert post_renders(reader.get(topic.get_absolute_url())) == 0


def test_with_debug_on_an_edited_template_shows_at_once(topic, member, settings, monkeypatch):
    settings.DEBUG = True
    reader = signed_in(member)
    reader.get(topic.get_absolute_url())
    monkeypatch.setattr("forum.caching.template_source.Path.read_bytes", lambda self: b"an edited template")

    assert post_renders(reader.get(topic.get_absolute_url())) == 2


def test_a_change_to_one_post_renders_that_post_alone(topic, member, other_member):
    reader = signed_in(UserFactory())
    reader.get(topic.get_absolute_url())

    make_reply(topic=topic, author=member, raw="Thanks, I will stop then.")
    response = reader.get(topic.get_absolute_url())

    # The new post, and the question whose "Reply"/"Quote" links are unchanged is not re-rendered.
    assert post_renders(response) == 1
    assert "Thanks, I will stop then." in parse(response.content).text


def test_readers_of_different_kinds_get_their_own_actions(topic, member, other_member, moderator):
    signed_in(other_member).get(topic.get_absolute_url())

    as_author = signed_in(member).get(topic.get_absolute_url())
    as_moderator = signed_in(moderator).get(topic.get_absolute_url())
    as_visitor = Client().get(topic.get_absolute_url())

    assert "Edit" in actions(as_author, 1) and "Flag" not in actions(as_author, 1)
    assert "Accept" in actions(as_author, 2)
    assert "Moderate" in actions(as_moderator, 2) and "Moderate" not in actions(as_author, 2)
    assert "Helpful" not in actions(as_visitor, 2) and "Flag" not in actions(as_visitor, 2)


def test_each_member_gets_a_working_csrf_token_of_their_own(topic, member):
    voters = [UserFactory(), UserFactory()]
    for voter in voters:
        reader = signed_in(voter, enforce_csrf_checks=True)
        page = reader.get(topic.get_absolute_url())
        assert b"csrf-placeholder" not in page.content
        form = next(f for f in parse(page.content).find_all("form") if "vote-form" in (f.get("class") or ""))
        token = next(i.get("value") for i in form.descendants() if i.get("name") == "csrfmiddlewaretoken")

        assert reader.post(form.get("action"), {"csrfmiddlewaretoken": token}).status_code in (200, 302)

    assert Vote.objects.filter(post__topic=topic, post__post_number=1).count() == 2


def test_a_vote_shows_as_pressed_for_the_voter_alone(topic, member):
    voter, onlooker = signed_in(member), signed_in(UserFactory())
    onlooker.get(topic.get_absolute_url())
    voter.post(reverse("forum:post_vote", args=[topic.posts.get(post_number=2).pk]))

    def pressed(response):
        return [b.get("aria-pressed") for b in parse(response.content).find_all("button") if "vote-button" in (b.get("class") or "")]

    assert pressed(voter.get(topic.get_absolute_url())) == ["true"]
    assert pressed(onlooker.get(topic.get_absolute_url())) == ["false", "false"]


def test_relative_dates_move_on_with_the_clock(topic, member, monkeypatch):
    reader = signed_in(UserFactory())
    assert "just now" in parse(reader.get(topic.get_absolute_url()).content).text

    later = timezone.now() + timedelta(hours=3, minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert "3 hours ago" in parse(reader.get(topic.get_absolute_url()).content).text


@pytest.mark.parametrize(("age", "text"), [
    (timedelta(seconds=5), "just now"),
    (timedelta(seconds=-20), "just now"),
    (timedelta(minutes=1), "1 minute ago"),
    (timedelta(minutes=59, seconds=59), "59 minutes ago"),
    (timedelta(hours=1), "1 hour ago"),
    (timedelta(hours=23), "23 hours ago"),
    (timedelta(days=1), "1 day ago"),
    (timedelta(days=29), "29 days ago"),
])
def test_relative_text(age, text):
    now = timezone.now()
    assert relative_text(now - age, now) == text


@pytest.mark.parametrize("age", [
    timedelta(seconds=-3600), timedelta(seconds=-61), timedelta(seconds=-59.5), timedelta(seconds=-1),
    timedelta(0), timedelta(seconds=59.9), timedelta(minutes=1), timedelta(minutes=7, seconds=42.5),
    timedelta(minutes=59, seconds=59), timedelta(hours=5, minutes=1), timedelta(hours=23, minutes=59),
    timedelta(days=3, hours=2), timedelta(days=29, hours=23, minutes=59),
])
def test_a_relative_date_reads_the_same_until_the_moment_it_is_said_to_change(age):
    now = timezone.now()
    value = now - age
    changes_at = relative_text_changes_at(value, now)
    text = relative_text(value, now)

    assert changes_at > now
    for moment in (now + (changes_at - now) / 2, changes_at - timedelta(microseconds=1)):
        assert relative_text(value, moment) == text
    assert relative_text(value, changes_at + timedelta(microseconds=1)) != text


def test_a_date_shown_as_its_day_never_changes():
    now = timezone.now()
    assert relative_text_changes_at(now - timedelta(days=30), now) is None
    assert relative_text_changes_at(now - timedelta(days=400), now) is None


def test_after_a_month_the_date_itself_is_shown():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert relative_text(datetime(2026, 3, 2, 9, 30, tzinfo=UTC), now) == "2 Mar 2026"


def _without_tokens(content: bytes) -> str:
    # Each response masks the reader's CSRF secret afresh: the same token, different bytes; each
    # rendering of the composer carries its own one-time submit token; and the live-update tokens
    # name the moment the page was made (the first visit itself marks notifications read).
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', content.decode())
    html = re.sub(r'name="submit_token" value="[^"]+"', 'name="submit_token" value=""', html)
    return re.sub(r'(data-live-[a-z-]+)="[^"]*"', r'\1=""', html)


def test_cold_and_fragment_cached_pages_are_the_same_for_each_reader(topic, member, other_member, moderator):
    from forum.discussion.answers import answer_accept
    from forum.moderation.actions import post_hide, post_mark_needs_source

    quoting = make_reply(topic=topic, author=other_member,
                         raw=f'[quote="maria, post:1, topic:{topic.pk}"]\nNight cramps, twice a week.\n[/quote]\n\n'
                             "Ask @maria about it, it is _her_ question.")
    hidden = make_reply(topic=topic, author=UserFactory(), raw="Buy cheap pills here. [@doi:10.5555/fragment-hidden]")
    post_hide(moderator=moderator, post=hidden, reason='Spam: "pills" <again>')
    # Citations are numbered by the topic on the way out of the fragment cache.
    stored_metadata(doi="10.5555/fragment-a", title="Trial A", year=2020)
    stored_metadata(doi="10.5555/fragment-b", title="Trial B", year=2021)
    stored_metadata(doi="10.5555/fragment-hidden", title="Trial H", year=2022)
    make_reply(topic=topic, author=other_member, raw="See [@doi:10.5555/fragment-a].")
    make_reply(topic=topic, author=member, raw="And [@doi:10.5555/fragment-b] besides [@doi:10.5555/fragment-a].")
    post_mark_needs_source(moderator=moderator, post=quoting)
    answer_accept(user=member, post=topic.posts.get(post_number=2))
    Vote.objects.create(user=other_member, post=topic.posts.get(post_number=1))
    readers = {"visitor": Client(), "author": signed_in(member), "replier": signed_in(other_member),
               "moderator": signed_in(moderator)}
    # Members share a page drawn for no one in particular, then get their own posts and the posts
    # they voted for drawn again as theirs: maria wrote posts 1 and 6, her replier 2, 3 and 5 and
    # found post 1 helpful.
    own_or_voted = {"visitor": 0, "author": 2, "replier": 4, "moderator": 0}
    for who, reader in readers.items():
        cache.clear()
        cold = reader.get(topic.get_absolute_url())
        cached = reader.get(topic.get_absolute_url())

        assert post_renders(cold) == 6 + own_or_voted[who] and post_renders(cached) == 0, who
        sixth = parse(cold.content).find("article", **{"data-post-number": "6"})
        assert [n.text for n in sixth.descendants() if "cite__n" in n.classes] == ["2", "1"], who
        assert _without_tokens(cached.content) == _without_tokens(cold.content), who
