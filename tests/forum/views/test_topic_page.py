import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.discussion.deleting import post_delete
from forum.discussion.editing import post_edit
from forum.models import Citation, Study, Topic
from forum.models.study import LookupState
from tests.factories import UserFactory, add_posts_fast, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


def shown_post_numbers(response) -> list[int]:
    return [int(article.get("data-post-number")) for article in parse(response.content).find_all("article", class_="post")]


@pytest.fixture
def small_pages(settings):
    settings.FORUM_POSTS_PER_PAGE = 3
    return 3


@pytest.fixture
def topic_of_seven(member, small_pages):
    """Posts 1-7 over three pages of three."""
    topic = make_topic(author=member, title="Seven posts about sleep")
    add_posts_fast(topic=topic, count=6)
    return topic


def test_topic_page_shows_title_question_and_replies(client, member, other_member):
    topic = make_topic(author=member, title="Does LDN help fibromyalgia pain?", raw="Has it been **shown**?",
                       tag_names=["naltrexone"])
    make_reply(topic=topic, author=other_member, raw="Two small trials were positive.")

    response = client.get(topic.get_absolute_url())

    assert response.status_code == 200
    page = parse(response.content)
    assert page.find("h1").text == "Does LDN help fibromyalgia pain?"
    assert shown_post_numbers(response) == [1, 2]
    assert [author.text for author in page.find_all("a", class_="post__author")] == ["Maria Lopez", "Omar Haddad"]
    assert "Has it been shown?" in page.text
    assert "Two small trials were positive." in page.text
    assert page.find("a", class_="tag").text == "naltrexone"


def test_experts_show_their_role_badge_and_credential(client, member):
    expert = UserFactory(display_name="Dr. Sam Rivera", role="expert", expert_credential="MD, physician")
    topic = make_topic(author=member)
    make_reply(topic=topic, author=expert)

    page = parse(client.get(topic.get_absolute_url()).content)

    expert_post = page.find("article", id="post-2")
    assert "post--expert" in expert_post.classes
    assert page.find("span", class_="badge--expert").text == "Expert"
    assert page.find("span", class_="post__credential").text == "MD, physician"
    assert page.find_all("span", class_="badge--member") == []  # plain members carry no badge


def test_a_reply_links_to_the_post_it_answers(client, member, other_member):
    topic = make_topic(author=member)
    answer = make_reply(topic=topic, author=other_member)
    make_reply(topic=topic, author=member, reply_to=answer)

    page = parse(client.get(topic.get_absolute_url()).content)

    link = page.find("a", class_="post__reply-to")
    assert link.text == "in reply to #2"
    assert link.get("href") == reverse("forum:post_permalink", args=[topic.slug, topic.pk, 2])


def test_edited_marker_links_to_the_revision_history(client, member):
    topic = make_topic(author=member, raw="First draft")
    first = topic.posts.get(post_number=1)
    post_edit(editor=member, post=first, raw="Second draft")

    page = parse(client.get(topic.get_absolute_url()).content)

    marker = page.find("a", class_="post__edited")
    assert marker.text == "edited"
    assert marker.get("href") == reverse("forum:post_revisions", args=[first.pk])


def test_unedited_posts_have_no_edited_marker(client, member):
    topic = make_topic(author=member)

    assert parse(client.get(topic.get_absolute_url()).content).find_all("a", class_="post__edited") == []


def test_pages_are_post_number_ranges(client, topic_of_seven):
    url = topic_of_seven.get_absolute_url()

    assert shown_post_numbers(client.get(url)) == [1, 2, 3]
    assert shown_post_numbers(client.get(url, {"page": 2})) == [4, 5, 6]
    assert shown_post_numbers(client.get(url, {"page": 3})) == [7]


def test_deleted_posts_keep_their_place_in_the_page_ranges(client, member, topic_of_seven):
    post_delete(actor=member, post=topic_of_seven.posts.get(post_number=2))

    assert shown_post_numbers(client.get(topic_of_seven.get_absolute_url())) == [1, 2, 3]


def test_topic_pagination_links_to_each_page(client, topic_of_seven):
    page = parse(client.get(topic_of_seven.get_absolute_url(), {"page": 2}).content)

    nav = page.find_all("nav", class_="pagination")[0]
    links = {a.text: a.get("href") for a in nav.children if a.tag == "a"}
    url = topic_of_seven.get_absolute_url()
    assert links["← Previous"] == url
    assert links["Next →"] == f"{url}?page=3"
    assert links["3"] == f"{url}?page=3"
    assert page.find("link", rel="canonical").get("href") == f"{url}?page=2"


@pytest.mark.parametrize("page", [0, -1, 4, 99])
def test_a_page_beyond_the_topic_is_not_found(client, topic_of_seven, page):
    assert client.get(topic_of_seven.get_absolute_url(), {"page": page}).status_code == 404


