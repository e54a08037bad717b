"""Moderators at work in the browser: topic and post actions, the flag queue, the audit log,
expert credentials and suspensions, and the form members flag a post with. Every write is a POST
through a service that checks the role."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import CredentialRequest
from forum.common.dates import day_text
from forum.models import (
    Category, Citation, Flag, FlagReason, FlagState, ModerationAction, Post, StaffNote, StudySuggestion,
    SuggestionState, Topic,
)
from forum.access.permissions import ensure_can_act, ensure_can_moderate
from forum.common.one_line import one_line
from forum.discussion.submissions import TOKEN_FIELD, AlreadySubmitted, submission_token_new
from forum.evidence.citation_numbers import topic_citation_numbers
from forum.following.post_excerpts import post_excerpt
from forum.markup.excerpt import cut_at_word
from forum.moderation import experts, flagging, actions as moderation

from forum.references.study_labels import study_short_label
from forum.site_views.notices import post_notice

User = get_user_model()


def _reason(request) -> str:
    return one_line(request.POST.get("reason", ""))[:300]


def _unconfirmed(request, *, heading: str, explanation: str, button: str, fields: dict, cancel_url: str,
                 author_sees: bool = False):
    """Destructive actions ask first. With JavaScript a dialog asks and sends `confirm=yes`; without
    it (or from a form that skipped the dialog) this page asks, carrying the request over."""
    if request.POST.get("confirm") == "yes":
        return None
    return TemplateResponse(request, "forum/moderation/confirm.html", {
        "heading": heading, "explanation": explanation, "button": button, "fields": fields.items(),
        "action_url": request.path, "cancel_url": cancel_url, "reason": _reason(request),
        "author_sees": author_sees,
    })


@login_required
@require_POST
def topic_action(request, topic_id: int):
    ensure_can_moderate(request.user)
    topic = get_object_or_404(Topic.objects.select_related("category"), pk=topic_id)
    action, reason, mod = request.POST.get("action", ""), _reason(request), request.user
    if action == "delete" and (ask := _unconfirmed(
            request, heading="Delete this topic?", button="Delete topic",
            explanation=f"Readers will no longer see “{topic.title}” or any of its posts; moderators still can, "
                        "and can restore it.",
            fields={"action": "delete"}, cancel_url=topic.get_absolute_url())):
        return ask
    simple = {
        "pin": lambda: moderation.topic_set_pinned(moderator=mod, topic=topic, pinned=True, reason=reason),
        "unpin": lambda: moderation.topic_set_pinned(moderator=mod, topic=topic, pinned=False, reason=reason),
        "pin_site_wide": lambda: moderation.topic_set_pinned(moderator=mod, topic=topic, pinned=True, site_wide=True,
                                                             reason=reason),
        "unpin_site_wide": lambda: moderation.topic_set_pinned(moderator=mod, topic=topic, pinned=False,
                                                               site_wide=True, reason=reason),
        "close": lambda: moderation.topic_set_state(moderator=mod, topic=topic, state="closed", reason=reason),
        "reopen": lambda: moderation.topic_set_state(moderator=mod, topic=topic, state="open", reason=reason),
        "archive": lambda: moderation.topic_set_state(moderator=mod, topic=topic, state="archived", reason=reason),
        "unlist": lambda: moderation.topic_set_listed(moderator=mod, topic=topic, listed=False, reason=reason),
        "list": lambda: moderation.topic_set_listed(moderator=mod, topic=topic, listed=True, reason=reason),
        "delete": lambda: moderation.topic_delete(moderator=mod, topic=topic, reason=reason),
        "restore": lambda: moderation.topic_restore(moderator=mod, topic=topic, reason=reason),
    }
    if action in simple:
        simple[action]()
    elif action == "move":
        category = Category.objects.filter(pk=request.POST.get("category") or 0).first()
        if category is None:
            messages.error(request, "Choose a category to move the topic to.")
            return redirect(topic)
        moderation.topic_move(moderator=mod, topic=topic, category=category, reason=reason)
    elif action == "retitle":
        title = one_line(request.POST.get("title", ""))
        if not 8 <= len(title) <= 200:
            messages.error(request, "Titles need 8 to 200 characters; the title was not changed.")
            return redirect(topic)
        moderation.topic_retitle(moderator=mod, topic=topic, title=title, reason=reason)
    else:
        messages.error(request, "Unknown moderation action.")
        return redirect(topic)
    messages.success(request, "Done: the topic was updated and the action logged.")
    return redirect(topic)


POST_ACTIONS = {
    "hide": "Hide post",
    "unhide": "Unhide post",
    "delete": "Delete post",
    "restore": "Restore post",
    "needs_source": "Mark as needing a source",
    "clear_needs_source": "Clear “needs a source”",
}


def _flags_with_studies(flags, numbers: dict[int, int]) -> list:
    """Each flag with `study_label` ("[2] Bested 2023: title") when it is about one citation: the
    number is the topic's, as the post shows it."""
    flags = list(flags)
    for flag in flags:
        flag.study_label = ""
        if flag.study_id and flag.study is not None:
            number = numbers.get(flag.study_id)
            title = cut_at_word(flag.study.title or flag.study.identifier_label, 90)
            flag.study_label = f"{f'[{number}] ' if number else ''}{study_short_label(flag.study)}: {title}"
    return flags


