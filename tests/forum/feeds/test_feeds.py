"""Feeds read by an XML parser, as a feed reader would: valid documents, the right entries, and
nothing a signed-out visitor may not read."""

import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.discussion.deleting import post_delete
from forum.moderation.actions import post_hide, topic_delete, topic_set_listed
from tests.factories import CategoryFactory, UserFactory, add_posts_fast, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def atom(client, url) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def entries(feed: ET.Element) -> list[dict]:
    found = []
    for entry in feed.findall(f"{ATOM}entry"):
        content = entry.find(f"{ATOM}content")
        found.append({
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link[@rel='alternate']").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "author": entry.findtext(f"{ATOM}author/{ATOM}name"),
            "author_uri": entry.findtext(f"{ATOM}author/{ATOM}uri"),
            "published": entry.findtext(f"{ATOM}published"),
            "updated": entry.findtext(f"{ATOM}updated"),
            "content": content.text if content is not None else None,
            "content_type": content.get("type") if content is not None else None,
            "categories": [c.get("term") for c in entry.findall(f"{ATOM}category")],
        })
    return found


@pytest.fixture
def moderator_user():
    return UserFactory(role="moderator")


# --- latest topics ---------------------------------------------------------------------------

def test_latest_atom_lists_newest_topics_with_absolute_links_authors_dates_and_html(client, member):
    older = make_topic(author=member, title="Creatine and sleep", raw="Does **creatine** affect sleep?",
                       tag_names=["creatine"])
    newer = make_topic(title="Magnesium for cramps", raw="Any trials on magnesium?")

    feed = atom(client, "/latest.atom")

    assert feed.findtext(f"{ATOM}title") == "Latest topics · Evident"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/latest.atom"
    assert feed.findtext(f"{ATOM}updated")
    items = entries(feed)
    assert [item["title"] for item in items] == ["Magnesium for cramps", "Creatine and sleep"]
    first, second = items
    assert first["link"] == f"http://testserver{newer.get_absolute_url()}"
    assert second["link"] == f"http://testserver{older.get_absolute_url()}"
    assert second["id"] == second["link"]
    assert second["author"] == "Maria Lopez"
    assert second["author_uri"] == "http://testserver/u/maria/"
    assert second["published"].startswith(str(older.created_at.year))
    assert second["content_type"] == "html"
    assert "<strong>creatine</strong>" in second["content"]
    assert second["categories"] == [older.category.name, "creatine"]


def test_latest_rss_is_rss_2_with_the_same_topics(client):
    topic = make_topic(title="Vitamin D and falls", raw="Is there an RCT on *vitamin D*?")

    response = client.get("/latest.rss")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    rss = ET.fromstring(response.content)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channel = rss.find("channel")
    assert channel.findtext("link") == "http://testserver/"
    [item] = channel.findall("item")
    assert item.findtext("title") == "Vitamin D and falls"
    assert item.findtext("link") == f"http://testserver{topic.get_absolute_url()}"
    assert "<em>vitamin D</em>" in item.findtext("description")
    assert item.findtext("pubDate")


def test_deleted_and_unlisted_topics_never_appear_even_for_moderators(client, moderator):
    make_topic(title="Still here")
    deleted = make_topic(title="Deleted topic", raw="Secret deleted question text.")
    unlisted = make_topic(title="Unlisted topic", raw="Unlisted question text.")
    topic_delete(moderator=moderator, topic=deleted)
    topic_set_listed(moderator=moderator, topic=unlisted, listed=False)
    client.force_login(moderator)

    for url in ("/latest.atom", f"/c/{deleted.category.slug}/feed.atom", f"/c/{unlisted.category.slug}/feed.atom"):
        body = client.get(url).content.decode()
        assert "Deleted topic" not in body and "Secret deleted" not in body
        assert "Unlisted topic" not in body and "Unlisted question" not in body
    assert [item["title"] for item in entries(atom(client, "/latest.atom"))] == ["Still here"]


def test_a_topic_whose_question_is_hidden_appears_without_the_hidden_text(client, moderator):
    topic = make_topic(title="A hidden question", raw="Spam spam spam link.")
    post_hide(moderator=moderator, post=topic.posts.get(post_number=1), reason="spam", notify_author=False)

    [item] = entries(atom(client, "/latest.atom"))

    assert item["title"] == "A hidden question"
    assert not item["content"]
    assert "Spam spam" not in client.get("/latest.rss").content.decode()


