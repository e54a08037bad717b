"""Accepting an answer, voting a post helpful, flagging a post."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from forum.access.permissions import ensure_can_act
from forum.discussion.answers import answer_accept, answer_unaccept, vote_set
from forum.discussion.submissions import TOKEN_FIELD, AlreadySubmitted, submission_token_new
from forum.evidence.citation_numbers import topic_citation_numbers
from forum.following.post_excerpts import post_excerpt
from forum.markup.excerpt import cut_at_word
from forum.models import Citation, Flag, FlagReason, FlagState, Post
from forum.moderation.flagging import flag_create
from forum.references.study_labels import study_short_label

from forum.site_views.notices import post_notice


def _visible_post(user, post_id: int) -> Post:
    return get_object_or_404(
        Post.objects.select_related("topic", "author").in_visible_topics(user), pk=post_id
    )


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


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def accept(request, post_id: int):
    post = _visible_post(request.user, post_id)
    if post.topic.accepted_answer_id == post.pk:
        answer_unaccept(user=request.user, topic=post.topic)
        post_notice(request, post, "The answer is no longer marked as accepted.")
    else:
        answer_accept(user=request.user, post=post)
        post_notice(request, post, f"#{post.post_number} is now the accepted answer.")
    return redirect(post.topic.post_url(post.post_number))


@login_required
@require_POST
def vote(request, post_id: int):
    post = _visible_post(request.user, post_id)
    try:
        # Forms say which state they ask for; a request without one (an old page) means "helpful".
        voted, count = vote_set(user=request.user, post=post, helpful=request.POST.get("helpful", "1") != "0")
    except PermissionDenied as exc:
        if _wants_json(request):
            return JsonResponse({"error": str(exc)}, status=403)
        raise
    if _wants_json(request):
        return JsonResponse({"voted": voted, "count": count})
    post_notice(request, post, "You found this helpful." if voted else "Your helpful vote is taken back.")
    return redirect(post.topic.post_url(post.post_number))


@login_required
def flag(request, post_id: int):
    post = _visible_post(request.user, post_id)
    error, status = None, 200
    values = request.POST
    if request.method == "POST":
        ensure_can_act(request.user)  # 403 for who may not act; the form answers 400 for what was sent
        try:
            flag = flag_create(flagger=request.user, post=post, reason=request.POST.get("reason", ""),
                               note=request.POST.get("note", ""), submit_token=request.POST.get(TOKEN_FIELD, ""),
                               study_id=_number(request.POST.get("study")))
        except AlreadySubmitted:
            post_notice(request, post, "You flagged this post: moderators will review it.", level=messages.INFO)
            return redirect(post.topic.post_url(post.post_number))
        except PermissionDenied as exc:
            error, status = str(exc), 400
        else:
            if flag.repeated:
                post_notice(request, post, f"You had already flagged this post: your reason is now "
                                           f"“{flag.get_reason_display()}”.")
            else:
                post_notice(request, post, "Thanks: moderators will review the post, and you will hear the outcome.")
            return redirect(post.topic.post_url(post.post_number))
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
