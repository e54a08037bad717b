"""Soft deletion: a placeholder stays in the thread and moderators can still read the text."""

from django.db import transaction
from django.utils import timezone

from forum.models import Post, Topic
from forum.permissions import ensure_can_delete_post


def post_delete(*, actor, post: Post) -> Post:
    ensure_can_delete_post(actor, post)
    now = timezone.now()
    with transaction.atomic():
        Post.objects.filter(pk=post.pk, deleted_at__isnull=True).update(deleted_at=now, deleted_by=actor)
        # The first post is the question: deleting it deletes the topic, as in Discourse.
        if post.is_first:
            Topic.objects.filter(pk=post.topic_id, deleted_at__isnull=True).update(
                deleted_at=now, deleted_by=actor
            )
    post.refresh_from_db()
    return post
