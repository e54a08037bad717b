"""A topic list's rows are drawn once and reused (forum/caching/topic_row_fragments.py), yet every
reader sees each row as it is now: its title, replies, people, relative date and their own unread
count."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forum.models import Topic
from forum.moderation.actions import topic_retitle
from tests.factories import make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

ROW_TEMPLATE = "forum/discussion/_topic_row.html"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def row_renders(response) -> int:
    return sum(1 for t in response.templates if t.name == ROW_TEMPLATE)


def rows(response) -> list[str]:
    return [" ".join(row.text.split()) for row in parse(response.content).find_all("tr")
            if "topic-row" in (row.get("class") or "").split()]


@pytest.fixture
def topics(member, other_member):
    first = make_topic(author=member, title="Does creatine help older adults keep muscle?")
    make_reply(topic=first, author=other_member, raw="Two trials say a little, with training.")
    second = make_topic(author=other_member, category=first.category, title="Is magnesium worth taking for cramps?")
    return first, second


def test_a_second_request_draws_no_row_again(topics, member):
    assert row_renders(Client().get(reverse("forum:latest"))) == 2
    assert row_renders(Client().get(reverse("forum:latest"))) == 0
    reader = signed_in(member)
    # A member's rows are their own kind (the unread badge), drawn once for them too.
    assert row_renders(reader.get(reverse("forum:latest"))) == 2
    assert row_renders(reader.get(reverse("forum:latest"))) == 0


@pytest.mark.parametrize("who", ["visitor", "member", "moderator"])
@pytest.mark.parametrize("page", ["latest", "category"])
def test_rows_from_the_cache_are_the_rows_drawn_afresh(topics, member, moderator, settings, who, page):
    client = {"visitor": Client(), "member": signed_in(member), "moderator": signed_in(moderator)}[who]
    url = reverse("forum:latest") if page == "latest" else topics[0].category.get_absolute_url()
    client.get(url)  # fills the cache

    cached = client.get(url)
    settings.FORUM_FRAGMENT_CACHE = False
    fresh = client.get(url)

    assert row_renders(cached) == 0 and row_renders(fresh) == 2
    assert rows(cached) == rows(fresh)


def test_a_retitled_topic_shows_its_new_title(topics, moderator):
    visitor = Client()
    visitor.get(reverse("forum:latest"))

    topic_retitle(moderator=moderator, topic=topics[0], title="Does creatine help adults over 65 keep muscle?")

    assert "Does creatine help adults over 65 keep muscle?" in rows(visitor.get(reverse("forum:latest")))[1]


def test_a_member_who_renames_themselves_shows_by_the_new_name(topics, other_member):
    visitor = Client()
    assert "Omar Haddad" in rows(visitor.get(reverse("forum:latest")))[1]  # the last poster

    signed_in(other_member).post(reverse("accounts:profile_edit"), {"display_name": "Dr Omar Haddad", "bio": ""})

    listed = rows(visitor.get(reverse("forum:latest")))
    assert "Dr Omar Haddad" in listed[0] and "Dr Omar Haddad" in listed[1]


def test_a_members_unread_count_is_their_own_and_current(topics, member, other_member):
    first, _second = topics
    reader = signed_in(member)
    reader.get(first.get_absolute_url())
    make_reply(topic=Topic.objects.get(pk=first.pk), author=other_member, raw="A third trial found nothing.")
    assert "1 unread" in rows(reader.get(reverse("forum:latest")))[0]
    assert "unread" not in rows(signed_in(other_member).get(reverse("forum:latest")))[0]

    reader.get(first.get_absolute_url())

    assert "unread" not in rows(reader.get(reverse("forum:latest")))[0]


def test_a_row_tells_its_age_as_time_passes(topics, monkeypatch):
    assert "just now" in " ".join(rows(Client().get(reverse("forum:latest"))))
    later = timezone.now() + timedelta(hours=3)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)

    listed = " ".join(rows(Client().get(reverse("forum:latest"))))

    assert "just now" not in listed and "3 hours ago" in listed


def test_with_the_cache_down_lists_still_show(topics, monkeypatch):
    cache.clear()
    monkeypatch.setattr(cache, "get_many", lambda keys: {})
    monkeypatch.setattr(cache, "set_many", lambda values, timeout=None: list(values))

    assert len(rows(Client().get(reverse("forum:latest")))) == 2
