"""Accepting an answer and voting a post helpful (flagging a post is a moderation page, in
forum/moderation/views.py)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from forum.discussion.answers import answer_accept, answer_unaccept, vote_set
from forum.models import Post

from forum.site_views.notices import post_notice


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
        post_notice(request, post, "The answer is no longer marked as accepted.")
    else:
        answer_accept(user=request.user, post=post)
        post_notice(request, post, f"#{post.post_number} is now the accepted answer.")
    return redirect(post.page_url())


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
    return redirect(post.page_url())
