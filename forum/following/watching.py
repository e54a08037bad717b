"""Watching, tracking and muting topics and categories, and how far each member has read."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest

from forum.common.prepared import Prepared
from forum.models import CategorySubscription, TopicSubscription, WatchLevel


def topic_watch_automatically(*, user, topic) -> None:
    """Writing in a topic means following it, unless the member already chose otherwise."""
    updated = TopicSubscription.objects.filter(user=user, topic=topic, level_chosen=False).update(
        level=WatchLevel.WATCHING
    )
    if not updated and not TopicSubscription.objects.filter(user=user, topic=topic).exists():
        try:
            with transaction.atomic():
                TopicSubscription.objects.create(user=user, topic=topic, level=WatchLevel.WATCHING)
        except IntegrityError:
            pass


def topic_level_set(*, user, topic, level: str) -> None:
    if level not in WatchLevel.values:
        raise ValueError(level)
    TopicSubscription.objects.update_or_create(user=user, topic=topic,
                                               defaults={"level": level, "level_chosen": True})


# A member's category page shows their level: composed once per process (forum/common/prepared.py).
_CATEGORY_LEVEL = Prepared(lambda user_id, category_id: CategorySubscription.objects
                           .filter(user=user_id, category=category_id).values_list("level"))


def category_level(*, user, category) -> str:
    """`user`'s level for `category`: tracking until they choose one."""
    found = _CATEGORY_LEVEL.fetch(user.pk, category.pk)
    return found[0][0] if found else WatchLevel.TRACKING.value


def category_level_set(*, user, category, level: str) -> None:
    if level not in WatchLevel.values:
        raise ValueError(level)
    CategorySubscription.objects.update_or_create(user=user, category=category, defaults={"level": level})


def topic_mark_read(*, user, topic, post_number: int, subscribed: bool | None = None) -> None:
    """Remember the furthest post this member has seen; reading an earlier page never moves it
    back. One query on the topic page: pass `subscribed` when the caller already knows."""
    post_number = min(post_number, topic.posts_count)
    if subscribed is not False:
        if TopicSubscription.objects.filter(user=user, topic=topic).update(
            last_read_post_number=Greatest(F("last_read_post_number"), post_number)
        ) or subscribed:
            return
    # A first visit; if a parallel request created the row first, its position stands.
    TopicSubscription.objects.bulk_create(
        [TopicSubscription(user=user, topic=topic, last_read_post_number=post_number)], ignore_conflicts=True
    )
