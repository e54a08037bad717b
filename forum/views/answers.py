"""Accepting an answer, voting a post helpful, flagging a post."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from forum.models import FlagReason, Post
from forum.permissions import ensure_can_act
from forum.services.answers import answer_accept, answer_unaccept, vote_toggle
from forum.services.flagging import flag_create


def _visible_post(user, post_id: int) -> Post:
    return get_object_or_404(
        Post.objects.select_related("topic", "author").in_visible_topics(user), pk=post_id
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def accept(request, post_id: int):
    post = _visible_post(request.user, post_id)
    if post.topic.accepted_answer_id == post.pk:
        answer_unaccept(user=request.user, topic=post.topic)
        messages.success(request, "The answer is no longer marked as accepted.")
    else:
        answer_accept(user=request.user, post=post)
        messages.success(request, f"#{post.post_number} is now the accepted answer.")
    return redirect(post.topic.post_url(post.post_number))


@login_required
@require_POST
def vote(request, post_id: int):
    post = _visible_post(request.user, post_id)
    try:
        voted, count = vote_toggle(user=request.user, post=post)
    except PermissionDenied as exc:
        if _wants_json(request):
            return JsonResponse({"error": str(exc)}, status=403)
        raise
    if _wants_json(request):
        return JsonResponse({"voted": voted, "count": count})
    return redirect(post.topic.post_url(post.post_number))


@login_required
def flag(request, post_id: int):
    post = _visible_post(request.user, post_id)
    error, status = None, 200
    if request.method == "POST":
        ensure_can_act(request.user)  # 403 for who may not act; the form answers 400 for what was sent
        try:
            flag_create(flagger=request.user, post=post, reason=request.POST.get("reason", ""),
                        note=request.POST.get("note", ""))
        except PermissionDenied as exc:
            error, status = str(exc), 400
        else:
            messages.success(request, "Thanks: moderators will review the post, and you will hear the outcome.")
            return redirect(post.topic.post_url(post.post_number))
    return TemplateResponse(request, "forum/moderation/flag.html", {
        "post": post, "reasons": FlagReason.choices, "error": error, "values": request.POST,
    }, status=status)
