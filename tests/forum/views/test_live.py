"""The live endpoint: what an open page learns, and what it never learns."""

import re

import pytest
from django.urls import reverse

from forum.discussion.answers import answer_accept, vote_toggle
from forum.discussion.deleting import post_delete
from forum.discussion.editing import post_edit
from forum.following.notifying import notify
from forum.moderation.actions import post_hide
from forum.moderation.flagging import flag_create, flags_resolve
from tests.factories import UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

LIVE = "/live/"


def page_state(client, topic):
    """What an open topic page sends: its tokens, post numbers and versions."""
    html = client.get(topic.get_absolute_url()).content.decode()
    body = re.search(r"<body([^>]*)>", html)[1]
    posts = re.search(r'<div class="posts"([^>]*)>', html)[1]

    def attr(tag, name):
        found = re.search(rf'{name}="([^"]*)"', tag)
        return found[1] if found else None

    params = {"topic": topic.pk, "t": attr(body, "data-live-topic"), "first": attr(posts, "data-live-first"),
              "last": attr(posts, "data-live-last"), "v": attr(posts, "data-live-versions"), "wait": "0"}
    if " data-live-tail" in posts:
        params["tail"] = "1"
    if attr(body, "data-live-user"):
        params.update(u=attr(body, "data-live-user"), member=attr(body, "data-live-member"))
        if attr(body, "data-live-review") is not None:
            params["review"] = attr(body, "data-live-review")
    return params


def ask(client, params, **changes):
    return client.get(LIVE, {**params, **changes})


@pytest.fixture
def question(member):
    return make_topic(author=member, title="Does low-dose naltrexone help fibromyalgia pain?",
                      raw="Small trials suggest it might; what do the reviews say?")


def test_nothing_changed_costs_no_query_for_a_visitor_or_a_member(client, question, other_member,
                                                                   django_assert_num_queries):
    visitor_params = page_state(client, question)
    with django_assert_num_queries(0):
        assert ask(client, visitor_params).status_code == 204
    client.force_login(other_member)
    member_params = page_state(client, question)
    with django_assert_num_queries(0):
        assert ask(client, member_params).status_code == 204


def test_a_new_reply_reaches_an_open_page_rendered_like_the_page(client, question, other_member):
    params = page_state(client, question)
    make_reply(topic=question, author=other_member, raw="A 2021 trial found a modest effect.")
    answer = ask(client, params).json()
    [new] = answer["topic"]["posts"]
    assert new["number"] == 2 and not new["mine"]
    assert "A 2021 trial found a modest effect." in new["html"]
    assert 'id="post-2"' in new["html"]
    # Asked again with the new token and the post shown, there is nothing more to tell.
    assert ask(client, params, t=answer["tokens"]["topic"], last=2,
               v=params["v"] + "." + new["version"]).status_code == 204


def test_unchanged_posts_are_not_sent_again(client, question, other_member):
    reply = make_reply(topic=question, author=other_member, raw="First answer.")
    params = page_state(client, question)
    post_edit(editor=other_member, post=reply, raw="First answer, corrected.")
    changed = ask(client, params).json()["topic"]["posts"]
    assert [p["number"] for p in changed] == [2]
    assert "First answer, corrected." in changed[0]["html"]


def test_a_readers_own_reply_is_marked_as_theirs(client, question, member):
    client.force_login(member)
    params = page_state(client, question)
    make_reply(topic=question, author=member, raw="Adding a detail to my question.")
    [mine] = ask(client, params).json()["topic"]["posts"]
    assert mine["mine"] is True


def test_a_hidden_post_disappears_for_a_visitor_and_a_hidden_new_post_never_arrives(client, question, other_member,
                                                                                    moderator):
    reply = make_reply(topic=question, author=other_member, raw="Buy my supplement at example.com")
    params = page_state(client, question)
    post_hide(moderator=moderator, post=reply, reason="Spam")
    [hidden] = ask(client, params).json()["topic"]["posts"]
    assert "Buy my supplement" not in hidden["html"]
    assert "This post was hidden by a moderator." in hidden["html"]

    params = page_state(client, question)
    spam = make_reply(topic=question, author=other_member, raw="More supplement spam")
    post_hide(moderator=moderator, post=spam, reason="Spam")
    answer = ask(client, params).json()
    assert answer["topic"]["posts"] == []
    assert "More supplement spam" not in str(answer)


def test_a_moderator_still_receives_a_hidden_post(client, question, other_member, moderator):
    client.force_login(moderator)
    params = page_state(client, question)
    spam = make_reply(topic=question, author=other_member, raw="More supplement spam")
    post_hide(moderator=moderator, post=spam, reason="Spam")
    [post] = ask(client, params).json()["topic"]["posts"]
    assert "More supplement spam" in post["html"] and "Hidden from readers." in post["html"]


