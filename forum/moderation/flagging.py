"""Flags from members and the moderators' review of them."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from forum.access.permissions import ensure_can_act, ensure_can_moderate, is_trusted
from forum.common.one_line import one_line
from forum.models import Citation, Flag, FlagReason, FlagState, ModerationAction, NotificationKind, Post

from forum.discussion.posting import topic_refresh_expert_answered
from forum.discussion.quote_rechecks import schedule_quote_recheck
from forum.discussion.submissions import submission_claim, submission_record
from forum.following.notifying import notify
from forum.moderation.actions import flag_outcome_message, post_hide, post_mark_needs_source, post_moderator_delete

SPAM_CONSENSUS_REASON = "Hidden after several members flagged it as spam; a moderator will review it."


FLAG_NOTE_MAX_LENGTH = 500


def flag_create(*, flagger, post: Post, reason: str, note: str = "", submit_token: str = "",
                study_id: int | None = None) -> Flag:
    """Flag a post, or change the reason of the open flag this member already has on it.

    The returned flag's `repeated` says which happened, so the member can be told: a second
    flag never silently disappears. A repeat of the same form (`submit_token`) raises
    AlreadySubmitted and changes nothing.
    """
    ensure_can_act(flagger)
    note = note.replace("\x00", "").strip()  # not from a form (which would refuse NUL); PostgreSQL cannot store it
    if reason not in FlagReason.values:
        raise PermissionDenied("Choose one of the listed reasons.")
    if post.author_id == flagger.pk:
        raise PermissionDenied("You cannot flag your own post.")
    if post.is_deleted:
        raise PermissionDenied("This post has been deleted.")
    if reason == FlagReason.OTHER and not note:
        raise PermissionDenied("Say what is wrong in a short note.")
    if len(note) > FLAG_NOTE_MAX_LENGTH:
        raise PermissionDenied(
            f"Notes are limited to {FLAG_NOTE_MAX_LENGTH} characters (this one has {len(note)})."
        )
    study = None
    if study_id is not None and reason == FlagReason.MISREPRESENTS_STUDY:
        citation = Citation.objects.filter(post=post, study_id=study_id).select_related("study").first()
        if citation is None:
            raise PermissionDenied("Choose one of the studies this post cites.")
        study = citation.study
    with transaction.atomic():
        submission = submission_claim(user=flagger, token=submit_token, kind="flag")
        submission_record(submission, post=post)
        try:
            with transaction.atomic():
                flag = Flag.objects.create(post=post, flagger=flagger, reason=reason, note=note, study=study)
        except IntegrityError:
            # The member already has an open flag here: their newer words replace the old ones.
            flag = Flag.objects.select_for_update().get(post=post, flagger=flagger, state=FlagState.OPEN)
            flag.reason, flag.note, flag.study = reason, note, study
            flag.save(update_fields=["reason", "note", "study"])
            flag.repeated = True
        else:
            flag.repeated = False
        if reason == FlagReason.SPAM and not post.is_hidden:
            _hide_if_spam_consensus(post)
    return flag


def _hide_if_spam_consensus(post: Post) -> None:
    # Several distinct trusted members calling it spam hide the post until a moderator looks.
    flaggers = {f.flagger for f in Flag.objects.open().filter(post=post, reason=FlagReason.SPAM).select_related("flagger")}
    trusted = [user for user in flaggers if is_trusted(user)]
    if len(trusted) >= settings.FORUM_SPAM_FLAGS_TO_HIDE:
        Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now(), hidden_reason=SPAM_CONSENSUS_REASON)
        notify(recipient=post.author, kind=NotificationKind.POST_HIDDEN, post=post,
               message="Several members flagged this post as spam. A moderator will review it.")
        # A hidden post stops counting, as when a moderator hides it.
        schedule_quote_recheck(post)
        topic_refresh_expert_answered(post.topic_id)


OUTCOMES = {
    "agree": FlagState.AGREED,
    "disagree": FlagState.DISAGREED,
    "delete": FlagState.DELETED,
    "ask_source": FlagState.SOURCE_REQUESTED,
}


def flags_resolve(*, moderator, post: Post, outcome: str, reason: str = "") -> int:
    """Settle every open flag on the post at once; returns how many were settled."""
    ensure_can_moderate(moderator)
    if outcome not in OUTCOMES:
        raise PermissionDenied("Unknown review outcome.")
    flags = list(Flag.objects.open().filter(post=post).select_related("flagger"))
    if not flags:
        return 0
    reasons = sorted({flag.get_reason_display() for flag in flags})
    hidden_by_consensus = post.is_hidden and post.hidden_reason == SPAM_CONSENSUS_REASON
    # One review is one audit entry (flags_<outcome>), so the actions below do not log their own.
    with transaction.atomic():
        if outcome == "agree" and (not post.is_hidden or hidden_by_consensus):
            # Agreeing with a spam consensus turns its provisional hide into the moderator's, so a
            # later "disagree" on a new flag cannot bring the post back.
            post_hide(moderator=moderator, post=post, reason=reason or f"Flagged: {', '.join(reasons)}", log=False)
        elif outcome == "delete" and not post.is_deleted:
            post_moderator_delete(moderator=moderator, post=post, reason=reason or f"Flagged: {', '.join(reasons)}",
                                  log=False)
        elif outcome == "ask_source":
            post_mark_needs_source(moderator=moderator, post=post, reason=reason, log=False)
        elif outcome == "disagree" and hidden_by_consensus:
            # The spam consensus was wrong: the post comes back, and counts again.
            Post.objects.filter(pk=post.pk).update(hidden_at=None, hidden_reason="")
            notify(recipient=post.author, kind=NotificationKind.POST_UNHIDDEN, actor=moderator, post=post,
                   message="A moderator reviewed the spam flags and disagreed.")
            schedule_quote_recheck(post)
            topic_refresh_expert_answered(post.topic_id)
        state = OUTCOMES[outcome]
        Flag.objects.filter(pk__in=[f.pk for f in flags]).update(
            state=state, resolved_by=moderator, resolved_at=timezone.now(), resolution_reason=one_line(reason)[:300],
        )
        ModerationAction.objects.create(
            actor=moderator, action=f"flags_{outcome}", topic=post.topic, post=post, target_user=post.author,
            reason=one_line(reason)[:300], details={"flags": len(flags), "reasons": reasons},
        )
        for flag in flags:
            notify(recipient=flag.flagger, kind=NotificationKind.FLAG_OUTCOME, actor=moderator, post=post,
                   message=flag_outcome_message(state, reason))
    return len(flags)

