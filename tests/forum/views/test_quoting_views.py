"""Quoting as a reader meets it: the no-JavaScript Quote link, expanding a quote, "Quoted in",
notifications and the bell, and a topic page that costs no more queries for all of it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.discussion.deleting import post_delete
from forum.discussion.posting import reply_create
from forum.models import Notification, Post
from tests.factories import UserFactory, add_posts_fast, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


def quote_of(post: Post, text: str) -> str:
    return f'[quote="{post.author.username}, post:{post.post_number}, topic:{post.topic_id}"]\n{text}\n[/quote]\n\n'


@pytest.fixture
def topic(member):
    return make_topic(author=member, title="Low-dose naltrexone for fibromyalgia",
                      raw="There are no randomised controlled trials.\n\nIs **LDN** safe?")


@pytest.fixture
def question(topic):
    return topic.posts.get(post_number=1)


def reply_page(client, topic, **query):
    return client.get(reverse("forum:reply", args=[topic.pk]), query)


class TestQuoteLinkWithoutJavaScript:
    def test_each_post_has_a_quote_link_to_the_reply_form(self, member_client, topic):
        page = parse(member_client.get(topic.get_absolute_url()).content)

        link = [a for a in page.find("article", id="post-1").children[-1].children if a.text == "Quote"]
        assert [a.get("href") for a in link] == [f"{reverse('forum:reply', args=[topic.pk])}?to=1&quote=1"]

    def test_the_quote_link_prefills_the_whole_post_and_the_reply_target(self, client, topic, question,
                                                                       other_member):
        client.force_login(other_member)

        page = parse(reply_page(client, topic, to=1, quote=1).content)

        assert page.find("textarea", name="raw").text == (
            f'[quote="maria, post:1, topic:{topic.pk}, full:true"]\n'
            "There are no randomised controlled trials.\n\nIs **LDN** safe?\n[/quote]\n\n")
        assert page.find("input", name="reply_to").get("value") == "1"

    def test_posting_the_prefilled_quote_gives_a_verified_whole_post_quote(self, client, topic, other_member):
        client.force_login(other_member)
        raw = parse(reply_page(client, topic, to=1, quote=1).content).find("textarea", name="raw").text

        response = client.post(reverse("forum:reply", args=[topic.pk]), {"raw": raw + "Not yet.", "reply_to": "1"})

        assert response.status_code == 302
        reply = topic.posts.get(post_number=2)
        assert reply.reply_to.post_number == 1
        aside = parse(reply.cooked).find("aside", class_="quote")
        assert (aside.get("data-status"), aside.get("data-full")) == ("verified", "true")

    def test_reply_without_quote_leaves_the_text_empty(self, member_client, topic):
        page = parse(reply_page(member_client, topic, to=1).content)

        assert page.find("textarea", name="raw").text == ""
        assert page.find("input", name="reply_to").get("value") == "1"

    def test_a_deleted_post_cannot_be_quoted_that_way(self, member_client, member, topic):
        secret = make_reply(topic=topic, author=member, raw="Words I took back.")
        post_delete(actor=member, post=secret)

        response = reply_page(member_client, topic, to=2, quote=1)

        page = parse(response.content)
        assert response.status_code == 200
        assert page.find("textarea", name="raw").text == ""
        assert "Words I took back." not in response.content.decode()


class TestCookedEndpoint:
    def url(self, topic, number):
        return reverse("forum:post_cooked", args=[topic.pk, number])

    def test_a_visible_post_returns_its_html_only(self, client, topic):
        response = client.get(self.url(topic, 1))

        assert response.status_code == 200
        page = parse(response.content)
        assert page.find("strong").text == "LDN"
        assert "html" not in page.tags and "header" not in page.tags  # a fragment, not a page

    def test_a_post_that_does_not_exist_is_not_found(self, client, topic):
        assert client.get(self.url(topic, 7)).status_code == 404

    def test_a_deleted_post_is_not_found_for_members_but_moderators_can_read_it(self, client, topic, member,
                                                                                 moderator):
        post_delete(actor=member, post=make_reply(topic=topic, author=member, raw="Retracted claim."))

        assert client.get(self.url(topic, 2)).status_code == 404
        client.force_login(member)
        assert client.get(self.url(topic, 2)).status_code == 404
        client.force_login(moderator)
        response = client.get(self.url(topic, 2))
        assert response.status_code == 200
        assert "Retracted claim." in parse(response.content).text

    def test_a_post_in_a_deleted_topic_is_not_found_for_members_but_moderators_can_read_it(
            self, client, topic, question, member, other_member, moderator):
        make_reply(topic=topic, author=other_member, raw="A reply in a withdrawn topic.")
        post_delete(actor=member, post=question)

        client.force_login(other_member)
        assert client.get(self.url(topic, 1)).status_code == 404
        assert client.get(self.url(topic, 2)).status_code == 404
        client.force_login(moderator)
        assert "A reply in a withdrawn topic." in parse(client.get(self.url(topic, 2)).content).text


class TestQuotedIn:
    def quoted_in(self, client, topic, number):
        found = parse(client.get(topic.get_absolute_url()).content).find("article", id=f"post-{number}")
        return [child for child in found.children if "post__quoted-in" in child.classes]

    def test_a_quoted_post_links_to_the_posts_quoting_it(self, client, topic, question, other_member, member):
        make_reply(topic=topic, author=other_member, raw=quote_of(question, "Is LDN safe?"))
        make_reply(topic=topic, author=other_member, raw="No quote here.")
        make_reply(topic=topic, author=member, raw=quote_of(question, "There are no randomised"))

        (line,) = self.quoted_in(client, topic, 1)

        assert " ".join(line.text.split()) == "Quoted in #2, #4"
        assert [a.get("href") for a in line.children] == [topic.post_url(2), topic.post_url(4)]
        assert self.quoted_in(client, topic, 2) == []

    def test_a_post_quoting_twice_is_listed_once(self, client, topic, question, other_member):
        make_reply(topic=topic, author=other_member,
                   raw=quote_of(question, "Is LDN safe?") + quote_of(question, "There are no"))

        (line,) = self.quoted_in(client, topic, 1)

        assert " ".join(line.text.split()) == "Quoted in #2"

    def test_a_quote_from_another_topic_names_that_topic(self, client, topic, question, other_member):
        elsewhere = make_topic(author=other_member, title="Sleep and pain")
        make_reply(topic=elsewhere, author=other_member, raw=quote_of(question, "Is LDN safe?"))

        (line,) = self.quoted_in(client, topic, 1)

        (link,) = line.children
        assert (link.text, link.get("href")) == ("Sleep and pain #2", elsewhere.post_url(2))

    def test_deleted_quoting_posts_and_topics_are_not_listed(self, client, topic, question, other_member):
        gone = make_reply(topic=topic, author=other_member, raw=quote_of(question, "Is LDN safe?"))
        withdrawn = make_topic(author=other_member, title="Withdrawn", raw=quote_of(question, "Is LDN safe?"))
        post_delete(actor=other_member, post=gone)
        post_delete(actor=other_member, post=withdrawn.posts.get(post_number=1))

        assert self.quoted_in(client, topic, 1) == []


class TestNotifications:
    @pytest.fixture
    def quoted_twice(self, topic, question, other_member):
        """Omar quotes Maria in two posts."""
        first = make_reply(topic=topic, author=other_member, raw=quote_of(question, "Is LDN safe?"))
        second = make_reply(topic=topic, author=other_member, raw=quote_of(question, "There are no"))
        return first, second

    def bell(self, client):
        return parse(client.get(reverse("forum:latest")).content).find("a", class_="site-nav__bell")

    def test_the_page_lists_who_quoted_the_member_newest_first(self, member_client, topic, quoted_twice):
        page = parse(member_client.get(reverse("forum:notifications")).content)

        items = page.find_all("li", class_="notification")
        assert len(items) == 2
        assert all("notification--unread" in item.classes for item in items)
        links = page.find_all("a", class_="notification__link")
        assert " ".join(links[0].text.split()) == (
            "Unread: Omar Haddad quoted you in “Low-dose naltrexone for fibromyalgia”")
        # Real links to the posts, so they open in a new tab; opening the post marks them read.
        notifications = list(Notification.objects.order_by("-created_at", "-pk"))
        assert [link.get("href") for link in links] == [
            n.topic.post_url(n.post.post_number) for n in notifications]

    def test_the_page_needs_a_sign_in(self, client):
        response = client.get(reverse("forum:notifications"))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_an_empty_inbox_says_what_will_appear(self, member_client):
        page = parse(member_client.get(reverse("forum:notifications")).content)

        assert "When someone quotes you, you will hear about it here." in page.text

    def test_opening_one_marks_it_read_and_goes_to_the_post(self, member_client, topic, quoted_twice):
        first, _ = quoted_twice
        notification = Notification.objects.get(post=first)

        response = member_client.post(reverse("forum:notification_open", args=[notification.pk]))

        assert response.status_code == 302
        assert response["Location"] == topic.post_url(2)
        notification.refresh_from_db()
        assert notification.is_read
        assert Notification.objects.filter(read_at__isnull=True).count() == 1

    def test_opening_is_post_only(self, member_client, quoted_twice):
        notification = Notification.objects.first()

        response = member_client.get(reverse("forum:notification_open", args=[notification.pk]))

        assert response.status_code == 405
        notification.refresh_from_db()
        assert not notification.is_read

    def test_mark_all_read(self, member_client, quoted_twice):
        response = member_client.post(reverse("forum:notifications_read_all"))

        assert response.status_code == 302
        assert not Notification.objects.filter(read_at__isnull=True).exists()
        page = parse(member_client.get(reverse("forum:notifications")).content)
        assert not any("notification--unread" in item.classes for item in page.find_all("li", class_="notification"))

    def test_mark_all_read_leaves_other_members_notifications_alone(self, client, quoted_twice, other_member):
        lena = UserFactory(username="lena")
        reply_create(author=lena, topic=quoted_twice[0].topic, raw=quote_of(quoted_twice[0], "Is LDN safe?"))
        client.force_login(other_member)

        client.post(reverse("forum:notifications_read_all"))

        assert Notification.objects.filter(recipient__username="maria", kind="quoted", read_at__isnull=True).count() == 2

    def test_another_members_notification_is_not_found(self, client, quoted_twice, other_member):
        notification = Notification.objects.first()
        client.force_login(other_member)

        response = client.post(reverse("forum:notification_open", args=[notification.pk]))

        assert response.status_code == 404
        notification.refresh_from_db()
        assert not notification.is_read
        assert "Omar Haddad quoted you" not in parse(client.get(reverse("forum:notifications")).content).text

    def test_the_bell_says_how_many_are_unread(self, member_client, quoted_twice):
        assert self.bell(member_client).get("aria-label") == "Notifications, 2 unread"

        member_client.post(reverse("forum:notifications_read_all"))

        bell = self.bell(member_client)
        assert bell.get("aria-label") == "Notifications"
        assert bell.get("href") == reverse("forum:notifications")

    def test_anonymous_visitors_have_no_bell(self, client, quoted_twice):
        assert parse(client.get(reverse("forum:latest")).content).find_all("a", class_="site-nav__bell") == []


class TestQueryCount:
    """Quotes are stored with their titles: a page full of them costs no extra queries."""

    def queries_for(self, client, url) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    def topic_of_twenty(self, writers, *, title):
        topic = make_topic(author=writers[0], title=title, tag_names=["sleep"])
        add_posts_fast(topic=topic, count=19, authors=writers)
        return topic

    @pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "member"])
    def test_quotes_add_no_queries_to_the_topic_page(self, client, member, signed_in):
        expert = UserFactory(username="sam", role="expert", expert_credential="MD")
        writers = [UserFactory(username="lena"), UserFactory(username="ravi"), expert]
        plain = self.topic_of_twenty(writers, title="Without quotes")
        other = self.topic_of_twenty(writers, title="Quoted from elsewhere")
        quoted = make_topic(author=writers[0], title="Full of quotes", tag_names=["sleep"])
        for number in range(2, 21):
            # Each post quotes two others: one in this topic, and one in the other topic every
            # other time, so "Quoted in" and the quote titles both span topics.
            here = quoted.posts.get(post_number=number - 1)
            there = other.posts.get(post_number=number)
            second = there if number % 2 else quoted.posts.get(post_number=1)
            reply_create(author=writers[number % 3], topic=quoted,
                         raw=quote_of(here, here.raw) + quote_of(second, second.raw) + f"Reply {number}.")
        # And posts elsewhere quote this topic's posts, for "Quoted in" from another topic.
        for number in range(1, 21, 4):
            source = quoted.posts.get(post_number=number)
            reply_create(author=writers[0], topic=other, raw=quote_of(source, source.raw))
        quoted.refresh_from_db()
        assert quoted.posts_count == 20
        if signed_in:
            client.force_login(member)
        page = parse(client.get(quoted.get_absolute_url()).content)
        assert len(page.find_all("aside", class_="quote")) >= 38
        assert len(page.find_all("p", class_="post__quoted-in")) == 19  # all but the last post

        client.get(plain.get_absolute_url())  # both topics now read once, so neither records a first visit
        baseline = self.queries_for(client, plain.get_absolute_url())
        with_quotes = self.queries_for(client, quoted.get_absolute_url())

        print(f"topic page queries ({'member' if signed_in else 'anonymous'}): "
              f"{baseline} without quotes, {with_quotes} with")
        assert with_quotes == baseline
