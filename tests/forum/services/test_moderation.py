"""Moderators' actions on topics, posts and members: each is logged once, told to the person it
touches, and has the effect readers see."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from forum.discussion.answers import vote_toggle
from forum.discussion.posting import reply_create
from forum.models import ModerationAction, Notification, NotificationKind, Post, Topic
from forum.moderation import actions as moderation
from forum.moderation.flagging import flag_create
from tests.factories import CategoryFactory, UserFactory, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(member):
    return make_topic(author=member, title="Is intermittent fasting safe?", raw="The question.")


@pytest.fixture
def reply(topic, other_member):
    return make_reply(topic=topic, author=other_member, raw="Fasting cured everything for me.")


TOPIC_ACTIONS = [
    ("pin", lambda mod, t: moderation.topic_set_pinned(moderator=mod, topic=t, pinned=True, reason="Read first"),
     lambda t: t.pinned and not t.pinned_globally),
    ("pin_site_wide", lambda mod, t: moderation.topic_set_pinned(moderator=mod, topic=t, pinned=True, site_wide=True,
                                                                 reason="Read first"),
     lambda t: t.pinned_globally),
    ("close", lambda mod, t: moderation.topic_set_state(moderator=mod, topic=t, state="closed", reason="Read first"),
     lambda t: t.state == "closed"),
    ("archive", lambda mod, t: moderation.topic_set_state(moderator=mod, topic=t, state="archived",
                                                          reason="Read first"),
     lambda t: t.state == "archived"),
    ("unlist", lambda mod, t: moderation.topic_set_listed(moderator=mod, topic=t, listed=False, reason="Read first"),
     lambda t: t.unlisted),
    ("move", lambda mod, t: moderation.topic_move(moderator=mod, topic=t, category=CategoryFactory(slug="nutrition"),
                                                  reason="Read first"),
     lambda t: t.category.slug == "nutrition"),
    ("retitle", lambda mod, t: moderation.topic_retitle(moderator=mod, topic=t, title="Is time-restricted eating safe?",
                                                        reason="Read first"),
     lambda t: t.title == "Is time-restricted eating safe?"),
    ("delete_topic", lambda mod, t: moderation.topic_delete(moderator=mod, topic=t, reason="Read first"),
     lambda t: t.is_deleted),
]


@pytest.mark.parametrize("action, perform, took_effect", TOPIC_ACTIONS, ids=[a[0] for a in TOPIC_ACTIONS])
def test_each_topic_action_is_logged_once_with_who_what_and_why(moderator, topic, action, perform, took_effect):
    perform(moderator, topic)

    entry = ModerationAction.objects.get()
    assert (entry.actor, entry.action, entry.topic, entry.reason) == (moderator, action, topic, "Read first")
    assert took_effect(Topic.objects.get(pk=topic.pk))


@pytest.mark.parametrize("action, perform, took_effect", TOPIC_ACTIONS, ids=[a[0] for a in TOPIC_ACTIONS])
def test_members_cannot_perform_topic_actions(other_member, topic, action, perform, took_effect):
    with pytest.raises(PermissionDenied):
        perform(other_member, topic)
    assert not ModerationAction.objects.exists()


POST_ACTIONS = [
    ("hide_post", lambda mod, p: moderation.post_hide(moderator=mod, post=p, reason="Unsupported claim"),
     NotificationKind.POST_HIDDEN, lambda p: p.is_hidden),
    ("delete_post", lambda mod, p: moderation.post_moderator_delete(moderator=mod, post=p, reason="Unsupported claim"),
     NotificationKind.POST_DELETED, lambda p: p.is_deleted),
    ("needs_source", lambda mod, p: moderation.post_mark_needs_source(moderator=mod, post=p,
                                                                      reason="Unsupported claim"),
     NotificationKind.NEEDS_SOURCE, lambda p: p.needs_source),
    ("edit_post", lambda mod, p: moderation.post_moderator_edit(moderator=mod, post=p, raw="Fasting helped me.",
                                                                reason="Unsupported claim"),
     NotificationKind.POST_EDITED, lambda p: p.raw == "Fasting helped me."),
]


@pytest.mark.parametrize("action, perform, kind, took_effect", POST_ACTIONS, ids=[a[0] for a in POST_ACTIONS])
def test_each_post_action_is_logged_once_and_the_author_told_why(moderator, reply, action, perform, kind, took_effect):
    perform(moderator, reply)

    entry = ModerationAction.objects.get()
    assert (entry.actor, entry.action, entry.post, entry.target_user, entry.reason) == (
        moderator, action, reply, reply.author, "Unsupported claim")
    note = Notification.objects.get(kind=kind)
    assert (note.recipient, note.message) == (reply.author, "Unsupported claim")
    reply.refresh_from_db()
    assert took_effect(reply)


def test_a_moderator_acting_on_their_own_post_is_not_notified(moderator, topic):
    own = make_reply(topic=topic, author=moderator, raw="My own words.")

    moderation.post_hide(moderator=moderator, post=own, reason="Testing")

    assert ModerationAction.objects.count() == 1
    assert not Notification.objects.filter(recipient=moderator).exists()


def test_unhide_and_restore_are_logged_and_told(moderator, reply):
    moderation.post_hide(moderator=moderator, post=reply, reason="Hmm")
    moderation.post_unhide(moderator=moderator, post=reply, reason="On reflection, fine")
    moderation.post_moderator_delete(moderator=moderator, post=reply, reason="Hmm")
    moderation.post_restore(moderator=moderator, post=reply, reason="On reflection, fine")

    reply.refresh_from_db()
    assert not reply.is_hidden and not reply.is_deleted
    assert list(ModerationAction.objects.order_by("pk").values_list("action", flat=True)) == [
        "hide_post", "unhide_post", "delete_post", "restore_post"]
    told = Notification.objects.filter(recipient=reply.author, kind__startswith="post_").order_by("pk")
    assert list(told.values_list("kind", "message")) == [
        ("post_hidden", "Hmm"), ("post_unhidden", "On reflection, fine"),
        ("post_deleted", "Hmm"), ("post_restored", "On reflection, fine")]


def test_site_wide_pins_lead_every_list_and_category_pins_only_their_category(client, moderator, member):
    category = CategoryFactory(name="Sleep", slug="sleep")
    site_wide = make_topic(author=member, category=category, title="Site-wide announcement")
    in_category = make_topic(author=member, category=category, title="Category rules")
    make_topic(author=member, category=category, title="The newest ordinary topic")

    moderation.topic_set_pinned(moderator=moderator, topic=site_wide, pinned=True, site_wide=True)
    moderation.topic_set_pinned(moderator=moderator, topic=in_category, pinned=True)

    latest = [t.title for t in Topic.objects.listed().for_list()]
    in_sleep = [t.title for t in Topic.objects.listed().filter(category=category).for_list(in_category=True)]
    assert latest[0] == "Site-wide announcement" and latest[1] == "The newest ordinary topic"
    assert in_sleep[:2] == ["Site-wide announcement", "Category rules"]
    page = client.get(reverse("forum:category", args=["sleep"])).content.decode()
    assert page.index("Site-wide announcement") < page.index("Category rules") < page.index("The newest ordinary")


def test_a_closed_topic_refuses_member_replies_but_not_moderators(moderator, other_member, topic, client):
    moderation.topic_set_state(moderator=moderator, topic=topic, state="closed", reason="Settled")

    with pytest.raises(PermissionDenied, match="closed"):
        reply_create(author=other_member, topic=topic, raw="One more thing")
    client.force_login(other_member)
    response = client.post(reverse("forum:reply", args=[topic.pk]), {"raw": "One more thing"})
    assert response.status_code == 403 and "One more thing" in response.content.decode()
    assert reply_create(author=moderator, topic=topic, raw="Closing note.").post_number == 2


def test_an_archived_topic_refuses_replies_and_edits(moderator, member, topic):
    moderation.topic_set_state(moderator=moderator, topic=topic, state="archived")

    from forum.discussion.editing import post_edit
    with pytest.raises(PermissionDenied, match="archived"):
        post_edit(editor=member, post=topic.posts.get(post_number=1), raw="Changed")
    with pytest.raises(PermissionDenied, match="archived"):
        reply_create(author=member, topic=topic, raw="More")


def test_an_unlisted_topic_leaves_the_lists_but_its_link_still_works(client, moderator, topic):
    moderation.topic_set_listed(moderator=moderator, topic=topic, listed=False)

    assert topic.title not in client.get(reverse("forum:latest")).content.decode()
    assert topic.title not in client.get(reverse("forum:category", args=[topic.category.slug])).content.decode()
    assert client.get(topic.get_absolute_url()).status_code == 200


def test_a_moved_topic_appears_in_its_new_category_and_loses_its_category_pin(client, moderator, topic):
    moderation.topic_set_pinned(moderator=moderator, topic=topic, pinned=True)
    nutrition = CategoryFactory(name="Nutrition", slug="nutrition")

    moderation.topic_move(moderator=moderator, topic=topic, category=nutrition, reason="Belongs there")

    assert topic.category == nutrition and not topic.pinned
    assert topic.title in client.get(reverse("forum:category", args=["nutrition"])).content.decode()
    assert ModerationAction.objects.filter(action="move").get().details["to"] == "Nutrition"


def test_a_retitle_is_kept_in_the_first_posts_history(client, moderator, topic):
    moderation.topic_retitle(moderator=moderator, topic=topic, title="Is time-restricted eating safe?",
                             reason="Clearer")

    first = topic.posts.get(post_number=1)
    revision = first.revisions.get()
    assert (revision.title, revision.edited_by, revision.reason) == ("Is intermittent fasting safe?", moderator,
                                                                      "Clearer")
    history = client.get(first.revisions_url()).content.decode()
    assert "Is intermittent fasting safe?" in history and "Is time-restricted eating safe?" in history


def test_a_hidden_post_shows_readers_a_placeholder_and_its_author_the_reason(client, moderator, reply, topic):
    moderation.post_hide(moderator=moderator, post=reply, reason="Medical claim without evidence")

    reader_page = client.get(topic.get_absolute_url()).content.decode()
    assert "This post was hidden by a moderator." in reader_page
    assert "Fasting cured everything" not in reader_page
    client.force_login(reply.author)
    author_page = client.get(topic.get_absolute_url()).content.decode()
    assert "Medical claim without evidence" in author_page and "Fasting cured everything" in author_page


def test_a_deleted_and_restored_topic_leaves_and_returns_to_the_lists(client, moderator, topic):
    moderation.topic_delete(moderator=moderator, topic=topic, reason="Duplicate")
    assert topic.title not in client.get(reverse("forum:latest")).content.decode()
    assert client.get(topic.get_absolute_url()).status_code == 404

    moderation.topic_restore(moderator=moderator, topic=topic, reason="Not a duplicate after all")

    assert topic.title in client.get(reverse("forum:latest")).content.decode()
    assert [e.action for e in ModerationAction.objects.order_by("pk")] == ["delete_topic", "restore_topic"]


def test_deleting_the_first_post_deletes_the_topic_and_restoring_it_brings_both_back(moderator, topic):
    first = topic.posts.get(post_number=1)

    moderation.post_moderator_delete(moderator=moderator, post=first, reason="Spam")
    topic.refresh_from_db()
    assert topic.is_deleted
    moderation.post_restore(moderator=moderator, post=first)

    topic.refresh_from_db()
    first.refresh_from_db()
    assert not topic.is_deleted and not first.is_deleted


class TestSuspension:
    @pytest.fixture
    def suspended(self, moderator, other_member):
        until = timezone.now() + timedelta(days=3)
        moderation.user_suspend(moderator=moderator, user=other_member, until=until, reason="Repeated adverts")
        return other_member

    def test_it_is_logged_and_the_member_told_until_when_and_why(self, moderator, suspended):
        entry = ModerationAction.objects.get()
        assert (entry.actor, entry.action, entry.target_user, entry.reason) == (
            moderator, "suspend", suspended, "Repeated adverts")
        note = Notification.objects.get(recipient=suspended, kind=NotificationKind.SUSPENDED)
        assert note.kind == NotificationKind.SUSPENDED and "Repeated adverts" in note.message
        assert f"{suspended.suspended_until:%d %b %Y}" in note.message

    @pytest.mark.parametrize("write", ["post", "vote", "flag"])
    def test_it_blocks_writing_with_the_date_and_reason(self, suspended, topic, write):
        post = topic.posts.get(post_number=1)
        do = {
            "post": lambda: reply_create(author=suspended, topic=topic, raw="Still here"),
            "vote": lambda: vote_toggle(user=suspended, post=post),
            "flag": lambda: flag_create(flagger=suspended, post=post, reason="spam"),
        }[write]
        with pytest.raises(PermissionDenied) as refused:
            do()
        assert f"suspended until {suspended.suspended_until:%d %b %Y}" in str(refused.value)
        assert "Repeated adverts" in str(refused.value)

    def test_they_can_still_read_and_see_why(self, client, suspended, topic):
        client.force_login(suspended)
        page = client.get(topic.get_absolute_url())
        assert page.status_code == 200
        assert "Repeated adverts" in page.content.decode()

    def test_lifting_it_lets_them_post_again(self, moderator, suspended, topic):
        moderation.user_unsuspend(moderator=moderator, user=suspended, reason="Appeal accepted")

        assert not suspended.is_suspended
        assert reply_create(author=suspended, topic=topic, raw="Thanks").post_number == 2
        assert ModerationAction.objects.filter(action="unsuspend", target_user=suspended,
                                               reason="Appeal accepted").count() == 1

    @pytest.mark.parametrize("role", ["moderator", "admin"])
    def test_moderators_and_admins_cannot_be_suspended(self, moderator, role):
        colleague = UserFactory(role=role)
        with pytest.raises(PermissionDenied):
            moderation.user_suspend(moderator=moderator, user=colleague, until=timezone.now() + timedelta(days=1),
                                    reason="No")
        colleague.refresh_from_db()
        assert not colleague.is_suspended and not ModerationAction.objects.exists()

    def test_the_suspend_page_needs_a_reason_and_days(self, client, moderator, member):
        client.force_login(moderator)
        response = client.post(reverse("forum:suspend", args=[member.username]), {"days": "0", "reason": ""})
        assert response.status_code == 400
        member.refresh_from_db()
        assert not member.is_suspended


class TestDestructiveActionsAskFirst:
    """Without JavaScript a delete first answers with a page that asks; only the confirmed request acts."""

    @pytest.fixture
    def mod_client(self, client, moderator):
        client.force_login(moderator)
        return client

    def test_deleting_a_topic(self, mod_client, member):
        topic = make_topic(author=member, title="Is cold water immersion good for recovery?")
        url = reverse("forum:topic_moderate", args=[topic.pk])

        asked = mod_client.post(url, {"action": "delete", "reason": "Duplicate"})
        page = parse(asked.content)
        assert asked.status_code == 200 and "Delete this topic?" in page.text
        assert "“Is cold water immersion good for recovery?”" in page.text
        assert page.find("input", id="confirm-reason").get("value") == "Duplicate"
        assert not Topic.objects.get(pk=topic.pk).is_deleted

        done = mod_client.post(url, {"action": "delete", "reason": "Duplicate", "confirm": "yes"})
        assert done.status_code == 302 and Topic.objects.get(pk=topic.pk).is_deleted

    @pytest.mark.parametrize("where", ["moderate page", "review queue"])
    def test_deleting_a_post(self, mod_client, member, other_member, where):
        reply = make_reply(topic=make_topic(author=member), author=other_member)
        if where == "moderate page":
            url, data = reverse("forum:post_moderate", args=[reply.pk]), {"action": "delete"}
        else:
            flag_create(flagger=member, post=reply, reason="spam")
            url, data = reverse("forum:review_post", args=[reply.pk]), {"outcome": "delete"}

        asked = mod_client.post(url, data)
        assert asked.status_code == 200 and "Delete post #2" in parse(asked.content).text
        assert not Post.objects.get(pk=reply.pk).is_deleted

        mod_client.post(url, {**data, "confirm": "yes"})
        assert Post.objects.get(pk=reply.pk).is_deleted


class TestStaffNotes:
    def test_moderators_leave_notes_that_only_moderators_see(self, client, moderator, member, other_member):
        client.force_login(moderator)
        response = client.post(reverse("forum:staff_note", args=[other_member.username]),
                               {"text": "Warned twice about supplement adverts."})
        assert response.status_code == 302
        assert ModerationAction.objects.get(action="staff_note").target_user == other_member

        profile = parse(client.get(other_member.get_absolute_url()).content)
        assert "Warned twice about supplement adverts." in profile.text

        client.force_login(member)
        assert "Warned twice" not in parse(client.get(other_member.get_absolute_url()).content).text
        assert client.post(reverse("forum:staff_note", args=[other_member.username]),
                           {"text": "sneaky"}).status_code == 403
        client.force_login(other_member)
        assert "Warned twice" not in parse(client.get(other_member.get_absolute_url()).content).text

    def test_the_review_queue_shows_notes_on_each_flagged_author(self, client, moderator, member, other_member):
        reply = make_reply(topic=make_topic(author=member), author=other_member)
        flag_create(flagger=member, post=reply, reason="spam")
        moderation.staff_note_add(moderator=moderator, member=other_member, text="Sells red light panels.")
        client.force_login(moderator)

        page = parse(client.get(reverse("forum:review_queue")).content)

        notes = page.find("details", class_="review-item__notes")
        assert "Staff notes on" in notes.text and "(1)" in notes.text and "Sells red light panels." in notes.text