def test_a_deleted_post_shows_as_deleted_and_a_deleted_topic_is_gone(client, question, other_member, member):
    reply = make_reply(topic=question, author=other_member, raw="Second thoughts.")
    params = page_state(client, question)
    post_delete(actor=other_member, post=reply)
    [deleted] = ask(client, params).json()["topic"]["posts"]
    assert "Second thoughts." not in deleted["html"]
    assert "deleted by its author" in deleted["html"]

    params = page_state(client, question)
    post_delete(actor=member, post=question.posts.get(post_number=1))
    assert ask(client, params).json()["topic"] == {"gone": True}


def test_accepted_answers_and_helpful_counts_update_in_place(client, question, member, other_member):
    reply = make_reply(topic=question, author=other_member, raw="The 2013 crossover trial.")
    params = page_state(client, question)
    vote_toggle(user=UserFactory(), post=reply)
    answer_accept(user=member, post=reply)
    changed = {p["number"]: p for p in ask(client, params).json()["topic"]["posts"]}[2]
    assert "Accepted answer" in changed["html"]
    assert "1 found this helpful" in changed["html"]


def test_a_changed_quote_status_reaches_the_quoting_post(client, question, member, other_member,
                                                         django_capture_on_commit_callbacks):
    quoted = make_reply(topic=question, author=other_member, raw="Pain fell by a third in the trial.")
    make_reply(topic=question, author=member,
               raw='[quote="omar, post:2, topic:%d"]\nPain fell by a third in the trial.\n[/quote]\nSource?' % question.pk)
    params = page_state(client, question)
    with django_capture_on_commit_callbacks(execute=True):  # the re-check runs after commit
        post_edit(editor=other_member, post=quoted, raw="Pain fell a little in the trial.")
    numbers = [p["number"] for p in ask(client, params).json()["topic"]["posts"]]
    assert 3 in numbers  # the quote no longer matches what it quotes


def test_notifications_count_is_told_to_their_member_only(client, question, member, other_member):
    client.force_login(member)
    params = page_state(client, question)
    make_reply(topic=question, author=other_member, raw="Replying to your question.")
    answer = ask(client, params).json()
    assert answer["notifications"] == {"unread": 1}

    # Someone else's token and id get nothing of theirs: the answer is the asker's own.
    client.force_login(other_member)
    assert ask(client, params).json() == {"stop": True}


def test_a_notification_read_elsewhere_lowers_the_count(client, question, member, other_member):
    notify(recipient=member, kind="mentioned", actor=other_member, post=question.posts.first())
    client.force_login(member)
    params = page_state(client, question)
    client.post(reverse("forum:notifications_read_all"))
    assert ask(client, params).json()["notifications"] == {"unread": 0}


def test_review_count_reaches_moderators_and_no_one_else(client, question, member, other_member, moderator):
    reply = make_reply(topic=question, author=other_member, raw="Questionable claim.")
    client.force_login(moderator)
    params = page_state(client, question)
    assert "review" in params
    flag_create(flagger=member, post=reply, reason="other", note="No source")
    assert ask(client, params).json()["review"] == {"open": 1}
    params = page_state(client, question)
    flags_resolve(moderator=moderator, post=reply, outcome="disagree")
    assert ask(client, params).json()["review"] == {"open": 0}

    client.force_login(member)
    member_params = page_state(client, question)
    assert "review" not in member_params
    flag_create(flagger=moderator, post=reply, reason="other", note="Again")
    assert "review" not in ask(client, {**member_params, "review": params["review"]}).json()


def test_topic_lists_count_new_or_updated_topics_the_reader_may_see(client, question, other_member, moderator):
    html = client.get(reverse("forum:latest")).content.decode()
    token = re.search(r'data-live-list="([^"]*)"', html)[1]
    since = re.search(r'data-live-since="(\d+)"', html)[1]
    params = {"list": token, "since": since, "wait": "0"}
    make_reply(topic=question, author=other_member, raw="New evidence.")
    hidden = make_topic(author=other_member, title="A topic about to be deleted")
    post_delete(actor=moderator, post=hidden.posts.get(post_number=1))
    assert client.get(LIVE, params).json()["list"] == {"new": 1}


def test_malformed_requests_get_a_clear_400(client):
    assert client.get(LIVE).status_code == 400
    assert client.get(LIVE, {"topic": "x", "t": "abc"}).status_code == 400


def test_a_page_catches_up_after_the_cache_lost_its_tokens(client, question, other_member):
    from django.core.cache import cache

    params = page_state(client, question)
    make_reply(topic=question, author=other_member, raw="Posted while the reader was offline.")
    cache.clear()  # a Redis restart: every token is new, so every page asks again
    posts = ask(client, params).json()["topic"]["posts"]
    assert [p["number"] for p in posts] == [2]


def test_when_the_cache_is_down_the_page_is_told_to_come_back_later(client, question, monkeypatch):
    params = page_state(client, question)

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr("forum.live.views.generations_current", down)
    response = ask(client, params)
    assert response.status_code == 503 and response["Retry-After"] == "30"
