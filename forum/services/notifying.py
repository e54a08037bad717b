"""Telling members what happened to them. One small function so every kind is created alike."""

from forum.models import Notification


def notify(*, recipient, kind: str, actor=None, post=None, topic=None, message: str = "") -> Notification | None:
    if recipient is None or (actor is not None and recipient.pk == actor.pk):
        return None  # nobody is told about their own action
    return Notification.objects.create(
        recipient=recipient, kind=kind, actor=actor, post=post,
        topic=topic or (post.topic if post is not None else None), message=message[:300],
    )
