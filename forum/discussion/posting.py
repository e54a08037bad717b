"""Creating topics and replies."""

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from forum.access.limits import ensure_uploads_within_post_limit
from forum.access.permissions import ensure_can_post, ensure_can_reply
from forum.common.one_line import one_line
from forum.models import Category, Post, Tag, Topic

from forum.discussion.drafts import draft_discard, draft_key
from forum.discussion.rendering import post_references_record, post_render
from forum.discussion.submissions import submission_claim, submission_record
from forum.following.notifying import notify_post_written
from forum.following.watching import topic_mark_read, topic_watch_automatically


def _slug_for(title: str) -> str:
    return slugify(title)[:80].strip("-") or "topic"


def _next_post_number(topic: Topic) -> int:
    # Two replies can arrive in the same millisecond. Locking the topic row serialises them on
    # PostgreSQL; on SQLite the IMMEDIATE transaction already holds the database write lock.
    # The unique (topic, post_number) constraint is the last line of defence.
    Topic.objects.select_for_update().filter(pk=topic.pk).values_list("pk", flat=True).get()
    highest = Post.objects.filter(topic=topic).aggregate(n=Max("post_number"))["n"]
    return (highest or 0) + 1


def _tags_from_names(names: list[str]) -> list[Tag]:
    tags = []
    for name in dict.fromkeys(filter(None, (one_line(name) for name in names))):
        tag, _ = Tag.objects.get_or_create(name=name)
        tags.append(tag)
    return tags


def topic_create(*, author, category: Category, title: str, raw: str, tag_names: list[str] = (),
                 submit_token: str = "", competing_interests: str = "") -> Topic:
    """A new topic and its first post. A repeat of the same form (`submit_token`) raises
    AlreadySubmitted carrying the first one's post, and creates nothing."""
    ensure_can_post(author)
    title = one_line(title)  # the form did this already; callers that skip it must not store a line break
    now = timezone.now()
    with transaction.atomic():
        submission = submission_claim(user=author, token=submit_token, kind="topic")
        topic = Topic.objects.create(
            title=title,
            slug=_slug_for(title),
            category=category,
            author=author,
            posts_count=1,
            last_posted_at=now,
            last_poster=author,
        )
        if tag_names:
            topic.tags.set(_tags_from_names(tag_names))
        # Cooked inside the transaction because quotes resolve against this new topic's id.
        rendered = post_render(raw=raw, topic=topic, author=author)
        ensure_uploads_within_post_limit(count=len(rendered.upload_ids))
        post = Post.objects.create(
            topic=topic,
            post_number=1,
            author=author,
            raw=raw,
            cooked=rendered.cooked.html,
            cooked_version=rendered.cooked.version,
            competing_interests=one_line(competing_interests),
        )
        post_references_record(post=post, rendered=rendered, new=True)
        topic_watch_automatically(user=author, topic=topic)
        topic_mark_read(user=author, topic=topic, post_number=1)
        notify_post_written(post=post, rendered=rendered)
        draft_discard(user=author, key=draft_key(None))
        submission_record(submission, post=post)
    return topic


def reply_create(*, author, topic: Topic, raw: str, reply_to: Post | None = None, submit_token: str = "",
                 competing_interests: str = "") -> Post:
    """A reply. A repeat of the same form (`submit_token`: a double click, Back and submit again,
    two tabs) raises AlreadySubmitted carrying the first one's post, and creates nothing."""
    ensure_can_reply(author, topic)
    if reply_to is not None and reply_to.topic_id != topic.pk:
        reply_to = None  # a stale or forged reply target must not link across topics
    rendered = post_render(raw=raw, topic=topic, author=author)  # before the lock: the write transaction stays short
    ensure_uploads_within_post_limit(count=len(rendered.upload_ids))
    with transaction.atomic():
        # Claimed before the topic lock: a twin waits here and never takes a post number.
        submission = submission_claim(user=author, token=submit_token, kind="reply")
        number = _next_post_number(topic)
        post = Post.objects.create(
            topic=topic,
            post_number=number,
            author=author,
            reply_to=reply_to,
            raw=raw,
            cooked=rendered.cooked.html,
            cooked_version=rendered.cooked.version,
            competing_interests=one_line(competing_interests),
        )
        answered_by_expert = {"expert_answered": True} if author.role == "expert" else {}
        Topic.objects.filter(pk=topic.pk).update(
            posts_count=F("posts_count") + 1,
            last_posted_at=post.created_at,
            last_poster=author,
            **answered_by_expert,
        )
        post_references_record(post=post, rendered=rendered, new=True)
        topic.posts_count = number  # for marking read: the author has seen what they wrote
        topic_watch_automatically(user=author, topic=topic)
        topic_mark_read(user=author, topic=topic, post_number=number)
        notify_post_written(post=post, rendered=rendered)
        draft_discard(user=author, key=draft_key(topic))
        submission_record(submission, post=post)
    return post


def topic_refresh_expert_answered(topic_id: int) -> None:
    """Recount after a post disappears or comes back: does a visible expert reply remain?"""
    answered = Post.objects.filter(
        topic_id=topic_id, post_number__gt=1, author__role="expert", deleted_at__isnull=True, hidden_at__isnull=True,
    ).exists()
    Topic.objects.filter(pk=topic_id).update(expert_answered=answered)