def test_hostile_titles_and_names_are_escaped_and_the_feed_stays_well_formed(client):
    author = UserFactory(display_name='<img src=x onerror="alert(1)"> & Co')
    title = 'Is <script>alert("x")</script> & ]]> safe?\x07'
    topic = make_topic(author=author, title=title, raw="Body <script>alert(2)</script> text")
    make_reply(topic=topic, author=author, raw="Reply with ]]> and &amp; entities")

    for url in ("/latest.atom", "/latest.rss", f"/c/{topic.category.slug}/feed.atom",
                reverse("forum:topic_feed", args=[topic.slug, topic.pk])):
        response = client.get(url)
        root = ET.fromstring(response.content)  # raises on anything that is not well-formed XML
        body = response.content.decode()
        assert "<script>" not in body, url
        assert "<img src" not in body, url
        titles = [el.text for el in root.iter() if el.tag in (f"{ATOM}title", "title")]
        # A reader that takes the title as HTML shows the text as typed, and runs nothing.
        assert any(t and t.startswith("Is &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; ]]&gt; safe?")
                   for t in titles), url
        assert not any(parse(t).tags for t in titles if t), url

    feed = atom(client, "/latest.atom")
    [item] = entries(feed)
    assert unescape(item["title"]) == 'Is <script>alert("x")</script> & ]]> safe?'  # control character dropped
    assert feed.find(f"{ATOM}entry/{ATOM}title").get("type") == "html"
    assert item["author"] == '<img src=x onerror="alert(1)"> & Co'  # Atom names are plain text
    assert "<script>" not in item["content"]  # the stored HTML was sanitised when posted


def test_feed_titles_with_markup_are_text_and_content_stays_html(client):
    category = CategoryFactory(name="Sleep <i>&</i> rest", slug="sleep")
    topic = make_topic(category=category, title="Is <b>melatonin</b> safe? <a href=x>x</a>",
                       raw="It **is** studied.")
    make_reply(topic=topic, raw="Yes, see <em>this</em>.")

    rss = ET.fromstring(client.get("/latest.rss").content)
    assert rss.findtext("channel/item/title") == "Is &lt;b&gt;melatonin&lt;/b&gt; safe? &lt;a href=x&gt;x&lt;/a&gt;"
    assert "<strong>is</strong>" in rss.findtext("channel/item/description")

    category_feed = atom(client, "/c/sleep/feed.atom")
    assert category_feed.find(f"{ATOM}title").get("type") == "html"
    assert unescape(category_feed.findtext(f"{ATOM}title")) == "Sleep <i>&</i> rest · Evident"
    assert unescape(category_feed.findtext(f"{ATOM}subtitle")) == "New topics in Sleep <i>&</i> rest, newest first."

    topic_feed = atom(client, reverse("forum:topic_feed", args=[topic.slug, topic.pk]))
    shown = [unescape(item["title"]) for item in entries(topic_feed)]
    assert shown == ["Re: Is <b>melatonin</b> safe? <a href=x>x</a> (#2)", "Is <b>melatonin</b> safe? <a href=x>x</a>"]
    contents = [item["content"] for item in entries(topic_feed)]
    assert "<em>this</em>" in contents[0] and "<strong>is</strong>" in contents[1]


# --- per category ----------------------------------------------------------------------------

def test_category_feed_has_only_that_categorys_topics(client):
    sleep = CategoryFactory(name="Sleep", slug="sleep")
    make_topic(category=sleep, title="Melatonin dose")
    make_topic(category=CategoryFactory(name="Pain", slug="pain"), title="Knee pain")

    feed = atom(client, "/c/sleep/feed.atom")

    assert feed.findtext(f"{ATOM}title") == "Sleep · Evident"
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == "http://testserver/c/sleep/"
    assert [item["title"] for item in entries(feed)] == ["Melatonin dose"]


def test_unknown_category_feed_is_404(client):
    assert client.get("/c/no-such-category/feed.atom").status_code == 404


# --- per topic -------------------------------------------------------------------------------

