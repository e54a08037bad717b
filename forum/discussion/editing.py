"""Editing posts: every edit keeps the version it replaces."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from forum.access.limits import ensure_uploads_within_post_limit
from forum.access.permissions import ensure_can_edit_post
from forum.common.one_line import one_line
from forum.models import Post, PostRevision, Topic

from forum.discussion.drafts import draft_discard, draft_key_for_edit
from forum.discussion.quote_rechecks import schedule_quote_recheck
from forum.discussion.rendering import post_references_record, post_render
from forum.discussion.submissions import submission_claim, submission_record
from forum.following.notifying import notify_post_written


def post_edit(*, editor, post: Post, raw: str, title: str | None = None, reason: str = "",
              submit_token: str = "", competing_interests: str | None = None) -> Post:
    """A repeat of the same edit form (`submit_token`) raises AlreadySubmitted: one revision.
    `competing_interests` None keeps the post's statement."""
    ensure_can_edit_post(editor, post)
    title = one_line(title) if title is not None and post.is_first else None
    title_changed = title is not None and title != post.topic.title
    interests = post.competing_interests if competing_interests is None else one_line(competing_interests)
    if raw == post.raw and not title_changed and interests == post.competing_interests:
        draft_discard(user=editor, key=draft_key_for_edit(post))
        return post  # nothing changed: no empty revision

    rendered = post_render(raw=raw, topic=post.topic, author=post.author)
    ensure_uploads_within_post_limit(count=len(rendered.upload_ids), before=post.uploads.count())
    with transaction.atomic():
        submission = submission_claim(user=editor, token=submit_token, kind="edit")
        # Lock the post so two simultaneous edits each keep the version they replaced.
        locked = Post.objects.select_for_update().get(pk=post.pk)
        # The title is read again under the lock: another edit may have changed it since `post`
        # was loaded, and the revision must keep the title that went with the text it keeps.
        title_before = Topic.objects.values_list("title", flat=True).get(pk=post.topic_id) if post.is_first else ""
        PostRevision.objects.create(
            post=locked,
            number=locked.version,
            raw=locked.raw,
            competing_interests=locked.competing_interests,
            title=title_before,
            edited_by=editor,
            reason=one_line(reason)[:200],
        )
        now = timezone.now()
        Post.objects.filter(pk=post.pk).update(
            raw=raw,
            cooked=rendered.cooked.html,
            cooked_version=rendered.cooked.version,
            version=F("version") + 1,
            edited_at=now,
            competing_interests=interests,
        )
        if title_changed:
            Topic.objects.filter(pk=post.topic_id).update(title=title)
        post_references_record(post=post, rendered=rendered)
        notify_post_written(post=locked, rendered=rendered, edited=True)
        if locked.needs_source_at and rendered.citations.studies:
            # The author answered the request for evidence by citing a study.
            Post.objects.filter(pk=post.pk).update(needs_source_at=None)
        # Posts quoting this one may no longer match it (or may match again).
        schedule_quote_recheck(post)
        draft_discard(user=editor, key=draft_key_for_edit(post))
        submission_record(submission, post=post)
    post.refresh_from_db()
    return post
