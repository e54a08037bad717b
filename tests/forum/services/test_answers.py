"""Accepted answers and helpful votes."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from forum.discussion.answers import answer_accept, answer_unaccept, vote_toggle
from forum.discussion.deleting import post_delete
from forum.models import ModerationAction, Notification, NotificationKind, Post, Topic, Vote
from forum.moderation import actions as moderation
from tests.factories import UserFactory, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(member):
    return make_topic(author=member, title="Does vitamin D prevent colds?", raw="The question.")


@pytest.fixture
def answer(topic, other_member):
    return make_reply(topic=topic, author=other_member, raw="Large trials found no effect on colds.")


class TestAccepting:
    def test_the_asker_accepts_and_the_answers_author_is_told(self, member, topic, answer):
        answer_accept(user=member, post=answer)

        topic.refresh_from_db()
        assert topic.accepted_answer == answer
        note = Notification.objects.get(kind=NotificationKind.ACCEPTED)
        assert (note.recipient, note.actor) == (answer.author, member)
        assert not ModerationAction.objects.exists()  # the asker choosing is not moderation

    def test_a_moderator_may_accept_and_it_is_logged(self, moderator, topic, answer):
        answer_accept(user=moderator, post=answer)

        assert ModerationAction.objects.get().action == "accept_answer"

    def test_nobody_else_may_accept(self, topic, answer):
        with pytest.raises(PermissionDenied, match="Only the person who asked"):
            answer_accept(user=UserFactory(), post=answer)

    def test_the_question_cannot_be_its_own_answer(self, member, topic):
        with pytest.raises(PermissionDenied, match="question"):
            answer_accept(user=member, post=topic.posts.get(post_number=1))

    @pytest.mark.parametrize("gone", ["deleted", "hidden"])
    def test_a_deleted_or_hidden_reply_cannot_be_accepted(self, member, moderator, answer, gone):
        if gone == "deleted":
            post_delete(actor=answer.author, post=answer)
        else:
            moderation.post_hide(moderator=moderator, post=answer, reason="Spam")
        answer.refresh_from_db()

        with pytest.raises(PermissionDenied, match="deleted or hidden"):
            answer_accept(user=member, post=answer)

    def test_the_asker_is_not_offered_accept_on_her_own_reply_and_cannot_post_it(self, member, member_client,
                                                                                  topic, answer):
        own = make_reply(topic=topic, author=member, raw="Thanks, that settles it for me.")

        page = parse(member_client.get(topic.get_absolute_url()).content)
        forms = {form.get("action") for form in page.find_all("form", class_="accept-form")}
        assert reverse("forum:post_accept", args=[answer.pk]) in forms
        assert reverse("forum:post_accept", args=[own.pk]) not in forms
        response = member_client.post(reverse("forum:post_accept", args=[own.pk]))
        assert response.status_code == 403
        assert Topic.objects.get(pk=topic.pk).accepted_answer is None
        with pytest.raises(PermissionDenied, match="your own reply"):
            answer_accept(user=member, post=own)

    def test_the_answer_can_be_changed_and_removed(self, member, topic, answer):
        better = make_reply(topic=topic, raw="A meta-analysis shows a small effect.")
        answer_accept(user=member, post=answer)

        answer_accept(user=member, post=better)
        assert Topic.objects.get(pk=topic.pk).accepted_answer == better
        answer_unaccept(user=member, topic=topic)
        assert Topic.objects.get(pk=topic.pk).accepted_answer is None

    def test_the_accept_button_toggles(self, member_client, topic, answer):
        url = reverse("forum:post_accept", args=[answer.pk])
        member_client.post(url)
        assert Topic.objects.get(pk=topic.pk).accepted_answer == answer
        member_client.post(url)
        assert Topic.objects.get(pk=topic.pk).accepted_answer is None

    def test_the_accepted_answer_is_shown_under_the_question_and_highlighted(self, client, member, topic, answer):
        answer_accept(user=member, post=answer)

        page = parse(client.get(topic.get_absolute_url()).content)
        box = page.find("aside", class_="accepted-answer")
        assert "Large trials found no effect on colds." in box.text
        assert f"#{answer.post_number}" in box.text
        assert "post--accepted" in page.find("article", id="post-2").classes

    def test_a_hidden_accepted_answer_leaves_the_box(self, client, member, moderator, topic, answer):
        answer_accept(user=member, post=answer)
        moderation.post_hide(moderator=moderator, post=answer, reason="Spam")

        page = client.get(topic.get_absolute_url()).content.decode()
        assert "accepted-answer" not in page and "Large trials found" not in page


class TestVoting:
    def test_a_vote_is_stored_and_counted_and_a_second_toggles_it_off(self, member, answer):
        assert vote_toggle(user=member, post=answer) == (True, 1)
        assert Post.objects.get(pk=answer.pk).helpful_count == 1
        assert vote_toggle(user=member, post=answer) == (False, 0)
        assert not Vote.objects.exists()

    def test_votes_from_different_members_add_up(self, member, answer):
        vote_toggle(user=member, post=answer)
        vote_toggle(user=UserFactory(), post=answer)
        assert Post.objects.get(pk=answer.pk).helpful_count == 2

    def test_nobody_votes_for_their_own_post(self, other_member, answer):
        with pytest.raises(PermissionDenied, match="own post"):
            vote_toggle(user=other_member, post=answer)
        assert not Vote.objects.exists()

    def test_hidden_posts_take_no_votes(self, member, moderator, answer):
        moderation.post_hide(moderator=moderator, post=answer, reason="Spam")
        with pytest.raises(PermissionDenied):
            vote_toggle(user=member, post=answer)

    def test_the_endpoint_answers_json_to_javascript(self, member_client, answer):
        url = reverse("forum:post_vote", args=[answer.pk])
        response = member_client.post(url, {"helpful": "1"}, headers={"Accept": "application/json"})
        assert response.status_code == 200 and response.json() == {"voted": True, "count": 1}
        # The form asks for a state, so the same press sent twice is not a toggle ...
        response = member_client.post(url, {"helpful": "1"}, headers={"Accept": "application/json"})
        assert response.json() == {"voted": True, "count": 1}
        # ... and taking the vote back is asked for explicitly.
        response = member_client.post(url, {"helpful": "0"}, headers={"Accept": "application/json"})
        assert response.json() == {"voted": False, "count": 0}

    def test_the_endpoint_redirects_a_plain_form_back_to_the_post(self, member_client, answer):
        response = member_client.post(reverse("forum:post_vote", args=[answer.pk]))
        assert response.status_code == 302
        assert response["Location"] == answer.topic.post_page_url(answer.post_number)
        assert Vote.objects.filter(post=answer).count() == 1

    def test_a_refused_json_vote_says_why(self, client, answer):
        client.force_login(answer.author)
        response = client.post(reverse("forum:post_vote", args=[answer.pk]), headers={"Accept": "application/json"})
        assert response.status_code == 403 and "own post" in response.json()["error"]

    def test_the_page_shows_the_count_and_whether_i_voted(self, member_client, member, topic, answer):
        vote_toggle(user=member, post=answer)
        button = parse(member_client.get(topic.get_absolute_url()).content).find("article", id="post-2").descendants()
        vote_button = next(e for e in button if "vote-button" in e.classes)
        assert vote_button.get("aria-pressed") == "true" and "1" in vote_button.text


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_double_vote_never_counts_twice():
    # Two clicks racing: whichever way they interleave, there is at most one vote and the stored
    # count matches it. On SQLite the in-memory database serialises threads, so run them in turn.
    voter, author = UserFactory(), UserFactory()
    answer = make_reply(topic=make_topic(author=author), author=author)
    concurrent = connection.vendor == "postgresql"
    start = threading.Barrier(2) if concurrent else None
    errors = []

    def click():
        try:
            if start:
                start.wait(timeout=10)
            vote_toggle(user=voter, post=Post.objects.get(pk=answer.pk))
        except Exception as exc:
            errors.append(exc)
        finally:
            if concurrent:
                connection.close()

    if concurrent:
        threads = [threading.Thread(target=click) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    else:
        click()
        click()

    assert errors == []
    votes = Vote.objects.filter(post=answer).count()
    assert votes <= 1
    assert Post.objects.get(pk=answer.pk).helpful_count == votes


def test_one_vote_per_member_and_post_is_enforced_by_the_database(member, answer):
    from django.db import IntegrityError, transaction

    Vote.objects.create(post=answer, user=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(post=answer, user=member)
