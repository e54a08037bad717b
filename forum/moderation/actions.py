"""What moderators do to topics, posts and members. Every action is checked, done in a
transaction, written to the audit log (ModerationAction) and, where it touches someone's post or
account, told to them with the reason."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from forum.common.dates import day_text
from forum.models import (
    Category, Flag, FlagState, ModerationAction, NotificationKind, Post, StaffNote, Topic, TopicState,
)
from forum.access.permissions import ensure_can_moderate
from forum.common.one_line import one_line
from forum.markup.excerpt import cut_at_word

from forum.discussion.posting import topic_refresh_expert_answered
from forum.discussion.quote_rechecks import schedule_quote_recheck
from forum.following.notifying import notify


def _log(*, actor, action: str, topic=None, post=None, target_user=None, reason: str = "", **details):
    return ModerationAction.objects.create(
        actor=actor, action=action, topic=topic or (post.topic if post else None), post=post,
        target_user=target_user, reason=one_line(reason)[:300], details=details,
    )


def flag_outcome_message(state: str, reason: str) -> str:
    """What the flagger reads: the outcome and, when the moderator gave one, why."""
    label = FlagState(state).label
    reason = one_line(reason)
    if not reason:
        return label
    return f"{label}. Reason: {cut_at_word(reason, 300 - len(label) - len('. Reason: '))}"


def _settle_flags(*, moderator, post: Post, state: str, reason: str = "") -> int:
    """A moderator who acts on a flagged post has reviewed it: its open flags are settled with
    what was done, and each flagger is told. Without this, hiding a post from the topic page
    left its flag waiting in the queue for a second moderator to review a settled matter."""
    flags = list(Flag.objects.open().filter(post=post).select_related("flagger"))
    if not flags:
        return 0
    Flag.objects.filter(pk__in=[f.pk for f in flags]).update(
        state=state, resolved_by=moderator, resolved_at=timezone.now(), resolution_reason=one_line(reason)[:300])
    for flag in flags:
        notify(recipient=flag.flagger, kind=NotificationKind.FLAG_OUTCOME, actor=moderator, post=post,
               message=flag_outcome_message(state, reason))
    return len(flags)


def _log_post_action(*, moderator, action: str, post: Post, reason: str, settles: str | None) -> None:
    settled = _settle_flags(moderator=moderator, post=post, state=settles, reason=reason) if settles else 0
    details = {"flags_settled": settled} if settled else {}
    _log(actor=moderator, action=action, post=post, target_user=post.author, reason=reason, **details)


# --- topics -------------------------------------------------------------------------------------

def topic_set_pinned(*, moderator, topic: Topic, pinned: bool, site_wide: bool = False, reason: str = "") -> Topic:
    ensure_can_moderate(moderator)
    field = "pinned_globally" if site_wide else "pinned"
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(**{field: pinned})
        _log(actor=moderator, action=f"{'pin' if pinned else 'unpin'}{'_site_wide' if site_wide else ''}",
             topic=topic, reason=reason)
    topic.refresh_from_db()
    return topic


def topic_set_state(*, moderator, topic: Topic, state: str, reason: str = "") -> Topic:
    ensure_can_moderate(moderator)
    if state not in TopicState.values:
        raise ValueError(f"unknown topic state {state!r}")
    with transaction.atomic():
        previous = Topic.objects.select_for_update().values_list("state", flat=True).get(pk=topic.pk)
        Topic.objects.filter(pk=topic.pk).update(state=state)
        action = {"open": "reopen", "closed": "close", "archived": "archive"}[state]
        _log(actor=moderator, action=action, topic=topic, reason=reason, previous=previous)
    topic.refresh_from_db()
    return topic


def topic_set_listed(*, moderator, topic: Topic, listed: bool, reason: str = "") -> Topic:
    ensure_can_moderate(moderator)
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(unlisted=not listed)
        _log(actor=moderator, action="list" if listed else "unlist", topic=topic, reason=reason)
    topic.refresh_from_db()
    return topic


def topic_move(*, moderator, topic: Topic, category: Category, reason: str = "") -> Topic:
    ensure_can_moderate(moderator)
    with transaction.atomic():
        previous = topic.category.name
        Topic.objects.filter(pk=topic.pk).update(category=category, pinned=False)
        _log(actor=moderator, action="move", topic=topic, reason=reason, previous=previous, to=category.name)
    topic.refresh_from_db()
    return topic


def topic_retitle(*, moderator, topic: Topic, title: str, reason: str = "") -> Topic:
    """A new title, kept in the first post's history like any other edit."""
    from forum.discussion.editing import post_edit

    ensure_can_moderate(moderator)
    title, reason = one_line(title), one_line(reason)
    first = topic.posts.get(post_number=1)
    previous = topic.title
    with transaction.atomic():
        post_edit(editor=moderator, post=first, raw=first.raw, title=title, reason=reason or "Retitled")
        _log(actor=moderator, action="retitle", topic=topic, reason=reason, previous=previous, to=title)
    topic.refresh_from_db()
    return topic


