"""Who may do what. Each `ensure_*` raises PermissionDenied with a reason a user can read;
each `can_*` answers the same question for templates."""

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied

from .models import Post, Topic


def _is_moderator(user) -> bool:
    return bool(getattr(user, "is_moderator", False))


def ensure_can_post(user) -> None:
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to post.")
    if not user.is_active:
        raise PermissionDenied("This account is not active.")
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        raise PermissionDenied("Confirm your email address before posting: check your inbox for the link.")


def ensure_can_reply(user, topic: Topic) -> None:
    ensure_can_post(user)
    if topic.is_deleted:
        raise PermissionDenied("This topic has been deleted, so it takes no new replies.")
    if topic.state != Topic.State.OPEN and not _is_moderator(user):
        raise PermissionDenied(f"This topic is {topic.get_state_display().lower()}, so it takes no new replies.")


def can_edit_post(user, post: Post) -> bool:
    if not user.is_authenticated or post.is_deleted:
        return False
    return post.author_id == user.pk or _is_moderator(user)


def ensure_can_edit_post(user, post: Post) -> None:
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to edit posts.")
    if post.is_deleted:
        raise PermissionDenied("This post has been deleted.")
    if not can_edit_post(user, post):
        raise PermissionDenied("You can only edit your own posts.")
    if post.topic.state == Topic.State.ARCHIVED and not _is_moderator(user):
        raise PermissionDenied("This topic is archived, so its posts can no longer be edited.")


def ensure_can_delete_post(user, post: Post) -> None:
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to delete posts.")
    if post.is_deleted:
        raise PermissionDenied("This post is already deleted.")
    if post.author_id != user.pk and not _is_moderator(user):
        raise PermissionDenied("You can only delete your own posts.")


def can_see_deleted(user) -> bool:
    return _is_moderator(user)


def ensure_can_moderate(user) -> None:
    if not _is_moderator(user):
        raise PermissionDenied("Only moderators can do that.")