def _post_actions_context(post: Post) -> dict:
    # The moderator decides looking at the post and at every flag on it, settled ones included.
    flags = Flag.objects.filter(post=post).select_related("flagger", "resolved_by", "study").order_by("-created_at")
    return {"post": post, "actions": POST_ACTIONS,
            "flags": _flags_with_studies(flags, topic_citation_numbers(post.topic))}


@login_required
def post_action(request, post_id: int):
    ensure_can_moderate(request.user)
    post = get_object_or_404(Post.objects.select_related("topic", "author"), pk=post_id)
    if request.method != "POST":
        return render(request, "forum/moderation/post_actions.html", _post_actions_context(post))
    action, reason, mod = request.POST.get("action", ""), _reason(request), request.user
    if action == "delete" and (ask := _unconfirmed(
            request, heading=f"Delete post #{post.post_number} by {post.author.name}?", button="Delete post",
            explanation="A placeholder stays in the thread; moderators can still read the post and restore it.",
            fields={"action": "delete"}, cancel_url=request.path, author_sees=True)):
        return ask
    if action == "hide" and not reason:
        return TemplateResponse(request, "forum/moderation/post_actions.html", {
            **_post_actions_context(post), "error": "Give a reason: the author sees it.",
        }, status=400)
    handlers = {
        "hide": lambda: moderation.post_hide(moderator=mod, post=post, reason=reason),
        "unhide": lambda: moderation.post_unhide(moderator=mod, post=post, reason=reason),
        "delete": lambda: moderation.post_moderator_delete(moderator=mod, post=post, reason=reason),
        "restore": lambda: moderation.post_restore(moderator=mod, post=post, reason=reason),
        "needs_source": lambda: moderation.post_mark_needs_source(moderator=mod, post=post, reason=reason),
        "clear_needs_source": lambda: moderation.post_clear_needs_source(moderator=mod, post=post, reason=reason),
    }
    if action not in handlers:
        return TemplateResponse(request, "forum/moderation/post_actions.html", {
            **_post_actions_context(post), "error": "Unknown moderation action.",
        }, status=400)
    handlers[action]()
    post_notice(request, post, f"Done: {POST_ACTIONS[action].lower()} (logged).")  # beside the post acted on
    return redirect(post.page_url())


@login_required
def review_queue(request):
    """Flagged posts, one row per post with all its open flags, oldest first."""
    ensure_can_moderate(request.user)
    posts = (
        Post.objects.filter(flags__state=FlagState.OPEN).distinct()
        .annotate(open_flags=Count("flags", distinct=True), last_flagged=Max("flags__created_at"))
        .select_related("topic", "author")
        .prefetch_related(Prefetch("flags", queryset=Flag.objects.open().select_related("flagger", "study"),
                                   to_attr="open_flag_list"),
                          Prefetch("author__staff_notes", queryset=StaffNote.objects.select_related("author"),
                                   to_attr="staff_note_list"))
        .order_by("last_flagged")
    )
    page_obj = Paginator(posts, 20).get_page(request.GET.get("page"))
    for post in page_obj:
        numbers = topic_citation_numbers(post.topic)
        post.open_flag_list = _flags_with_studies(post.open_flag_list, numbers)
        # Centred on the citation a flag is about, so the words it questions are in view.
        about = next((flag.study_id for flag in post.open_flag_list if flag.study_id), None)
        post.excerpt = post_excerpt(post, limit=480, numbers=numbers, focus_study=about)
    return render(request, "forum/moderation/queue.html", {
        "page_obj": page_obj, "outcomes": flagging.OUTCOMES,
        "pending_credentials": CredentialRequest.objects.filter(state=CredentialRequest.State.PENDING).count(),
        "pending_suggestions": StudySuggestion.objects.filter(state=SuggestionState.OPEN).count(),
    })