def test_topic_feed_lists_visible_posts_newest_first(client, member, other_member, moderator):
    topic = make_topic(author=member, title="Does LDN help fibromyalgia pain?", raw="The question.")
    answer = make_reply(topic=topic, author=other_member, raw="Two **small** trials were positive.")
    deleted = make_reply(topic=topic, author=other_member, raw="A deleted reply's words.")
    hidden = make_reply(topic=topic, author=other_member, raw="A hidden reply's words.")
    make_reply(topic=topic, author=member, raw="Thanks, that helps.", reply_to=answer)
    post_delete(actor=other_member, post=deleted)
    post_hide(moderator=moderator, post=hidden, reason="off topic", notify_author=False)
    client.force_login(moderator)  # moderators read deleted posts on the page, never in a feed

    response = client.get(f"/t/{topic.slug}/{topic.pk}/feed.atom")

    assert response["Cache-Control"] == "public, max-age=300"
    feed = ET.fromstring(response.content)
    assert feed.findtext(f"{ATOM}title") == "Does LDN help fibromyalgia pain? · Evident"
    items = entries(feed)
    assert [item["link"] for item in items] == [
        f"http://testserver{topic.post_url(number)}" for number in (5, 2, 1)
    ]
    assert [item["title"] for item in items] == [
        "Re: Does LDN help fibromyalgia pain? (#5)", "Re: Does LDN help fibromyalgia pain? (#2)",
        "Does LDN help fibromyalgia pain?",
    ]
    assert [item["author"] for item in items] == ["Maria Lopez", "Omar Haddad", "Maria Lopez"]
    assert "<strong>small</strong>" in items[1]["content"]
    body = response.content.decode()
    assert "deleted reply" not in body and "hidden reply" not in body


def test_topic_feed_of_a_deleted_unlisted_or_unknown_topic_is_404(client, moderator):
    deleted, unlisted = make_topic(), make_topic()
    topic_delete(moderator=moderator, topic=deleted)
    topic_set_listed(moderator=moderator, topic=unlisted, listed=False)
    client.force_login(moderator)

    for topic in (deleted, unlisted):
        assert client.get(f"/t/{topic.slug}/{topic.pk}/feed.atom").status_code == 404
    assert client.get("/t/anything/999999/feed.atom").status_code == 404


def test_topic_feed_still_answers_after_a_retitle_changes_the_slug(client):
    topic = make_topic(title="Original title")

    feed = atom(client, f"/t/old-slug/{topic.pk}/feed.atom")

    assert [item["title"] for item in entries(feed)] == ["Original title"]


# --- discovery -------------------------------------------------------------------------------

def alternate_feeds(response) -> dict[str, str]:
    return {link.get("href"): link.get("type") for link in parse(response.content).find_all("link")
            if link.get("rel") == "alternate"}


def test_pages_advertise_their_feeds(client):
    topic = make_topic(category=CategoryFactory(name="Sleep", slug="sleep"))

    assert alternate_feeds(client.get("/")) == {
        "/latest.atom": "application/atom+xml", "/latest.rss": "application/rss+xml",
    }
    assert alternate_feeds(client.get("/c/sleep/"))["/c/sleep/feed.atom"] == "application/atom+xml"
    assert alternate_feeds(client.get(topic.get_absolute_url())) == {
        f"/t/{topic.slug}/{topic.pk}/feed.atom": "application/atom+xml",
    }


def test_unlisted_topic_page_advertises_no_feed(client, moderator):
    topic = make_topic()
    topic_set_listed(moderator=moderator, topic=topic, listed=False)

    assert alternate_feeds(client.get(topic.get_absolute_url())) == {}


# --- cost ------------------------------------------------------------------------------------

def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    ET.fromstring(response.content)
    return len(queries)


def test_topic_feed_costs_the_same_for_20_and_1000_posts(client):
    authors = [UserFactory() for _ in range(5)]
    small, large = make_topic(), make_topic()
    add_posts_fast(topic=small, count=19, authors=authors)
    add_posts_fast(topic=large, count=999, authors=authors)

    small_url = reverse("forum:topic_feed", args=[small.slug, small.pk])
    large_url = reverse("forum:topic_feed", args=[large.slug, large.pk])

    assert queries_for(client, small_url) == queries_for(client, large_url) == 2
    assert len(entries(atom(client, large_url))) == 30


def test_topic_list_feeds_cost_the_same_however_many_topics(client):
    category = CategoryFactory(slug="busy")
    make_topic(category=category, tag_names=["one"])
    few_latest, few_category = queries_for(client, "/latest.atom"), queries_for(client, "/c/busy/feed.atom")
    for number in range(40):
        make_topic(category=category, author=UserFactory(), title=f"Topic {number}", tag_names=[f"tag{number}"])

    assert queries_for(client, "/latest.atom") == few_latest == 3
    assert queries_for(client, "/latest.rss") == few_latest
    assert queries_for(client, "/c/busy/feed.atom") == few_category == 4
