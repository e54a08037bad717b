import pytest
from django.core.exceptions import PermissionDenied

from forum.discussion.deleting import post_delete
from forum.discussion.editing import post_edit
from forum.models import PostRevision, Topic
from tests.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db


def test_an_edit_keeps_the_previous_text_who_replaced_it_and_why(member, other_member):
    topic = make_topic(author=member)
    reply = make_reply(topic=topic, author=other_member, raw="LDN is proven.")

    edited = post_edit(editor=other_member, post=reply, raw="LDN is *not* proven.", reason="  Overstated it  ")

    assert edited.raw == "LDN is *not* proven."
    assert "<em>not</em>" in edited.cooked
    assert edited.version == 2
    assert edited.edited_at is not None
    revision = edited.revisions.get()
    assert (revision.number, revision.raw, revision.edited_by, revision.reason) == (
        1, "LDN is proven.", other_member, "Overstated it")


def test_successive_edits_keep_every_version(member):
    post = make_topic(author=member, raw="v1").posts.get(post_number=1)

    post_edit(editor=member, post=post, raw="v2")
    post_edit(editor=member, post=post, raw="v3")

    assert list(post.revisions.values_list("number", "raw")) == [(1, "v1"), (2, "v2")]
    assert post.version == 3 and post.raw == "v3"


def test_editing_the_first_post_can_change_the_topic_title(member):
    topic = make_topic(author=member, title="LDN and pain")
    first = topic.posts.get(post_number=1)

    post_edit(editor=member, post=first, raw=first.raw, title=" Does LDN help fibromyalgia pain? ")

    topic.refresh_from_db()
    assert topic.title == "Does LDN help fibromyalgia pain?"
    assert first.revisions.get().title == "LDN and pain"


def test_a_title_passed_for_a_reply_is_ignored(member):
    topic = make_topic(author=member, title="The original title")
    reply = make_reply(topic=topic, author=member, raw="Same words")

    post_edit(editor=member, post=reply, raw="Same words", title="A hijacked title")

    topic.refresh_from_db()
    assert topic.title == "The original title"
    assert PostRevision.objects.count() == 0


def test_saving_unchanged_text_makes_no_revision(member):
    topic = make_topic(author=member, title="Nothing to change here", raw="Unchanged")
    first = topic.posts.get(post_number=1)

    result = post_edit(editor=member, post=first, raw="Unchanged", title="Nothing to change here")

    assert result.version == 1
    assert result.edited_at is None
    assert PostRevision.objects.count() == 0


def test_members_cannot_edit_someone_elses_post(member, other_member):
    post = make_topic(author=member, raw="Mine").posts.get(post_number=1)

    with pytest.raises(PermissionDenied, match="your own posts"):
        post_edit(editor=other_member, post=post, raw="Vandalised")

    post.refresh_from_db()
    assert post.raw == "Mine"
    assert PostRevision.objects.count() == 0


def test_moderators_can_edit_anyones_post_and_are_recorded_as_editor(member, moderator):
    post = make_topic(author=member, raw="Call 555-0100 for cures").posts.get(post_number=1)

    post_edit(editor=moderator, post=post, raw="[phone number removed]", reason="Personal data")

    assert post.raw == "[phone number removed]"
    assert post.revisions.get().edited_by == moderator


def test_deleted_posts_cannot_be_edited(member, other_member, moderator):
    reply = make_reply(topic=make_topic(author=member), author=other_member, raw="Gone")
    post_delete(actor=other_member, post=reply)

    for editor in (other_member, moderator):
        with pytest.raises(PermissionDenied, match="deleted"):
            post_edit(editor=editor, post=reply, raw="Back again")
    reply.refresh_from_db()
    assert reply.raw == "Gone"


def test_posts_in_archived_topics_are_frozen_for_members(member):
    topic = make_topic(author=member, raw="Old words")
    Topic.objects.filter(pk=topic.pk).update(state=Topic.State.ARCHIVED)
    post = Topic.objects.get(pk=topic.pk).posts.get(post_number=1)

    with pytest.raises(PermissionDenied, match="archived"):
        post_edit(editor=member, post=post, raw="New words")
