"""Soft deletion: a placeholder stays in the thread and moderators can still read the text."""

from django.db import transaction
from django.utils import timezone

from forum.access.permissions import ensure_can_delete_post
from forum.models import Post, Topic

from forum.discussion.posting import topic_refresh_expert_answered
from forum.discussion.quote_rechecks import schedule_quote_recheck


def post_delete(*, actor, post: Post) -> Post:
    ensure_can_delete_post(actor, post)
    now = timezone.now()
    with transaction.atomic():
        # Checked again under a row lock: two moderators deleting in the same instant both pass
        # the check above, and the second must be refused as it would be a moment later.
        locked = Post.objects.select_for_update().get(pk=post.pk)
        ensure_can_delete_post(actor, locked)
        Post.objects.filter(pk=post.pk, deleted_at__isnull=True).update(deleted_at=now, deleted_by=actor)
        # The first post is the question: deleting it deletes the topic, as in Discourse.
        if post.is_first:
            Topic.objects.filter(pk=post.topic_id, deleted_at__isnull=True).update(
                deleted_at=now, deleted_by=actor
            )
        # Quotes of this post must stop showing its author, link and match status to readers.
        schedule_quote_recheck(post)
        topic_refresh_expert_answered(post.topic_id)
    post.refresh_from_db()
    return post