@login_required
@require_POST
def review_post(request, post_id: int):
    post = get_object_or_404(Post.objects.select_related("topic", "author"), pk=post_id)
    ensure_can_moderate(request.user)
    if request.POST.get("outcome") == "delete" and (ask := _unconfirmed(
            request, heading=f"Delete post #{post.post_number} by {post.author.name}?", button="Delete post",
            explanation="This settles its flags as agreed; a placeholder stays in the thread and moderators can restore it.",
            fields={"outcome": "delete"}, cancel_url=reverse("forum:review_queue"), author_sees=True)):
        return ask
    settled = flagging.flags_resolve(moderator=request.user, post=post, outcome=request.POST.get("outcome", ""),
                                     reason=_reason(request))
    messages.success(request, f"Settled {settled} flag{'s' if settled != 1 else ''} on #{post.post_number} in “{post.topic.title}”.")
    return redirect("forum:review_queue")


@login_required
def audit_log(request):
    ensure_can_moderate(request.user)
    entries = ModerationAction.objects.select_related("actor", "topic", "post__topic", "target_user")
    action = request.GET.get("action", "")
    if action:
        entries = entries.filter(action=action)
    actor = request.GET.get("actor", "").strip()
    if actor:
        entries = entries.filter(actor__in=User.objects.by_username(actor))
    target = request.GET.get("member", "").strip()
    if target:
        entries = entries.filter(target_user__in=User.objects.by_username(target))
    since = request.GET.get("since", "")
    try:
        if since:
            entries = entries.filter(created_at__gte=timezone.make_aware(datetime.combine(datetime.fromisoformat(since).date(), time.min)))
    except ValueError:
        messages.error(request, "Use a date like 2026-11-23.")
    codes = ModerationAction.objects.order_by("action").values_list("action", flat=True).distinct()
    actions = sorted(((code, ModerationAction(action=code).label) for code in codes), key=lambda pair: pair[1])
    return render(request, "forum/moderation/log.html", {
        "page_obj": Paginator(entries, 50).get_page(request.GET.get("page")),
        "actions": actions, "filters": {"action": action, "actor": actor, "member": target, "since": since},
    })


@login_required
def credential_queue(request):
    ensure_can_moderate(request.user)
    pending = CredentialRequest.objects.filter(state=CredentialRequest.State.PENDING).select_related("user")
    return render(request, "forum/moderation/credentials.html", {"pending": pending})


@login_required
@require_POST
def credential_decide(request, request_id: int):
    credential_request = get_object_or_404(CredentialRequest.objects.select_related("user"), pk=request_id)
    approve = request.POST.get("decision") == "approve"
    experts.credential_decide(moderator=request.user, request=credential_request, approve=approve,
                              note=_reason(request))
    messages.success(request, f"{'Approved' if approve else 'Declined'}: {credential_request.user.name}, “{credential_request.credential}”.")
    return redirect("forum:credential_queue")


@login_required
def suspend(request, username: str):
    ensure_can_moderate(request.user)
    member = get_object_or_404(User.objects.by_username(username))
    error, status = None, 200
    if request.method == "POST":
        reason = _reason(request)
        try:
            days = int(request.POST.get("days", ""))
        except ValueError:
            days = 0
        if not reason or not 1 <= days <= 3650:
            error, status = "Give a reason and a number of days between 1 and 3650.", 400
        else:
            until = timezone.now() + timedelta(days=days)
            moderation.user_suspend(moderator=request.user, user=member, until=until, reason=reason)
            messages.success(request, f"{member.name} is suspended until {day_text(until)}.")
            return redirect(member)
    return TemplateResponse(request, "forum/moderation/suspend.html", {
        "member": member, "error": error, "values": request.POST,
    }, status=status)


