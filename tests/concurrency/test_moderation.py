import pytest
from django.core.exceptions import PermissionDenied

from forum.models import ModerationAction, Post
from forum.moderation.actions import post_hide, post_moderator_delete
from tests.factories import UserFactory, make_reply, make_topic

from .conftest import run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def moderators():
    return UserFactory(role="moderator"), UserFactory(role="moderator")


@pytest.fixture
def reply():
    return make_reply(topic=make_topic(), raw="Vitamin C cures everything.")


def fresh(post):
    return Post.objects.select_related("topic", "author").get(pk=post.pk)


def audit_entries(post):
    return sorted(ModerationAction.objects.filter(post=post).values_list("action", "actor_id"))


def test_hide_and_delete_at_once_leave_the_post_hidden_and_deleted_with_two_audit_entries(moderators, reply):
    first, second = moderators
    _, errors = run_together(
        lambda: post_hide(moderator=first, post=fresh(reply), reason="Misleading health claim"),
        lambda: post_moderator_delete(moderator=second, post=fresh(reply), reason="Spam"),
    )

    assert errors == [None, None]
    post = fresh(reply)
    assert post.is_hidden and post.hidden_reason == "Misleading health claim"
    assert post.is_deleted and post.deleted_by == second
    assert audit_entries(reply) == sorted([("hide_post", first.pk), ("delete_post", second.pk)])


def test_two_moderators_hiding_at_once_leave_one_hidden_post_and_two_audit_entries(moderators, reply):
    first, second = moderators
    _, errors = run_together(
        lambda: post_hide(moderator=first, post=fresh(reply), reason="Reason one"),
        lambda: post_hide(moderator=second, post=fresh(reply), reason="Reason two"),
    )

    assert errors == [None, None]
    post = fresh(reply)
    assert post.is_hidden and post.hidden_reason in {"Reason one", "Reason two"}
    # The later hide (the last audit entry) is the reason that stands.
    assert ModerationAction.objects.filter(post=reply).order_by("-pk").first().reason == post.hidden_reason
    assert audit_entries(reply) == sorted([("hide_post", first.pk), ("hide_post", second.pk)])


def test_two_moderators_deleting_at_once_delete_once_and_log_once(moderators, reply):
    # One after the other, the second is told the post is already deleted; at the same instant
    # the same must hold, or the log would claim two deletions.
    first, second = moderators
    _, errors = run_together(
        lambda: post_moderator_delete(moderator=first, post=fresh(reply), reason="Spam"),
        lambda: post_moderator_delete(moderator=second, post=fresh(reply), reason="Spam"),
    )

    refused = [error for error in errors if error is not None]
    assert len(refused) == 1 and isinstance(refused[0], PermissionDenied)
    post = fresh(reply)
    assert post.is_deleted
    assert [action for action, _ in audit_entries(reply)] == ["delete_post"]
    assert post.deleted_by_id == ModerationAction.objects.get(post=reply).actor_id