@pytest.mark.parametrize("post_number, expected", [
    (1, ""),
    (3, ""),
    (4, "?page=2"),
    (7, "?page=3"),
])
def test_post_permalink_redirects_to_its_page_and_anchor(client, topic_of_seven, post_number, expected):
    response = client.get(topic_of_seven.post_url(post_number))

    assert response.status_code == 302
    assert response["Location"] == f"{topic_of_seven.get_absolute_url()}{expected}#post-{post_number}"
    assert post_number in shown_post_numbers(client.get(response["Location"].split("#")[0]))


@pytest.mark.parametrize("post_number", [0, 8, 500])
def test_permalink_to_a_post_that_does_not_exist_is_not_found(client, topic_of_seven, post_number):
    url = reverse("forum:post_permalink", args=[topic_of_seven.slug, topic_of_seven.pk, post_number])

    assert client.get(url).status_code == 404


def test_a_wrong_or_outdated_slug_redirects_permanently_keeping_the_page(client, topic_of_seven):
    stale = reverse("forum:topic", args=["old-title", topic_of_seven.pk])

    response = client.get(stale, {"page": 2})

    assert response.status_code == 301
    assert response["Location"] == f"{topic_of_seven.get_absolute_url()}?page=2"


def test_the_short_topic_link_redirects_to_the_full_address(client, member):
    topic = make_topic(author=member)

    response = client.get(f"/t/{topic.pk}/")

    assert response.status_code == 301
    assert response["Location"] == topic.get_absolute_url()


@pytest.mark.parametrize("path", [
    "/t/some-topic/abc/",
    "/t/some-topic/1/xyz/",
    "/t/abc/",
    "/t/abc/reply/",
    "/p/abc/edit/",
    "/p/1.5/delete/",
    "/p/abc/revisions/",
    "/t/some-topic/999999/",
])
def test_malformed_or_unknown_ids_are_not_found(client, member, path):
    make_topic(author=member)

    assert client.get(path).status_code == 404


def test_deleted_posts_show_a_placeholder_to_members(client, member, other_member):
    topic = make_topic(author=member)
    reply = make_reply(topic=topic, author=other_member, raw="Something I regret writing")
    post_delete(actor=other_member, post=reply)

    page = parse(client.get(topic.get_absolute_url()).content)

    article = page.find("article", id="post-2")
    assert "post--deleted" in article.classes
    assert "This post was deleted by its author." in article.text
    assert "Something I regret writing" not in page.text


def test_moderators_see_who_deleted_a_post_and_what_it_said(client, member, moderator):
    topic = make_topic(author=member)
    reply = make_reply(topic=topic, author=member, raw="Miracle cure, DM me")
    post_delete(actor=moderator, post=reply)

    member_view = parse(client.get(topic.get_absolute_url()).content)
    client.force_login(moderator)
    moderator_view = parse(client.get(topic.get_absolute_url()).content)

    assert "This post was deleted by a moderator." in member_view.find("article", id="post-2").text
    assert "Miracle cure" not in member_view.text
    assert "Miracle cure, DM me" in moderator_view.find("div", class_="post__body--deleted").text


def test_a_deleted_topic_is_not_found_for_members_but_moderators_can_read_it(client, member, other_member, moderator):
    topic = make_topic(author=member, title="Withdrawn question", raw="The question text")
    post_delete(actor=member, post=topic.posts.get(post_number=1))

    assert client.get(topic.get_absolute_url()).status_code == 404
    client.force_login(other_member)
    assert client.get(topic.get_absolute_url()).status_code == 404
    assert client.get(topic.post_url(1)).status_code == 404
    client.force_login(moderator)
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    page = parse(response.content)
    assert "This topic has been deleted. Only moderators can see it." in page.text
    assert "The question text" in page.text


def test_closed_topics_say_so_instead_of_offering_a_composer(client, member):
    topic = make_topic(author=member)
    Topic.objects.filter(pk=topic.pk).update(state=Topic.State.CLOSED)
    client.force_login(member)

    page = parse(client.get(topic.get_absolute_url()).content)

    assert "This topic is closed: it takes no new replies." in page.text
    assert page.find_all("textarea") == []


def test_anonymous_visitors_are_invited_to_log_in_to_reply(client, member):
    topic = make_topic(author=member)

    page = parse(client.get(topic.get_absolute_url()).content)

    assert page.find_all("textarea") == []
    invitation = page.find("p", class_="notice")
    log_in = [a for a in invitation.children if a.text == "Sign in"]
    assert [a.get("href") for a in log_in] == [f"{reverse('account_login')}?next={topic.get_absolute_url()}"]


