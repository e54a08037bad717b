"""Visitors get topic pages from the cache, and every change shows on the very next request."""

import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forum.caching.page_cache import topic_changed
from forum.discussion.answers import answer_accept, vote_toggle
from forum.discussion.deleting import post_delete
from forum.discussion.editing import post_edit
from forum.models import Post, Study
from forum.moderation.actions import (
    post_hide,
    post_mark_needs_source,
    post_unhide,
    topic_retitle,
    topic_set_state,
)
from tests.cache_reads import cache_reads_recorded
from tests.factories import UserFactory, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(member, other_member):
    topic = make_topic(author=member, title="Does creatine help older lifters?", raw="Asking for my father.")
    make_reply(topic=topic, author=other_member, raw="Two trials say a little.")
    return topic


def visit(url):
    """A fresh visitor each time: no cookies, as a search engine or a first-time reader."""
    return Client().get(url)


def test_a_second_visitor_gets_the_stored_page_without_a_query(topic):
    first = visit(topic.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        second = visit(topic.get_absolute_url())

    assert first["X-Page-Cache"] == "stored" and second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert len(queries) == 0
    # The security headers are added to cached pages as to fresh ones.
    assert "frame-ancestors 'none'" in second["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"


def test_each_page_of_a_topic_is_stored_apart(topic, settings):
    settings.FORUM_POSTS_PER_PAGE = 1
    visit(topic.get_absolute_url())

    second_page = visit(f"{topic.get_absolute_url()}?page=2")

    assert "Two trials say a little." in parse(second_page.content).text
    assert "Asking for my father." not in parse(second_page.content).text


def test_signed_in_members_never_get_the_visitors_page(topic, client, member):
    visit(topic.get_absolute_url())
    client.force_login(member)

    response = client.get(topic.get_absolute_url())

    # Their own page, the members' shared copy (forum/caching/member_pages.py) filled for them.
    assert response["X-Page-Cache"] == "member-stored"
    assert "Maria Lopez" in parse(response.content).find("a", class_="site-nav__user").text


def test_a_visitor_with_a_message_to_show_gets_a_fresh_page(topic):
    visit(topic.get_absolute_url())
    reader = Client()
    reader.cookies["messages"] = "anything"

    assert "X-Page-Cache" not in reader.get(topic.get_absolute_url())


def test_only_addresses_the_site_links_to_are_stored(topic):
    url = topic.get_absolute_url()
    visit(f"{url}?utm_source=newsletter")

    assert "X-Page-Cache" not in visit(f"{url}?utm_source=newsletter")
    assert visit(f"{url}?page=1")["X-Page-Cache"] == "stored"
    assert "X-Page-Cache" not in Client().head(url)


def test_no_page_cache_while_developing_with_debug_on(topic, settings):
    settings.DEBUG = True
    visit(topic.get_absolute_url())

    assert "X-Page-Cache" not in visit(topic.get_absolute_url())


def test_missing_pages_are_not_stored(topic):
    assert visit(f"{topic.get_absolute_url()}?page=9").status_code == 404
    assert "X-Page-Cache" not in visit(f"{topic.get_absolute_url()}?page=9")


def test_the_cache_can_be_switched_off(topic, settings):
    settings.FORUM_PAGE_CACHE = False
    visit(topic.get_absolute_url())

    assert "X-Page-Cache" not in visit(topic.get_absolute_url())


def _later(monkeypatch, seconds):
    """The cache's clock (locmem expires entries by time.time) moved on by `seconds`."""
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + seconds)


def test_a_page_is_kept_until_a_relative_date_on_it_would_read_differently(topic, monkeypatch):
    # The reply reads "5 minutes ago" for thirty seconds more; the question, 40 days old, is a day.
    Post.objects.filter(topic=topic, post_number=1).update(created_at=timezone.now() - timedelta(days=40))
    Post.objects.filter(topic=topic, post_number=2).update(created_at=timezone.now() - timedelta(minutes=5, seconds=30))
    assert "5 minutes ago" in parse(visit(topic.get_absolute_url()).content).text

    _later(monkeypatch, 20)
    assert visit(topic.get_absolute_url())["X-Page-Cache"] == "hit"
    _later(monkeypatch, 35)
    assert visit(topic.get_absolute_url())["X-Page-Cache"] == "stored"


def test_a_page_whose_dates_never_change_is_kept_as_long_as_the_setting_says(topic, monkeypatch, settings):
    settings.FORUM_PAGE_CACHE_SECONDS = 600
    Post.objects.filter(topic=topic).update(created_at=timezone.now() - timedelta(days=40))
    visit(topic.get_absolute_url())

    _later(monkeypatch, 590)
    assert visit(topic.get_absolute_url())["X-Page-Cache"] == "hit"
    _later(monkeypatch, 610)
    assert visit(topic.get_absolute_url())["X-Page-Cache"] == "stored"


def _reply(topic, **_):
    make_reply(topic=topic, author=UserFactory(display_name="Newcomer Nia"), raw="A brand new reply.")
    return "A brand new reply."


def _edit(topic, member, **_):
    post_edit(editor=member, post=topic.posts.get(post_number=1), raw="Asking for my grandfather.")
    return "Asking for my grandfather."


def _vote(topic, member, **_):
    vote_toggle(user=member, post=topic.posts.get(post_number=2))
    return "1 found this helpful"


def _hide(topic, moderator, **_):
    post_hide(moderator=moderator, post=topic.posts.get(post_number=2), reason="Off topic")
    return "This post was hidden by a moderator."


def _delete(topic, other_member, **_):
    post_delete(actor=other_member, post=topic.posts.get(post_number=2))
    return "This post was deleted by its author."


def _accept(topic, member, **_):
    answer_accept(user=member, post=topic.posts.get(post_number=2))
    return "Accepted answer"


def _close(topic, moderator, **_):
    topic_set_state(moderator=moderator, topic=topic, state="closed")
    return "it takes no new replies"


def _needs_source(topic, moderator, **_):
    post_mark_needs_source(moderator=moderator, post=topic.posts.get(post_number=2))
    return "Needs a source."


def _retitle(topic, moderator, **_):
    topic_retitle(moderator=moderator, topic=topic, title="Does creatine help lifters over 60?")
    return "Does creatine help lifters over 60?"


def _rename_author(topic, other_member, **_):
    other_member.display_name = "Omar H. Haddad"
    other_member.save()
    return "Omar H. Haddad"


def _new_tag(topic, **_):
    from forum.models import Tag

    topic.tags.add(Tag.objects.create(name="sarcopenia"))
    return "sarcopenia"


@pytest.mark.parametrize("change", [
    _reply, _edit, _vote, _hide, _delete, _accept, _close, _needs_source, _retitle, _rename_author, _new_tag,
], ids=lambda f: f.__name__.strip("_"))
def test_every_change_shows_to_the_next_visitor(topic, member, other_member, moderator, change):
    before = visit(topic.get_absolute_url())
    assert before["X-Page-Cache"] == "stored"

    expected = change(topic=topic, member=member, other_member=other_member, moderator=moderator)
    topic.refresh_from_db()
    after = visit(topic.get_absolute_url())

    assert after.status_code in (200, 301)
    if after.status_code == 301:  # a new title is a new slug
        after = visit(after["Location"])
    assert expected in parse(after.content).text
    assert expected not in parse(before.content).text


def _tables_read(url) -> set[str]:
    with CaptureQueriesContext(connection) as queries:
        assert visit(url)["X-Page-Cache"] == "stored"
    return {table for query in queries.captured_queries for table in ("forum_citation", "forum_quote", "forum_topic_tags")
            if table in query["sql"]}


def test_a_vote_draws_the_page_again_but_not_what_it_draws_from_the_whole_topic(topic, member, other_member):
    url = topic.get_absolute_url()
    assert _tables_read(url) == {"forum_citation", "forum_quote", "forum_topic_tags"}

    vote_toggle(user=member, post=topic.posts.get(post_number=2))
    # The count shows; the Evidence panel, "Quoted in" lines and tags come from the cache.
    assert _tables_read(url) == set()
    assert "1 found this helpful" in parse(visit(url).content).text

    _reply(topic)
    assert _tables_read(url) == {"forum_citation", "forum_quote", "forum_topic_tags"}



def test_a_page_drawn_again_after_a_vote_asks_the_cache_three_times(topic, member, settings, monkeypatch):
    """Each a round trip to Redis in production: the stored page, then the live tokens with the
    parts drawn from the whole topic, then the posts' HTML (their ids come from the database)."""
    settings.FORUM_LIVE = True
    url = topic.get_absolute_url()
    assert visit(url)["X-Page-Cache"] == "stored"
    vote_toggle(user=member, post=topic.posts.get(post_number=2))
    reads = cache_reads_recorded(monkeypatch)

    assert visit(url)["X-Page-Cache"] == "stored"
    assert len(reads) == 3

def test_unhiding_shows_the_post_again(topic, moderator):
    post = topic.posts.get(post_number=2)
    post_hide(moderator=moderator, post=post, reason="Checking")
    visit(topic.get_absolute_url())

    post.refresh_from_db()
    post_unhide(moderator=moderator, post=post)

    assert "Two trials say a little." in parse(visit(topic.get_absolute_url()).content).text


def test_quoting_a_post_from_another_topic_shows_on_the_quoted_topic(topic, member):
    visit(topic.get_absolute_url())

    elsewhere = make_topic(author=member, title="Creatine and kidneys, again",
                           raw=f'[quote="omar, post:2, topic:{topic.pk}"]\nTwo trials say a little.\n[/quote]\n\nWhich?')

    page = parse(visit(topic.get_absolute_url()).content)
    quoted_in = page.find("p", class_="post__quoted-in")
    assert quoted_in is not None and "Creatine and kidneys, again" in quoted_in.text
    assert elsewhere.get_absolute_url() in [a.get("href") for a in quoted_in.descendants() if a.tag == "a"][0]


def test_hiding_the_quoting_post_removes_it_from_the_quoted_topic(topic, member, moderator):
    elsewhere = make_topic(author=member, title="Creatine and kidneys, again",
                           raw=f'[quote="omar, post:2, topic:{topic.pk}"]\nTwo trials say a little.\n[/quote]\n\nWhich?')
    assert "Creatine and kidneys, again" in parse(visit(topic.get_absolute_url()).content).text

    post_hide(moderator=moderator, post=elsewhere.posts.get(post_number=1), reason="Duplicate")

    assert "Creatine and kidneys, again" not in parse(visit(topic.get_absolute_url()).content).text


def test_a_study_update_shows_on_the_topics_citing_it(member):
    study = Study.objects.create(doi="10.5555/cache-test", title="Creatine in older adults: a trial")
    topic = make_topic(author=member, title="What does the creatine trial show?", raw="See [@doi:10.5555/cache-test].")
    assert "Creatine in older adults: a trial" in parse(visit(topic.get_absolute_url()).content).text

    Study.objects.filter(pk=study.pk).update(title="Creatine supplementation in adults over 60: an RCT")

    assert "Creatine supplementation in adults over 60: an RCT" in parse(visit(topic.get_absolute_url()).content).text


@pytest.mark.django_db(transaction=True)
def test_a_page_rendered_before_the_writer_commits_is_never_served(topic):
    """The race: a writer renews the generation, a reader renders the old rows and stores the page
    under the new generation, then the writer commits. The commit renews the generation again."""
    with transaction.atomic():
        topic_changed(topic.pk)
        # A reader in between stores what it saw under the already-renewed generation.
        assert visit(topic.get_absolute_url())["X-Page-Cache"] == "stored"
        assert visit(topic.get_absolute_url())["X-Page-Cache"] == "hit"

    assert visit(topic.get_absolute_url())["X-Page-Cache"] == "stored"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_does_not_stop_later_commits_from_renewing(topic):
    with pytest.raises(RuntimeError), transaction.atomic():
        topic_changed(topic.pk)
        raise RuntimeError("the write failed")
    with transaction.atomic():
        topic_changed(topic.pk)
        visit(topic.get_absolute_url())

    assert visit(topic.get_absolute_url())["X-Page-Cache"] == "stored"


@pytest.mark.django_db(transaction=True)
def test_a_write_read_back_in_its_own_transaction_is_not_served_from_the_cache(topic):
    """Inside a transaction the renewal waits until the transaction next reads a generation:
    what it reads then is its own write, not the page stored before it."""
    with transaction.atomic():
        assert visit(topic.get_absolute_url())["X-Page-Cache"] == "stored"
        Post.objects.filter(topic=topic, post_number=2).update(raw="Edited.", cooked="<p>Edited in place.</p>")

        page = visit(topic.get_absolute_url())

    assert page["X-Page-Cache"] == "stored"
    assert "Edited in place." in parse(page.content).text


@pytest.mark.django_db(transaction=True)
def test_a_reply_renews_what_it_changed_in_one_write_to_the_cache(topic, other_member, monkeypatch):
    """A reply touches its topic, the lists, the bell and live pages a dozen times in its
    transaction: each was a round trip to the cache while the topic stayed locked."""
    from django.core.cache import caches

    writes = []
    default = caches["default"]
    set_many = default.set_many
    monkeypatch.setattr(default, "set_many", lambda data, *args, **kwargs: writes.append(sorted(data)) or set_many(data, *args, **kwargs))
    assert visit(topic.get_absolute_url())["X-Page-Cache"] == "stored"

    make_reply(topic=topic, author=other_member, raw="A third post.")

    generation_writes = [keys for keys in writes if any("gen" in key for key in keys)]
    assert len(generation_writes) == 1
    assert f"page-gen:topic:{topic.pk}" in generation_writes[0]
    assert visit(topic.get_absolute_url())["X-Page-Cache"] == "stored"