@login_required
@require_POST
def staff_note(request, username: str):
    member = get_object_or_404(User.objects.by_username(username))
    try:
        moderation.staff_note_add(moderator=request.user, member=member, text=request.POST.get("text", ""))
    except PermissionDenied as exc:
        if not request.user.is_moderator:
            raise
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Note added to {member.name}'s profile; only moderators see it.")
    return redirect(request.POST.get("next") if request.POST.get("next") == reverse("forum:review_queue") else member)


@login_required
@require_POST
def unsuspend(request, username: str):
    member = get_object_or_404(User.objects.by_username(username))
    moderation.user_unsuspend(moderator=request.user, user=member, reason=_reason(request))
    messages.success(request, f"{member.name} can post again.")
    return redirect(member)


@login_required
def credential_request(request):
    """A member asks for their expert credential to be verified."""
    error, status = None, 200
    if request.method == "POST":
        ensure_can_act(request.user)  # 403 for who may not act; the form answers 400 for what was sent
        try:
            experts.credential_request(user=request.user, credential=request.POST.get("credential", ""),
                                       note=request.POST.get("note", ""))
        except PermissionDenied as exc:
            error, status = str(exc), 400
        else:
            messages.success(request, "Thanks: a moderator will review your credential and you will be notified.")
            return redirect(request.user)
    mine = CredentialRequest.objects.filter(user=request.user).order_by("-created_at")[:5]
    return TemplateResponse(request, "forum/moderation/credential_request.html", {
        "error": error, "values": request.POST, "mine": mine,
    }, status=status)


def _number(value) -> int | None:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 12 else None


def flag_study_choices(post: Post, numbers: dict[int, int]) -> list[tuple[int, str]]:
    """(study id, "[2] Bested 2023: title") for each study the post cites, by the topic's numbers."""
    citations = Citation.objects.filter(post=post).select_related("study").order_by("number")
    choices = []
    for citation in citations:
        study = citation.study
        number = numbers.get(study.pk, citation.number)
        title = cut_at_word(study.title or study.identifier_label, 90)
        choices.append((number, study.pk, f"[{number}] {study_short_label(study)}: {title}"))
    return [(study_id, label) for _number, study_id, label in sorted(choices)]


@login_required
def flag(request, post_id: int):
    post = get_object_or_404(
        Post.objects.select_related("topic", "author").in_visible_topics(request.user), pk=post_id
    )
    error, status = None, 200
    values = request.POST
    if request.method == "POST":
        ensure_can_act(request.user)  # 403 for who may not act; the form answers 400 for what was sent
        try:
            flag = flagging.flag_create(flagger=request.user, post=post, reason=request.POST.get("reason", ""),
                                        note=request.POST.get("note", ""),
                                        submit_token=request.POST.get(TOKEN_FIELD, ""),
                                        study_id=_number(request.POST.get("study")))
        except AlreadySubmitted:
            post_notice(request, post, "You flagged this post: moderators will review it.", level=messages.INFO)
            return redirect(post.page_url())
        except PermissionDenied as exc:
            error, status = str(exc), 400
        else:
            if flag.repeated:
                post_notice(request, post, f"You had already flagged this post: your reason is now "
                                           f"“{flag.get_reason_display()}”.")
            else:
                post_notice(request, post, "Thanks: moderators will review the post, and you will hear the outcome.")
            return redirect(post.page_url())
    else:
        # Changing a flag starts from what the member said before.
        mine = Flag.objects.open().filter(post=post, flagger=request.user).first()
        values = {"reason": mine.reason, "note": mine.note, "study": str(mine.study_id or "")} if mine else {}
    # What is being flagged, in words; a hidden post's words are not the flagger's to read here.
    readable = not (post.is_hidden or post.is_deleted)
    numbers = topic_citation_numbers(post.topic) if readable else {}
    return TemplateResponse(request, "forum/moderation/flag.html", {
        "post": post, "reasons": FlagReason.choices, "error": error, "values": values,
        "excerpt": post_excerpt(post, numbers=numbers) if readable else "",
        "cited": flag_study_choices(post, numbers) if readable else [],
        # What became of this member's earlier flags here, with the moderator's reason.
        "settled": Flag.objects.filter(post=post, flagger=request.user).exclude(state=FlagState.OPEN)
                   .order_by("-resolved_at", "-pk")[:5],
        "already_flagged": request.method == "GET" and bool(values),
        "submit_token": request.POST.get(TOKEN_FIELD) or submission_token_new(),
    }, status=status)
