"""Notification digests: members who chose a daily or weekly digest get one mail per period
grouping every notification they would have been mailed, instead of one mail each."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from forum.following.post_excerpts import posts_excerpts
from forum.models import Notification

from forum.following.notifying import preferences_for

PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
FREQUENCIES = ("immediately", "daily", "weekly", "never")


def digest_set(*, user, frequency: str) -> None:
    if frequency not in FREQUENCIES:
        raise ValueError(frequency)
    # Starting a digest now means the first one covers from now, not from the account's start.
    get_user_model().objects.filter(pk=user.pk).update(email_digest=frequency, digest_sent_at=timezone.now())


def mails_each_notification(user) -> bool:
    return user.email_digest == "immediately"


def members_due(now=None) -> list[int]:
    now = now or timezone.now()
    due = Q()
    for frequency, period in PERIODS.items():
        due |= Q(email_digest=frequency) & (Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lte=now - period))
    return list(get_user_model().objects.filter(due, is_active=True).exclude(email="").values_list("pk", flat=True))


def digest_send(*, user_id: int, now=None) -> int:
    """Send one member's digest if it is due; returns how many notifications it carried. Safe to
    run twice: the member's row is locked and the period moves on with the first run."""
    from accounts.tasks import enqueue_email

    now = now or timezone.now()
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user_id)
        period = PERIODS.get(user.email_digest)
        if period is None or (user.digest_sent_at and user.digest_sent_at > now - period):
            return 0
        since = user.digest_sent_at or now - period
        emailed_kinds = [kind for kind, (_web, email) in preferences_for(user).items() if email]
        notifications = list(
            Notification.objects.filter(recipient=user, created_at__gt=since, created_at__lte=now,
                                        read_at__isnull=True, kind__in=emailed_kinds)
            .about_visible_posts().select_related("actor", "topic", "post").order_by("topic_id", "created_at")
        )
        get_user_model().objects.filter(pk=user.pk).update(digest_sent_at=now)
    if not notifications:
        return 0
    site = settings.SITE_URL.rstrip("/")
    # Each post's words as readable text, never its markup; a hidden post's words stay out.
    excerpts = posts_excerpts({n.post_id: n.post for n in notifications
                               if n.post is not None and not n.post.is_hidden and not n.post.is_deleted}.values(),
                              limit=200)
    rows = [(n, site + (n.url or reverse("forum:notifications")), excerpts.get(n.post_id, ""))
            for n in notifications]
    context = {"user": user, "rows": rows, "site": site, "period": user.email_digest,
               "settings_url": site + reverse("forum:notification_preferences")}
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Your {user.email_digest} digest: "
                f"{len(rows)} notification{'s' if len(rows) != 1 else ''}",
        body=render_to_string("forum/following/email/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email],
    )
    enqueue_email(message)
    return len(rows)


def digests_send_due(now=None) -> int:
    """Every digest that is due, one mail per member; what the worker runs."""
    return sum(1 for user_id in members_due(now) if digest_send(user_id=user_id, now=now))


@task()
def send_email_digests() -> int:
    """Daily and weekly notification digests that are due (queued by `manage.py send_digests`)."""
    return digests_send_due()
