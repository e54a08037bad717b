"""Changing one post: edit, delete, and reading its revision history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse

from forum.access.limits import LimitExceeded, ensure_content_within_new_member_limits
from forum.access.permissions import ensure_can_delete_post, ensure_can_edit_post
from forum.common.revision_diff import word_diff
from forum.discussion.deleting import post_delete
from forum.discussion.drafts import draft_for, draft_key_for_edit
from forum.discussion.editing import post_edit
from forum.discussion.forms import EditPostForm
from forum.discussion.rendering import post_render
from forum.discussion.submissions import AlreadySubmitted
from forum.models import Post
from forum.moderation.actions import post_moderator_edit

from forum.discussion.views.composing import ask_for_interests
from forum.site_views.database_outage import write_saved
from forum.site_views.errors import composer_login_required
from forum.site_views.notices import post_notice
from forum.uploads.views import attached_text


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
    draft, preview, error = None, None, None
    if request.method == "POST":
        data, attaching, error, status = attached_text(request)
        form = EditPostForm(data, is_first_post=post.is_first, is_author=post.author_id == request.user.pk)
        if ("preview" in request.POST or attaching or (
                form.is_valid() and post.author_id == request.user.pk
                and ask_for_interests(request, form, topic=post.topic))):
            preview = post_render(raw=data.get("raw", "")[:40_000], topic=post.topic, author=post.author,
                                  preview=True).cooked.html
        elif form.is_valid():
            try:
                ensure_content_within_new_member_limits(user=request.user, raw=form.cleaned_data["raw"])
                if post.author_id != request.user.pk and not form.cleaned_data["reason"]:
                    # A moderator editing someone else's words: logged, and the author is told why.
                    form.add_error("reason", "Give a reason: the author sees it, and it goes in the history.")
                    status = 400
                else:
                    # Its address, read before saving: the edit reloads the post, which then
                    # reads its topic again (a query that an outage just after the commit fails).
                    url = post.page_url()
                    _save_edit(request, post, form)
                    write_saved(request, url)
                    post_notice(request, post, "Your edit is saved.")
                    return redirect(url)
            except AlreadySubmitted:
                post_notice(request, post, "This edit was already saved: here is the post.", level=messages.INFO)
                return redirect(post.page_url())
            except LimitExceeded as exc:
                form.add_error("raw", str(exc))
                status = 429
            except PermissionDenied as exc:
                error, status = str(exc), 403
        else:
            status = 400
    else:
        draft = draft_for(request.user, draft_key_for_edit(post))
        initial = {"raw": post.raw, "title": post.topic.title, "competing_interests": post.competing_interests}
        if draft is not None:
            initial.update(raw=draft.raw, reason=draft.reason, **({"title": draft.title} if draft.title else {}),
                           **({"competing_interests": draft.competing_interests}
                              if draft.competing_interests else {}))
        form = EditPostForm(initial=initial, is_first_post=post.is_first,
                            is_author=post.author_id == request.user.pk)
    return TemplateResponse(request, "forum/discussion/edit_post.html", {
        "post": post, "form": form, "draft": draft, "preview": preview, "error": error,
        "draft_url": reverse("forum:draft", args=[draft_key_for_edit(post)]),
    }, status=status)


def _save_edit(request, post, form) -> None:
    fields = {"post": post, "raw": form.cleaned_data["raw"], "title": form.cleaned_data.get("title"),
              "reason": form.cleaned_data["reason"], "submit_token": form.submit_token}
    if post.author_id != request.user.pk:
        post_moderator_edit(moderator=request.user, **fields)
    else:
        post_edit(editor=request.user, competing_interests=form.cleaned_data["competing_interests"], **fields)


@login_required
def delete(request, post_id: int):
    post = _get_post(request.user, post_id)
    ensure_can_delete_post(request.user, post)
    if request.method == "POST":
        post_delete(actor=request.user, post=post)
        if post.is_first:
            return redirect(post.topic.category)
        return redirect(post.page_url())
    return render(request, "forum/discussion/delete_post.html", {"post": post})


def revisions(request, post_id: int):
    post = _get_post(request.user, post_id)
    if post.is_deleted and not getattr(request.user, "is_moderator", False):
        raise PermissionDenied("This post has been deleted.")
    history = list(post.revisions.select_related("edited_by"))
    versions = []
    writer, written_at, reason = post.author, post.created_at, ""
    texts = [rev.raw for rev in history] + [post.raw]
    interests = [rev.competing_interests for rev in history] + [post.competing_interests]
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
            "competing_interests": interests[index],
            "diff": word_diff(previous, raw) if previous is not None else None,
        })
        if index < len(history):
            writer, written_at, reason = history[index].edited_by, history[index].edited_at, history[index].reason
    versions.reverse()
    return render(request, "forum/discussion/revisions.html", {"post": post, "versions": versions})