def topic_delete(*, moderator, topic: Topic, reason: str = "") -> Topic:
    ensure_can_moderate(moderator)
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk, deleted_at__isnull=True).update(deleted_at=timezone.now(), deleted_by=moderator)
        _log(actor=moderator, action="delete_topic", topic=topic, reason=reason)
        schedule_quote_recheck(topic.posts.get(post_number=1))
    topic.refresh_from_db()
    return topic


def topic_restore(*, moderator, topic: Topic, reason: str = "") -> Topic:
    ensure_can_moderate(moderator)
    with transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(deleted_at=None, deleted_by=None)
        # Deleting a topic through its first post deletes that post too; restoring brings both back.
        Post.objects.filter(topic=topic, post_number=1).update(deleted_at=None, deleted_by=None)
        _log(actor=moderator, action="restore_topic", topic=topic, reason=reason)
        schedule_quote_recheck(topic.posts.get(post_number=1))
    topic.refresh_from_db()
    return topic


# --- posts --------------------------------------------------------------------------------------

def post_hide(*, moderator, post: Post, reason: str, notify_author: bool = True, log: bool = True) -> Post:
    ensure_can_moderate(moderator)
    with transaction.atomic():
        reason = one_line(reason)
        Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now(), hidden_reason=reason[:300])
        if log:
            _log_post_action(moderator=moderator, action="hide_post", post=post, reason=reason,
                             settles=FlagState.AGREED)
        if notify_author:
            notify(recipient=post.author, kind=NotificationKind.POST_HIDDEN, actor=moderator, post=post, message=reason)
        schedule_quote_recheck(post)
        topic_refresh_expert_answered(post.topic_id)
    post.refresh_from_db()
    return post


def post_unhide(*, moderator, post: Post, reason: str = "") -> Post:
    ensure_can_moderate(moderator)
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(hidden_at=None, hidden_reason="")
        _log(actor=moderator, action="unhide_post", post=post, target_user=post.author, reason=reason)
        notify(recipient=post.author, kind=NotificationKind.POST_UNHIDDEN, actor=moderator, post=post, message=reason)
        schedule_quote_recheck(post)
        topic_refresh_expert_answered(post.topic_id)
    post.refresh_from_db()
    return post


def post_moderator_delete(*, moderator, post: Post, reason: str = "", log: bool = True) -> Post:
    from forum.discussion.deleting import post_delete

    ensure_can_moderate(moderator)
    with transaction.atomic():
        post_delete(actor=moderator, post=post)
        if log:
            _log_post_action(moderator=moderator, action="delete_post", post=post, reason=reason,
                             settles=FlagState.DELETED)
        notify(recipient=post.author, kind=NotificationKind.POST_DELETED, actor=moderator, post=post, message=reason)
    post.refresh_from_db()
    return post


