import pytest
from django.core.exceptions import PermissionDenied

from forum.discussion.deleting import post_delete
from forum.models import Post, Topic
from tests.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db


def test_deleting_a_reply_is_soft_and_records_who(member, other_member):
    topic = make_topic(author=member)
    reply = make_reply(topic=topic, author=other_member, raw="Regrettable words")

    post_delete(actor=other_member, post=reply)

    stored = Post.objects.get(pk=reply.pk)
    assert stored.is_deleted
    assert stored.deleted_by == other_member
    assert stored.raw == "Regrettable words"  # moderators can still read it
    topic.refresh_from_db()
    assert not topic.is_deleted
    assert topic.posts_count == 2  # the number stays taken by the placeholder


def test_deleting_the_first_post_deletes_the_topic(member):
    topic = make_topic(author=member)

    post_delete(actor=member, post=topic.posts.get(post_number=1))

    topic.refresh_from_db()
    assert topic.is_deleted
    assert topic.deleted_by == member
    assert Topic.objects.visible_to(member).count() == 0


def test_members_cannot_delete_someone_elses_post(member, other_member):
    topic = make_topic(author=member)

    with pytest.raises(PermissionDenied, match="your own posts"):
        post_delete(actor=other_member, post=topic.posts.get(post_number=1))
    assert not Post.objects.get(topic=topic).is_deleted


def test_moderators_can_delete_anyones_post(member, moderator):
    reply = make_reply(topic=make_topic(author=member), author=member)

    post_delete(actor=moderator, post=reply)

    assert Post.objects.get(pk=reply.pk).deleted_by == moderator


def test_a_deleted_post_cannot_be_deleted_again(member):
    reply = make_reply(topic=make_topic(author=member), author=member)
    post_delete(actor=member, post=reply)

    with pytest.raises(PermissionDenied, match="already deleted"):
        post_delete(actor=member, post=reply)
