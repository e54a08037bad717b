"""Telling members what happened: who is told about a new or edited post (each person once, by
the most specific reason), preferences per kind, batched votes, and email after commit."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from config.site_links import site_url

from forum.models import (
    CategorySubscription, Notification, NotificationKind, NotificationPreference, Post, QuoteStatus,
    TopicSubscription, Vote, WatchLevel,
)
from forum.following.post_excerpts import post_excerpt

# Which kinds reach the inbox and the mailbox unless a member says otherwise.
DEFAULT_WEB = {kind: True for kind in NotificationKind.values}
DEFAULT_EMAIL = {
    NotificationKind.MENTIONED: True, NotificationKind.REPLIED: True, NotificationKind.QUOTED: True,
    NotificationKind.ACCEPTED: True, NotificationKind.POSTED: False, NotificationKind.HELPFUL: False,
    NotificationKind.POST_HIDDEN: True, NotificationKind.POST_UNHIDDEN: False, NotificationKind.POST_DELETED: True,
    NotificationKind.POST_RESTORED: False, NotificationKind.POST_EDITED: True, NotificationKind.NEEDS_SOURCE: True,
    NotificationKind.FLAG_OUTCOME: False, NotificationKind.CREDENTIAL: True, NotificationKind.SUSPENDED: True,
    NotificationKind.EVIDENCE_CHANGED: True, NotificationKind.STUDY_SUGGESTION: True,
}
# When one post concerns a member in several ways, the most specific reason wins.
PRIORITY = [NotificationKind.MENTIONED, NotificationKind.QUOTED, NotificationKind.REPLIED, NotificationKind.POSTED]
UNSUBSCRIBE_SALT = "evident.notifications.unsubscribe"
logger = logging.getLogger(__name__)


def preferences_for(user) -> dict[str, tuple[bool, bool]]:
    chosen = {p.kind: (p.web, p.email) for p in NotificationPreference.objects.filter(user=user)}
    return {kind: chosen.get(kind, (DEFAULT_WEB[kind], DEFAULT_EMAIL.get(kind, False)))
            for kind in NotificationKind.values}


def preference_set(*, user, kind: str, web: bool, email: bool) -> None:
    NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"web": web, "email": email})


def wants(user_id: int, kind: str) -> tuple[bool, bool]:
    return wants_each({user_id: kind})[user_id]


def wants_each(kinds: dict[int, str]) -> dict[int, tuple[bool, bool]]:
    """{member id: (web, email)} for each member's own kind of notification, in one query: a reply
    in a watched topic tells every watcher at once."""
    chosen = {(user_id, kind): (web, email) for user_id, kind, web, email in NotificationPreference.objects.filter(
        user_id__in=list(kinds), kind__in=set(kinds.values())).values_list("user_id", "kind", "web", "email")}
    return {user_id: chosen.get((user_id, kind), (DEFAULT_WEB.get(kind, True), DEFAULT_EMAIL.get(kind, False)))
            for user_id, kind in kinds.items()}


def notify(*, recipient, kind: str, actor=None, post=None, topic=None, message: str = "",
           study=None) -> Notification | None:
    """One notification to one member (not about their own action), by their preferences."""
    if recipient is None or not recipient.is_active or (actor is not None and recipient.pk == actor.pk):
        return None
    web, email = wants(recipient.pk, kind)
    if not web and not email:
        return None
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, actor=actor, post=post,
        topic=topic or (post.topic if post is not None else None), message=message[:300], study=study,
        # Email-only: keep the record for the mail but out of the inbox.
        read_at=None if web else timezone.now(),
    )
    if email:
        email_after_commit(notification)
    return notification


def _recipients_for_new_post(post: Post, rendered) -> dict[int, str]:
    topic = post.topic
    # Who muted the topic, who watches it and who chose a level for it themselves: one read.
    subscriptions = list(TopicSubscription.objects.filter(topic=topic).filter(
        Q(level__in=[WatchLevel.MUTED, WatchLevel.WATCHING]) | Q(level_chosen=True)
    ).values_list("user_id", "level", "level_chosen"))
    muted = {user_id for user_id, level, _chosen in subscriptions if level == WatchLevel.MUTED}
    chosen: dict[int, str] = {}

    def offer(user_id: int | None, kind: str):
        if user_id is None or user_id == post.author_id or user_id in muted:
            return
        if user_id not in chosen or PRIORITY.index(kind) < PRIORITY.index(chosen[user_id]):
            chosen[user_id] = kind

    # A cap on mentions keeps one post from pinging a crowd; new members get a smaller one.
    from forum.access.permissions import is_new_member

    cap = settings.FORUM_NEW_USER_MAX_MENTIONS if is_new_member(post.author) else settings.FORUM_MAX_MENTIONS
    for user_id in rendered.mentioned_user_ids[:cap]:
        offer(user_id, NotificationKind.MENTIONED)
    for resolution in rendered.quotes:
        if resolution.post is not None and resolution.status != QuoteStatus.MISSING:
            offer(resolution.post.author_id, NotificationKind.QUOTED)
    if post.reply_to_id:
        offer(Post.objects.filter(pk=post.reply_to_id).values_list("author_id", flat=True).first(),
              NotificationKind.REPLIED)
    if post.post_number > 1:
        watching = {user_id for user_id, level, _chosen in subscriptions if level == WatchLevel.WATCHING}
        # Watching a category means watching its topics, unless the member chose a level for the
        # topic itself; the row that reading leaves behind (tracking, not chosen) is no such choice.
        decided = {user_id for user_id, _level, level_chosen in subscriptions if level_chosen}
        watching |= set(CategorySubscription.objects.filter(category_id=topic.category_id, level=WatchLevel.WATCHING)
                        .exclude(user_id__in=decided).values_list("user_id", flat=True))
        for user_id in watching:
            offer(user_id, NotificationKind.POSTED)
    else:
        for user_id in CategorySubscription.objects.filter(
            category_id=topic.category_id, level=WatchLevel.WATCHING
        ).values_list("user_id", flat=True):
            offer(user_id, NotificationKind.POSTED)
    return chosen


def notify_post_written(*, post: Post, rendered, edited: bool = False) -> list[Notification]:
    """Everyone a new post concerns, once each. After an edit, only people newly mentioned or
    quoted, and nobody who already heard about this post."""
    chosen = _recipients_for_new_post(post, rendered)
    if edited:
        # Anyone already told about this post for a reason of their own (a reply to them, say) has
        # heard of it; a watcher's generic "posted" does not stop a new mention or quote.
        already = set(Notification.objects.filter(
            post=post, kind__in=[NotificationKind.MENTIONED, NotificationKind.QUOTED, NotificationKind.REPLIED]
        ).values_list("recipient_id", flat=True))
        chosen = {uid: kind for uid, kind in chosen.items()
                  if kind in (NotificationKind.MENTIONED, NotificationKind.QUOTED) and uid not in already}
    User = get_user_model()
    active = set(User.objects.filter(pk__in=chosen, is_active=True).values_list("pk", flat=True))
    created, to_email = [], []
    chosen = {user_id: kind for user_id, kind in chosen.items() if user_id in active}
    preferences = wants_each(chosen) if chosen else {}
    for user_id, kind in chosen.items():
        web, email = preferences[user_id]
        if not web and not email:
            continue
        notification = Notification(recipient_id=user_id, kind=kind, actor_id=post.author_id, topic_id=post.topic_id,
                                    post=post, read_at=None if web else post.created_at)
        created.append(notification)
        if email:
            to_email.append(notification)
    heads = _group_mentions(post, created)
    # The conditional unique constraints make a repeated quote or mention a no-op.
    Notification.objects.bulk_create(created, ignore_conflicts=True)
    if heads:
        Notification.objects.filter(pk__in=heads).update(count=F("count") + 1)
    for notification in to_email:
        email_after_commit(notification)
    return created


def _group_mentions(post: Post, created: list[Notification]) -> list[int]:
    """Several mentions of a member by one writer in one topic are one inbox row ("mentioned you
    3 times in ..."), as Discourse groups them, until the member opens it. Each later mention is
    still recorded for its post (so an edit of that post does not mention them again), read and
    with count 0, which keeps it out of the list; the unread row it joins counts it. Returns the
    rows that count one more."""
    mentions = [n for n in created if n.kind == NotificationKind.MENTIONED and n.read_at is None]
    if not mentions:
        return []
    heads = dict(Notification.objects.filter(
        kind=NotificationKind.MENTIONED, topic_id=post.topic_id, actor_id=post.author_id, read_at__isnull=True,
        count__gte=1, recipient_id__in=[n.recipient_id for n in mentions],
    ).order_by("recipient_id", "-pk").values_list("recipient_id", "pk"))
    for notification in mentions:
        if notification.recipient_id in heads:
            notification.count, notification.read_at = 0, timezone.now()
    return list(heads.values())


def notify_helpful(*, voter, post: Post) -> None:
    """Votes are batched: one unread "found your post helpful" per post, counting up."""
    web, email = wants(post.author_id, NotificationKind.HELPFUL)
    if not web or voter.pk == post.author_id:
        return
    existing = Notification.objects.filter(recipient_id=post.author_id, kind=NotificationKind.HELPFUL, post=post,
                                           read_at__isnull=True).first()
    if existing is not None:
        # Count the people whose votes stand since the author last read such a notification, so
        # voting, unvoting and voting again is still one person.
        last_seen = Notification.objects.filter(
            recipient_id=post.author_id, kind=NotificationKind.HELPFUL, post=post, read_at__isnull=False
        ).aggregate(Max("read_at"))["read_at__max"]
        votes = Vote.objects.filter(post=post)
        people = (votes.filter(created_at__gt=last_seen) if last_seen else votes).count()
        Notification.objects.filter(pk=existing.pk).update(count=max(people, 1), actor=voter)
        return
    Notification.objects.create(recipient_id=post.author_id, kind=NotificationKind.HELPFUL, actor=voter,
                                post=post, topic_id=post.topic_id)


# --- email ----------------------------------------------------------------------------------------

def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if data.get("k") not in NotificationKind.values:
        return None
    return int(data["u"]), data["k"]


def unsubscribe(*, user_id: int, kind: str) -> None:
    row, _ = NotificationPreference.objects.get_or_create(
        user_id=user_id, kind=kind, defaults={"web": DEFAULT_WEB.get(kind, True), "email": False}
    )
    if row.email:
        NotificationPreference.objects.filter(pk=row.pk).update(email=False)


def email_after_commit(notification: Notification) -> None:
    def send():
        # The action this mail reports has already been saved: a problem preparing the mail is
        # logged, never turned into an error page for the person who acted. The mail is written
        # by the worker, not in the request that caused it.
        try:
            send_notification_email.enqueue(notification_id=notification.pk, recipient_id=notification.recipient_id,
                                            kind=notification.kind)
        except Exception:
            logger.exception("could not queue the notification email for %s", notification.recipient_id)

    transaction.on_commit(send)


def notification_email_send(*, notification_id: int | None, recipient_id: int, kind: str) -> None:
    """Write the mail for a notification (or the latest of its kind) and queue its delivery."""
    from accounts.mail_headers import header_value
    from accounts.tasks import enqueue_email

    query = Notification.objects.select_related("recipient", "actor", "topic", "post")
    notification = (query.filter(pk=notification_id).first() if notification_id else None) or query.filter(
        recipient_id=recipient_id, kind=kind).order_by("-pk").first()
    if notification is None or not notification.recipient.email:
        return
    if notification.recipient.email_digest != "immediately":
        return  # a digest member hears in the daily or weekly mail, or (never) not by mail
    unsubscribe_url = site_url(reverse("forum:unsubscribe", args=[unsubscribe_token(recipient_id, kind)]))
    if notification.post:
        link = notification.post.get_absolute_url()
    else:
        link = notification.url or reverse("forum:notifications")
    context = {
        "notification": notification, "site": site_url("/"), "unsubscribe_url": unsubscribe_url,
        "link": site_url(link),
        "excerpt": (post_excerpt(notification.post, limit=500)
                    if notification.post and not notification.post.is_hidden else ""),
    }
    # The subject names the topic and the actor: text people typed, so through the one header helper.
    subject = header_value(render_to_string("forum/following/email/notification_subject.txt", context))
    body = render_to_string("forum/following/email/notification.txt", context)
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body=body,
        from_email=settings.DEFAULT_FROM_EMAIL, to=[notification.recipient.email],
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                 # Derived from the notification: a task run twice (its worker died) sends a
                 # message a mail client recognises as the same one.
                 "Message-ID": f"<notification-{notification.pk}@{urlsplit(site_url('/')).hostname or 'evident'}>"},
    )
    enqueue_email(message)


@task()
def send_notification_email(*, notification_id: int | None, recipient_id: int, kind: str) -> None:
    notification_email_send(notification_id=notification_id, recipient_id=recipient_id, kind=kind)


def notifications_read_on_sight(*, user, post_ids: list[int]) -> int:
    """Seeing a post answers the notifications about it, however the member got there: from the
    bell, a mail, or scrolling. One small read when nothing is unread; the write only when needed."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True, post_id__in=post_ids)
    ids = list(unread.values_list("pk", flat=True)[:200])
    if not ids:
        return 0
    return Notification.objects.filter(pk__in=ids).update(read_at=timezone.now())