def post_restore(*, moderator, post: Post, reason: str = "") -> Post:
    ensure_can_moderate(moderator)
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(deleted_at=None, deleted_by=None)
        if post.is_first:
            Topic.objects.filter(pk=post.topic_id).update(deleted_at=None, deleted_by=None)
        _log(actor=moderator, action="restore_post", post=post, target_user=post.author, reason=reason)
        notify(recipient=post.author, kind=NotificationKind.POST_RESTORED, actor=moderator, post=post, message=reason)
        schedule_quote_recheck(post)
        topic_refresh_expert_answered(post.topic_id)
    post.refresh_from_db()
    return post


def post_moderator_edit(*, moderator, post: Post, raw: str, reason: str, title: str | None = None,
                        submit_token: str = "") -> Post:
    from forum.discussion.editing import post_edit

    ensure_can_moderate(moderator)
    with transaction.atomic():
        post = post_edit(editor=moderator, post=post, raw=raw, title=title, reason=reason, submit_token=submit_token)
        if post.author_id != moderator.pk:
            # An edit by a moderator is how a flagged post gets fixed rather than removed.
            _log_post_action(moderator=moderator, action="edit_post", post=post, reason=reason,
                             settles=FlagState.EDITED)
            notify(recipient=post.author, kind=NotificationKind.POST_EDITED, actor=moderator, post=post,
                   message=reason)
    return post


def post_mark_needs_source(*, moderator, post: Post, reason: str = "", log: bool = True) -> Post:
    ensure_can_moderate(moderator)
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(needs_source_at=timezone.now())
        if log:
            _log_post_action(moderator=moderator, action="needs_source", post=post, reason=reason,
                             settles=FlagState.SOURCE_REQUESTED)
        notify(recipient=post.author, kind=NotificationKind.NEEDS_SOURCE, actor=moderator, post=post,
               message=reason or "Please back this up with a study: edit the post and cite it.")
    post.refresh_from_db()
    return post


def post_clear_needs_source(*, moderator, post: Post, reason: str = "") -> Post:
    ensure_can_moderate(moderator)
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(needs_source_at=None)
        _log(actor=moderator, action="clear_needs_source", post=post, target_user=post.author, reason=reason)
    post.refresh_from_db()
    return post


# --- members ------------------------------------------------------------------------------------

def user_suspend(*, moderator, user, until: datetime, reason: str) -> None:
    ensure_can_moderate(moderator)
    if user.is_moderator:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Moderators and administrators cannot be suspended here; ask an administrator.")
    reason = one_line(reason)
    with transaction.atomic():
        type(user).objects.filter(pk=user.pk).update(suspended_until=until, suspension_reason=reason[:300])
        _log(actor=moderator, action="suspend", target_user=user, reason=reason, until=until.isoformat())
        notify(recipient=user, kind=NotificationKind.SUSPENDED, actor=moderator,
               message=f"Until {day_text(until)}: {reason}")
    user.refresh_from_db()


def user_unsuspend(*, moderator, user, reason: str = "") -> None:
    ensure_can_moderate(moderator)
    with transaction.atomic():
        type(user).objects.filter(pk=user.pk).update(suspended_until=None, suspension_reason="")
        _log(actor=moderator, action="unsuspend", target_user=user, reason=reason)
    user.refresh_from_db()


def staff_note_add(*, moderator, member, text: str) -> StaffNote:
    """A note for the other moderators about a member; the member never sees it. Kept, like every
    moderator action, in the audit log (which says a note was added, not what it says)."""
    from django.core.exceptions import PermissionDenied

    ensure_can_moderate(moderator)
    text = text.replace("\x00", "").strip()
    if not text:
        raise PermissionDenied("Write the note first.")
    with transaction.atomic():
        note = StaffNote.objects.create(member=member, author=moderator, text=text[:2000])
        _log(actor=moderator, action="staff_note", target_user=member)
    return note
