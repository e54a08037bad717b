"""Mail leaves through a background task so a slow or failing mail server never holds up a page,
and a failed send is retried later instead of undoing what the user did.

A message that cannot even be built (a header Django refuses, an address it cannot parse) would
fail the same way on every retry: it is reported to the operator as an error, with what is
needed to find it, and not retried.

Each message the mail server accepts is recorded at once (SentMail, by its Message-ID, fixed
when the mail was queued), before the connection is even closed, and a delivery run again (its
worker was killed, the database went away before the task's result was saved) skips a message
already recorded. What is left is the moment between the server's "250 OK" and that row."""

import hashlib
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import make_msgid
from django.db import DatabaseError
from django.utils import timezone
from django_tasks import default_task_backend, task

from .mail_headers import header_value, header_values

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# How long a sent message is remembered: far beyond any retry of the same delivery (minutes).
SENT_MAIL_KEEP_DAYS = 7


def _sent_mail_key(message_id: str) -> str:
    message_id = message_id.strip()
    return message_id if len(message_id) <= 255 else "sha256:" + hashlib.sha256(message_id.encode()).hexdigest()


def mail_was_sent(*, message_id: str) -> bool:
    from forum.models import SentMail

    return SentMail.objects.filter(message_id=_sent_mail_key(message_id)).exists()


def mail_record_sent(*, message_id: str) -> None:
    from forum.models import SentMail

    SentMail.objects.get_or_create(message_id=_sent_mail_key(message_id), defaults={"sent_at": timezone.now()})


def sent_mail_forget_old() -> int:
    """Records of mail sent longer ago than SENT_MAIL_KEEP_DAYS; returns how many went."""
    from forum.models import SentMail

    deleted, _ = SentMail.objects.filter(sent_at__lt=timezone.now() - timedelta(days=SENT_MAIL_KEEP_DAYS)).delete()
    return deleted


@task()
def deliver_email(*, subject: str, body: str, from_email: str, to: list[str],
                  alternatives: list[list[str]] = (), headers: dict | None = None, attempt: int = 1) -> bool:
    try:
        # Headers again here: a task queued before a header was normalised still goes out.
        message = EmailMultiAlternatives(subject=header_value(subject), body=body, from_email=from_email, to=to,
                                         headers=header_values(headers))
        for content, mimetype in alternatives:
            message.attach_alternative(content, mimetype)
        message.message()  # builds the MIME message, as sending would, so a refusal shows here
    except Exception as exc:
        logger.error("mail to %s could not be built and was not sent (subject %r): %s: %s",
                     to, subject[:200], type(exc).__name__, exc)
        return False
    message_id = next((value for name, value in (headers or {}).items() if name.lower() == "message-id"), "")
    if message_id and mail_was_sent(message_id=message_id):
        logger.info("mail %s to %s was already sent; not sent again", message_id, to)
        return True
    arguments = {"subject": subject, "body": body, "from_email": from_email, "to": to,
                 "alternatives": alternatives, "headers": headers}
    try:
        connection = get_connection()
        # Opened here so that the record below is written as soon as the server has taken the
        # message, not after the goodbye, which may hang or fail on its own.
        connection.open()
    except Exception as exc:  # any transport failure: SMTP, DNS, TLS
        return _retry_later(exc, attempt=attempt, **arguments)
    try:
        try:
            sent = connection.send_messages([message])
        except Exception as exc:  # refused, timed out, a full mailbox
            return _retry_later(exc, attempt=attempt, **arguments)
        if sent and message_id:
            try:
                mail_record_sent(message_id=message_id)
            except DatabaseError as exc:
                # Sent all the same: trying again would send it twice for sure.
                logger.error("mail %s to %s was sent but could not be recorded as sent: %s", message_id, to, exc)
        return True
    finally:
        try:
            connection.close()
        except Exception as exc:  # the message is sent; a failed goodbye changes nothing
            logger.info("mail connection did not close cleanly: %s", exc)


def _retry_later(exc: Exception, *, attempt: int, to: list[str], **arguments) -> bool:
    logger.warning("mail to %s failed (attempt %d): %s", to, attempt, exc)
    if attempt >= MAX_ATTEMPTS:
        logger.error("mail to %s given up after %d attempts", to, attempt)
        return False
    retry = deliver_email
    if default_task_backend.supports_defer:
        # Back off: 1, 4, 9, 16 minutes.
        retry = deliver_email.using(run_after=timezone.now() + timedelta(minutes=attempt ** 2))
    retry.enqueue(to=to, attempt=attempt + 1, **arguments)
    return False


def enqueue_email(message) -> None:
    """Queue an already rendered EmailMessage; arguments are plain JSON for any task backend.
    Its Message-ID is fixed now, so every attempt and any repeat of the task sends the same one."""
    headers = dict(message.extra_headers)
    if not any(name.lower() == "message-id" for name in headers):
        headers["Message-ID"] = make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "evident")
    deliver_email.enqueue(
        subject=header_value(message.subject),
        body=message.body,
        from_email=message.from_email,
        to=list(message.to),
        alternatives=[[content, mimetype] for content, mimetype in getattr(message, "alternatives", [])],
        headers=header_values(headers),
    )
