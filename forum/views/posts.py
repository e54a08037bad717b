"""Changing one post: edit, delete, and reading its revision history."""

import difflib

from django.core.exceptions import PermissionDenied
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse

from forum.forms import EditPostForm
from forum.limits import LimitExceeded, ensure_content_within_new_member_limits
from forum.models import Post
from forum.permissions import ensure_can_delete_post, ensure_can_edit_post
from forum.services.deleting import post_delete
from forum.services.editing import post_edit
from forum.services.moderation import post_moderator_edit

from .errors import composer_login_required


def _get_post(user, post_id: int) -> Post:
    return get_object_or_404(
        Post.objects.select_related("topic", "author").in_visible_topics(user),
        pk=post_id,
    )


@composer_login_required
def edit(request, post_id: int):
    post = _get_post(request.user, post_id)
    ensure_can_edit_post(request.user, post)
    status = 200
    if request.method == "POST":
        form = EditPostForm(request.POST, is_first_post=post.is_first)
        if form.is_valid():
            try:
                ensure_content_within_new_member_limits(user=request.user, raw=form.cleaned_data["raw"])
            except LimitExceeded as exc:
                form.add_error("raw", str(exc))
                return TemplateResponse(request, "forum/edit_post.html", {"post": post, "form": form}, status=429)
            if post.author_id != request.user.pk:
                # A moderator editing someone else's words: logged, and the author is told why.
                if not form.cleaned_data["reason"]:
                    form.add_error("reason", "Give a reason: the author sees it, and it goes in the history.")
                    return TemplateResponse(request, "forum/edit_post.html", {"post": post, "form": form}, status=400)
                post_moderator_edit(moderator=request.user, post=post, raw=form.cleaned_data["raw"],
                                    title=form.cleaned_data.get("title"), reason=form.cleaned_data["reason"])
            else:
                post_edit(editor=request.user, post=post, raw=form.cleaned_data["raw"],
                          title=form.cleaned_data.get("title"), reason=form.cleaned_data["reason"])
            return redirect(post)
        status = 400
    else:
        form = EditPostForm(initial={"raw": post.raw, "title": post.topic.title}, is_first_post=post.is_first)
    return TemplateResponse(request, "forum/edit_post.html", {"post": post, "form": form}, status=status)


@login_required
def delete(request, post_id: int):
    post = _get_post(request.user, post_id)
    ensure_can_delete_post(request.user, post)
    if request.method == "POST":
        post_delete(actor=request.user, post=post)
        if post.is_first:
            return redirect(post.topic.category)
        return redirect(post)
    return render(request, "forum/delete_post.html", {"post": post})


def revisions(request, post_id: int):
    post = _get_post(request.user, post_id)
    if post.is_deleted and not getattr(request.user, "is_moderator", False):
        raise PermissionDenied("This post has been deleted.")
    history = list(post.revisions.select_related("edited_by"))
    versions = []
    writer, written_at, reason = post.author, post.created_at, ""
    texts = [rev.raw for rev in history] + [post.raw]
    titles = [rev.title for rev in history] + [post.topic.title if post.is_first else ""]
    for index, raw in enumerate(texts):
        previous = texts[index - 1] if index else None
        versions.append({
            "number": index + 1,
            "author": writer,
            "written_at": written_at,
            "reason": reason,
            "title": titles[index],
            "raw": raw,
            "diff": _diff(previous, raw) if previous is not None else None,
        })
        if index < len(history):
            writer, written_at, reason = history[index].edited_by, history[index].edited_at, history[index].reason
    versions.reverse()
    return render(request, "forum/revisions.html", {"post": post, "versions": versions})


def _diff(before: str, after: str) -> list[tuple[str, str]]:
    """Line diff as (kind, text) pairs; the template escapes the text."""
    lines = []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        code, text = line[:2], line[2:]
        if code == "? ":
            continue
        lines.append(({"+ ": "added", "- ": "removed"}.get(code, "same"), text))
    return lines