class TestQueryCount:
    """Reading a topic costs a fixed number of queries, however long the topic is."""

    @pytest.fixture
    def writers(self):
        # Every part of a byline the page shows: a display name, a role badge, a credential, an ORCID iD.
        expert = UserFactory(role="expert", expert_credential="PhD, epidemiology", orcid="0000-0002-1825-0097")
        return [UserFactory(), UserFactory(display_name="Dana Reyes", role="moderator"), expert]

    def topic_with(self, total_posts, writers):
        topic = make_topic(author=writers[0], tag_names=["sleep", "pain"])
        add_posts_fast(topic=topic, count=total_posts - 1, authors=writers)
        return topic

    def queries_for(self, client, url) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    @pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "member"])
    def test_topic_page_queries_do_not_grow_with_the_topic(self, client, member, writers, signed_in,
                                                           record_property, settings):
        # The worst case: nothing cached (a cached Evidence panel saves two, a visitor's cached
        # page all of them; see tests/forum/test_page_cache.py).
        settings.FORUM_PAGE_CACHE = settings.FORUM_FRAGMENT_CACHE = False
        short = self.topic_with(20, writers)
        long = self.topic_with(1000, writers)
        assert Topic.objects.get(pk=long.pk).posts.count() == 1000
        if signed_in:
            client.force_login(member)

        short_count = self.queries_for(client, short.get_absolute_url())
        long_first_page = self.queries_for(client, long.get_absolute_url())
        long_late_page = self.queries_for(client, f"{long.get_absolute_url()}?page=49")

        record_property("topic_page_queries", short_count)
        print(f"topic page queries ({'member' if signed_in else 'anonymous'}): {short_count}")
        assert long_first_page == short_count
        assert long_late_page == short_count
        # Measured with nothing cached: 7 anonymous (topic, posts, their authors, tags, who quoted
        # each post, the Evidence panel's studies and their citation counts) and 11 signed in
        # (plus session, user, the unread-notification count in the header, and everything of
        # the member's on the page in one: their subscription, votes, flags, draft and unread
        # notifications there). Issue 7's targets are at most 10 and 14.
        assert short_count <= (11 if signed_in else 7)

    def test_with_parts_of_the_page_cached_a_member_saves_five_queries(self, client, member, writers, settings):
        # The Evidence panel (two), the tags, the "Quoted in" lines and the bell's count come from
        # the cache.
        settings.FORUM_PAGE_CACHE = False  # no shared members' page either
        topic = self.topic_with(20, writers)
        client.force_login(member)
        client.get(topic.get_absolute_url())  # the first visit also starts tracking the topic
        settings.FORUM_FRAGMENT_CACHE = False
        uncached = self.queries_for(client, topic.get_absolute_url())
        settings.FORUM_FRAGMENT_CACHE = True
        self.queries_for(client, topic.get_absolute_url())

        assert self.queries_for(client, topic.get_absolute_url()) == uncached - 5

    @pytest.mark.parametrize("total_posts", [20, 1000])
    def test_a_member_served_the_shared_page_costs_two_queries(self, client, member, writers, total_posts):
        # Their account; how far they have read, their votes, flags, draft and unread
        # notifications here (one query: forum/discussion/reader_state.py). The session and the
        # bell's count (forum/caching/notification_bell.py) come from the cache, the page from the
        # shared copy (forum/caching/member_pages.py).
        topic = self.topic_with(total_posts, writers)
        url = f"{topic.get_absolute_url()}?page=1"  # not sent on to where they stopped reading
        client.force_login(member)
        client.get(url)  # starts tracking the topic, and stores the page
        client.get(url)

        assert self.queries_for(client, url) == 2

    def test_an_accepted_answer_citing_studies_costs_one_query_whatever_the_topic_holds(self, client, writers,
                                                                                          settings):
        # Whether the evidence changed since the answer was accepted: one look at the accepted
        # answer's citations, only on topics that have one (cached with the Evidence panel).
        from forum.discussion.answers import answer_accept
        from tests.forum.study_data import stored_study

        settings.FORUM_PAGE_CACHE = settings.FORUM_FRAGMENT_CACHE = False
        stored_study("synthetic_retracted")
        counts = []
        for total in (20, 1000):
            topic = self.topic_with(total, writers)
            plain = self.queries_for(client, topic.get_absolute_url())
            answer = make_reply(topic=topic, author=writers[1], raw="See [@doi:10.5555/evident-retracted].")
            answer_accept(user=writers[0], post=answer)
            counts.append(self.queries_for(client, topic.get_absolute_url()) - plain)
        assert counts == [1, 1]

    def test_studies_still_being_looked_up_cost_no_query_each(self, client, writers, settings):
        # Untitled until their look-up ends, they are named by their DOI in the Evidence panel,
        # which reads studies without their records.
        settings.FORUM_PAGE_CACHE = settings.FORUM_FRAGMENT_CACHE = False
        topic = self.topic_with(20, writers)
        first = topic.posts.get(post_number=1)

        def cite(n: int):
            study = Study.objects.create(doi=f"10.5555/pending-{n}", title="", lookup_state=LookupState.PENDING)
            Citation.objects.create(post=first, study=study, number=n)

        cite(1)
        one = self.queries_for(client, topic.get_absolute_url())
        cite(2)
        cite(3)
        assert self.queries_for(client, topic.get_absolute_url()) == one
        panel = parse(client.get(topic.get_absolute_url()).content).find("section", class_="evidence")
        assert all(f"10.5555/pending-{n}" in panel.text for n in (1, 2, 3))

    def test_a_late_page_shows_the_right_posts(self, client, writers):
        long = self.topic_with(1000, writers)

        assert shown_post_numbers(client.get(long.get_absolute_url(), {"page": 50})) == list(range(981, 1001))
