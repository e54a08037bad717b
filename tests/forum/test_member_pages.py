"""Members are served a topic page shared by every member of their kind, with their own parts put
back: the page each one gets is the page rendered for them alone (forum/caching/member_pages.py)."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forum.discussion.drafts import draft_key, draft_save
from forum.discussion.submissions import TOKEN_FIELD
from forum.models import Flag, Notification, Post, Vote
from tests.cache_reads import cache_reads_recorded
from tests.factories import UserFactory, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def comparable(content: bytes) -> str:
    # Each response masks the reader's CSRF secret afresh and carries a new one-time submit token;
    # the live tokens name the cache's generations, new after the test empties the cache.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', content.decode())
    html = re.sub(r'(data-live-(?:topic|member|review))="[0-9a-f]{16}"', r'\1=""', html)
    return re.sub(rf'name="{TOKEN_FIELD}" value="[^"]+"', f'name="{TOKEN_FIELD}" value=""', html)


def served(client, url, settings, *, shared: bool):
    settings.FORUM_PAGE_CACHE = shared
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.fixture
def thread(member, other_member, moderator):
    """A topic where maria, omar and a third member each have something of their own."""
    third = UserFactory(username="ines", display_name="Ines Duarte")
    topic = make_topic(author=member, title="Does pacing help post-exertional malaise?", raw="Asking for my sister.")
    replies = [make_reply(topic=topic, author=author, raw=f"Reply {n}: a trial said so. @maria")
               for n, author in enumerate([other_member, third, member, other_member, third], start=2)]
    Vote.objects.create(user=member, post=replies[0])
    Flag.objects.create(flagger=other_member, post=replies[1], reason="off_topic")
    draft_save(user=member, key=draft_key(topic), raw="Half a reply, kept as typed <b>", reply_to=3)
    Notification.objects.create(recipient=other_member, kind="mentioned", message="elsewhere")
    return topic, third


@pytest.mark.parametrize("who", ["author", "replier", "third", "moderator"])
def test_the_shared_page_with_a_members_parts_is_the_page_rendered_for_them(thread, member, other_member,
                                                                             moderator, who, settings):
    topic, third = thread
    second_moderator = UserFactory(username="mod2", display_name="Second Mod", role="moderator")
    reader = {"author": member, "replier": other_member, "third": third, "moderator": moderator}[who]
    # Another member of the same kind stores the shared page first (the topic's author is the one
    # reader of their kind: they store it themselves).
    first = {"author": member, "replier": third, "third": other_member, "moderator": second_moderator}[who]
    url = topic.get_absolute_url()
    client, first_client = signed_in(reader), signed_in(first)
    served(client, url, settings, shared=False)  # reading marks things read: settle that first
    alone = served(client, url, settings, shared=False)

    cache.clear()
    served(first_client, url, settings, shared=True)
    from_shared = served(client, url, settings, shared=True)

    assert comparable(from_shared.content) == comparable(alone.content)
    assert reader.display_name in parse(from_shared.content).find("a", class_="site-nav__user").text
    if first != reader:
        assert first.display_name not in parse(from_shared.content).find("nav").text


def test_a_members_own_draft_votes_and_flags_reach_them_alone(thread, member, other_member, settings):
    topic, third = thread
    url = topic.get_absolute_url()
    settings.FORUM_PAGE_CACHE = True
    for reader in (member, other_member, third, member):
        signed_in(reader).get(url)

    maria, omar = signed_in(member).get(url), signed_in(other_member).get(url)

    assert "Half a reply, kept as typed &lt;b&gt;" in maria.content.decode()
    assert "Half a reply" not in omar.content.decode()
    pressed = [b.get("aria-pressed") for b in parse(maria.content).find_all("button") if "vote-button" in b.classes]
    assert "true" in pressed
    assert "true" not in [b.get("aria-pressed") for b in parse(omar.content).find_all("button")
                          if "vote-button" in b.classes]
    assert "You flagged this" in omar.content.decode() and "You flagged this" not in maria.content.decode()


@pytest.mark.parametrize(("seconds", "served_from"), [(0, "member-hit"), (20, "member-hit"), (35, "member-stored")])
def test_the_shared_copy_is_kept_until_a_relative_date_on_it_would_read_differently(thread, settings, monkeypatch,
                                                                                   seconds, served_from):
    topic, _third = thread
    settings.FORUM_PAGE_CACHE = True
    # The newest reply reads "5 minutes ago" for thirty seconds more; the others are days.
    Post.objects.filter(topic=topic).update(created_at=timezone.now() - timedelta(days=40))
    Post.objects.filter(topic=topic, post_number=6).update(created_at=timezone.now() - timedelta(minutes=5, seconds=30))
    # Both made first: a new member renews every page (a name shown on them could be theirs).
    first_reader, next_reader = signed_in(UserFactory()), signed_in(UserFactory())
    first = first_reader.get(topic.get_absolute_url())
    assert first["X-Page-Cache"] == "member-stored" and "5 minutes ago" in parse(first.content).text

    later = timezone.now() + timedelta(seconds=seconds)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert next_reader.get(topic.get_absolute_url())["X-Page-Cache"] == served_from


def test_every_page_served_gets_its_own_submit_token_and_no_marker_reaches_the_browser(thread, member, settings):
    topic, _third = thread
    settings.FORUM_PAGE_CACHE = True
    client = signed_in(UserFactory())
    pages = [client.get(topic.get_absolute_url()).content.decode() for _ in range(3)]

    tokens = {re.search(rf'name="{TOKEN_FIELD}" value="([^"]+)"', page)[1] for page in pages}
    assert len(tokens) == 3
    for page in pages:
        assert "<!--slot-" not in page and "csrf-" not in page and "submit-" not in page


def test_a_reply_from_the_shared_page_is_posted_once(thread, settings):
    topic, _third = thread
    settings.FORUM_PAGE_CACHE = True
    reader = UserFactory()
    client = signed_in(reader)
    signed_in(UserFactory()).get(topic.get_absolute_url())  # another member stores the page
    page = client.get(topic.get_absolute_url())
    form = next(f for f in parse(page.content).find_all("form")
                if (f.get("action") or "").startswith(reverse("forum:reply", args=[topic.pk])))
    fields = {i.get("name"): i.get("value") or "" for i in form.descendants() if i.tag == "input" and i.get("name")}
    fields["raw"] = "Pacing helped me: the PACE trial aside, my own diary says so."

    for _ in range(2):
        client.post(reverse("forum:reply", args=[topic.pk]), fields)

    assert topic.posts.filter(author=reader).count() == 1


def test_a_suspended_member_is_served_their_own_page(thread, settings):
    from datetime import timedelta

    from django.utils import timezone

    topic, _third = thread
    suspended = UserFactory(username="sus", suspended_until=timezone.now() + timedelta(days=3),
                            suspension_reason="Repeated spam")
    client = signed_in(suspended)
    served(client, topic.get_absolute_url(), settings, shared=False)
    alone = served(client, topic.get_absolute_url(), settings, shared=False)
    served(signed_in(UserFactory()), topic.get_absolute_url(), settings, shared=True)  # stores the shared copy

    page = served(client, topic.get_absolute_url(), settings, shared=True)

    assert comparable(page.content) == comparable(alone.content)
    assert "Reason: Repeated spam." in page.content.decode() and "Post reply" not in page.content.decode()


def test_a_page_from_the_shared_copy_asks_the_cache_once_for_its_tokens_copy_and_bell(thread, settings,
                                                                                      monkeypatch):
    """Each a round trip to Redis in production: the session, then everything else the page needs."""
    topic, _third = thread
    settings.FORUM_PAGE_CACHE = settings.FORUM_LIVE = True
    reader = signed_in(UserFactory())
    assert reader.get(topic.get_absolute_url())["X-Page-Cache"] == "member-stored"
    reads = cache_reads_recorded(monkeypatch)

    page = reader.get(topic.get_absolute_url())

    assert page["X-Page-Cache"] == "member-hit"
    assert len(reads) == 2 and "session" in str(reads[0])
