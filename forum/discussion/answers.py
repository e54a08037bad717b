"""Accepted answers and helpful votes."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from forum.access.permissions import ensure_can_act, ensure_can_moderate
from forum.models import ModerationAction, NotificationKind, Post, Topic, Vote

from forum.following.notifying import notify, notify_helpful


def ensure_can_accept(user, topic: Topic) -> None:
    ensure_can_act(user)
    if topic.author_id == user.pk:
        return
    # Choosing the answer on someone else's question is moderator power, under the same rule.
    if not getattr(user, "has_moderator_role", False):
        raise PermissionDenied("Only the person who asked, or a moderator, can choose the answer.")
    ensure_can_moderate(user)


def answer_accept(*, user, post: Post) -> Topic:
    topic = post.topic
    ensure_can_accept(user, topic)
    if post.is_first:
        raise PermissionDenied("The question cannot be its own answer.")
    if post.author_id == user.pk == topic.author_id:
        # As on Stack Exchange, the asker's own reply is not "the answer" she accepts: it would
        # present her conclusion as the one the thread settled on.
        raise PermissionDenied("You cannot accept your own reply as the answer to your question.")
    if post.is_deleted or post.is_hidden:
        raise PermissionDenied("A deleted or hidden post cannot be the answer.")
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(accepted_answer=post, accepted_at=timezone.now())
        if user.pk != topic.author_id:
            ModerationAction.objects.create(actor=user, action="accept_answer", topic=topic, post=post)
        notify(recipient=post.author, kind=NotificationKind.ACCEPTED, actor=user, post=post)
    topic.refresh_from_db()
    return topic


def answer_unaccept(*, user, topic: Topic) -> Topic:
    ensure_can_accept(user, topic)
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(accepted_answer=None, accepted_at=None)
        if user.pk != topic.author_id:
            ModerationAction.objects.create(actor=user, action="unaccept_answer", topic=topic)
    topic.refresh_from_db()
    return topic


def vote_toggle(*, user, post: Post) -> tuple[bool, int]:
    """Found helpful, or not any more. Returns (voted, new count)."""
    voted = Vote.objects.filter(post=post, user=user).exists()
    return vote_set(user=user, post=post, helpful=not voted)


def vote_set(*, user, post: Post, helpful: bool) -> tuple[bool, int]:
    """Found helpful (or not): the state asked for, so a repeated submit (a double click, Back and
    submit again) changes nothing more. Returns (voted, new count)."""
    ensure_can_act(user)
    if post.author_id == user.pk:
        raise PermissionDenied("You cannot vote for your own post.")
    if post.is_deleted or post.is_hidden:
        raise PermissionDenied("This post cannot be voted on.")
    with transaction.atomic():
        if not helpful:
            removed, _ = Vote.objects.filter(post=post, user=user).delete()
            if removed:
                Post.objects.filter(pk=post.pk).update(helpful_count=F("helpful_count") - 1)
        else:
            try:
                with transaction.atomic():
                    Vote.objects.create(post=post, user=user)
            except IntegrityError:
                pass  # already voted (a repeat, or a double click that raced itself): the first stands
            else:
                Post.objects.filter(pk=post.pk).update(helpful_count=F("helpful_count") + 1)
                notify_helpful(voter=user, post=post)
    count = Post.objects.values_list("helpful_count", flat=True).get(pk=post.pk)
    return helpful, count
