"""Who may do what. Each `ensure_*` raises PermissionDenied with a reason a user can read;
each `can_*` answers the same question for templates."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.second_factor import ensure_second_factor

from forum.models import Post, Topic


def _is_moderator(user) -> bool:
    return bool(getattr(user, "is_moderator", False))


def _refuse(user, reason: str):
    """Refuses what only a moderator may do. Someone with the role whose sign-in has not passed the
    second factor is told that instead (and sent to the step, their text kept), not that the
    thing is not theirs."""
    if getattr(user, "has_moderator_role", False):
        ensure_second_factor(user)
    raise PermissionDenied(reason)


def ensure_can_act(user) -> None:
    """Any write by a member: signed in, active, email confirmed, not suspended."""
    if not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    if not user.is_active:
        raise PermissionDenied("This account is not active.")
    ensure_not_suspended(user)
    if not _has_verified_email(user):
        raise PermissionDenied("Confirm your email address before posting: check your inbox for the link.")


def _asked_once(user, name: str, ask) -> bool:
    # Asked several times while handling one write; `user` lives for one request, so the answer
    # is kept on it rather than asked of the database again.
    answer = getattr(user, name, None)
    if answer is None:
        answer = ask()
        setattr(user, name, answer)
    return answer


def _has_verified_email(user) -> bool:
    return _asked_once(user, "_has_verified_email",
                       lambda: EmailAddress.objects.filter(user=user, verified=True).exists())


def ensure_not_suspended(user) -> None:
    """Suspended members can read but not write anything others see (posts, flags, studies, bio)."""
    if user.is_suspended:
        from forum.common.dates import moment_text

        reason = f" Reason: {user.suspension_reason}" if user.suspension_reason else ""
        raise PermissionDenied(
            f"You are suspended until {moment_text(user.suspended_until)}: you can read but not "
            f"write.{reason}"
        )


def ensure_can_post(user) -> None:
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to post.")
    ensure_can_act(user)


def is_new_member(user) -> bool:
    """New until both thresholds pass (FORUM_NEW_USER_DAYS and FORUM_NEW_USER_MIN_POSTS); experts
    and moderators never count as new."""
    if getattr(user, "role", "member") != "member" or user.is_superuser:
        return False
    young = user.date_joined > timezone.now() - timedelta(days=settings.FORUM_NEW_USER_DAYS)
    if young:
        return True
    needed = settings.FORUM_NEW_USER_MIN_POSTS
    # Only "fewer than N" matters, so no more than N posts are counted.
    return _asked_once(user, "_has_fewer_posts_than_needed",
                       lambda: Post.objects.filter(author=user, deleted_at__isnull=True)[:needed].count() < needed)


def new_member_limit_lifts(user) -> str:
    """When a new member's limits lift, said for this member: the date, the posts still to
    write, or both (a bare "after 2 days and 3 posts" leaves the reader to do the sums)."""
    from forum.common.dates import moment_text

    needed = settings.FORUM_NEW_USER_MIN_POSTS
    written = Post.objects.filter(author=user, deleted_at__isnull=True)[:needed].count()
    more = needed - written
    posts = f"{more} more post{'' if more == 1 else 's'}"
    lifts_at = user.date_joined + timedelta(days=settings.FORUM_NEW_USER_DAYS)
    if lifts_at > timezone.now():
        when = moment_text(lifts_at)
        return f"The limit lifts on {when}" + (f", once you have written {posts}." if more > 0 else ".")
    return f"The limit lifts once you have written {posts}."


def is_trusted(user) -> bool:
    return user.is_active and not user.is_suspended and not is_new_member(user)


def ensure_can_reply(user, topic: Topic) -> None:
    ensure_can_post(user)
    if topic.is_deleted:
        raise PermissionDenied("This topic has been deleted, so it takes no new replies.")
    if topic.state != Topic.State.OPEN and not _is_moderator(user):
        _refuse(user, f"This topic is {topic.get_state_display().lower()}, so it takes no new replies.")


def can_edit_post(user, post: Post) -> bool:
    if not user.is_authenticated or post.is_deleted:
        return False
    return post.author_id == user.pk or _is_moderator(user)


def ensure_can_edit_post(user, post: Post) -> None:
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to edit posts.")
    ensure_can_act(user)
    if post.is_deleted:
        raise PermissionDenied("This post has been deleted.")
    if not can_edit_post(user, post):
        _refuse(user, "You can only edit your own posts.")
    if post.topic.state == Topic.State.ARCHIVED and not _is_moderator(user):
        _refuse(user, "This topic is archived, so its posts can no longer be edited.")


def ensure_can_delete_post(user, post: Post) -> None:
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to delete posts.")
    ensure_can_act(user)
    if post.is_deleted:
        raise PermissionDenied("This post is already deleted.")
    if post.author_id != user.pk and not _is_moderator(user):
        _refuse(user, "You can only delete your own posts.")


def can_see_deleted(user) -> bool:
    return _is_moderator(user)


def ensure_can_moderate(user) -> None:
    """Every moderator power asks this (or `is_moderator`, the same rule): the role, from a sign-in
    that passed the second factor."""
    if not _is_moderator(user):
        _refuse(user, "Only moderators can do that.")


def can_see_upload(user, upload) -> bool:
    """An uploaded file is as visible as the most visible post that shows it. Not yet in any post
    (being written), only its uploader and moderators fetch it; its name is a content hash,
    so nobody else can guess it anyway."""
    if _is_moderator(user) or (user.is_authenticated and upload.uploader_id == user.pk):
        return True
    posts = upload.posts.all()
    if posts.filter(deleted_at__isnull=True, hidden_at__isnull=True, topic__deleted_at__isnull=True).exists():
        return True
    # A hidden post is still shown to its author, so its pictures are too.
    return user.is_authenticated and posts.filter(author=user, deleted_at__isnull=True,
                                                  topic__deleted_at__isnull=True).exists()
