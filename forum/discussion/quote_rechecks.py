"""Posts quoting a post are checked again when it changes (edited, hidden, deleted, restored).

Beside rendering rather than in quoting: the check re-renders the quoting posts, and rendering
uses quoting to resolve quotes, so this sits above both.
"""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from forum.models import Post, Quote

from forum.discussion.rendering import post_recook


def quoting_posts_recheck(*, source_post_id: int) -> int:
    """Re-check every post that quotes `source_post_id`; returns how many were re-rendered."""
    quotes = Quote.objects.filter(quoted_post_id=source_post_id)
    source = Post.objects.filter(pk=source_post_id).values("topic_id", "post_number").first()
    if source and source["post_number"] == 1:
        # The first post stands for its topic: deleting it deletes the topic and editing it can
        # retitle it, and quotes of any post in the topic show both.
        quotes = Quote.objects.filter(quoted_post__topic_id=source["topic_id"])
    quoting_ids = set(quotes.values_list("quoting_post_id", flat=True))
    for post in Post.objects.filter(pk__in=quoting_ids).select_related("topic"):
        post_recook(post=post)
    return len(quoting_ids)


def schedule_quote_recheck(source: Post) -> None:
    # robust: the edit is committed by now (see schedule_study_lookup).
    transaction.on_commit(lambda: recheck_quotes.enqueue(source_post_id=source.pk), robust=True)


@task()
def recheck_quotes(*, source_post_id: int) -> int:
    return quoting_posts_recheck(source_post_id=source_post_id)
