"""Mail leaves through a background task so a slow or failing mail server never holds up a page,
and a failed send is retried later instead of undoing what the user did."""

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.utils import timezone
from django_tasks import default_task_backend, task

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


@task()
def deliver_email(*, subject: str, body: str, from_email: str, to: list[str],
                  alternatives: list[list[str]] = (), headers: dict | None = None, attempt: int = 1) -> bool:
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to,
                                     headers=headers or {})
    for content, mimetype in alternatives:
        message.attach_alternative(content, mimetype)
    try:
        message.send()
        return True
    except Exception as exc:  # any transport failure: SMTP, DNS, TLS, a full mailbox
        logger.warning("mail to %s failed (attempt %d): %s", to, attempt, exc)
        if attempt >= MAX_ATTEMPTS:
            logger.error("mail to %s given up after %d attempts", to, attempt)
            return False
        retry = deliver_email
        if default_task_backend.supports_defer:
            # Back off: 1, 4, 9, 16 minutes.
            retry = deliver_email.using(run_after=timezone.now() + timedelta(minutes=attempt ** 2))
        retry.enqueue(subject=subject, body=body, from_email=from_email, to=to,
                      alternatives=alternatives, headers=headers, attempt=attempt + 1)
        return False


def enqueue_email(message) -> None:
    """Queue an already rendered EmailMessage; arguments are plain JSON for any task backend.
    Its Message-ID is fixed now, so every attempt and any repeat of the task sends the same one."""
    headers = dict(message.extra_headers)
    if not any(name.lower() == "message-id" for name in headers):
        headers["Message-ID"] = make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "evident")
    deliver_email.enqueue(
        subject=str(message.subject),
        body=message.body,
        from_email=message.from_email,
        to=list(message.to),
        alternatives=[[content, mimetype] for content, mimetype in getattr(message, "alternatives", [])],
        headers=headers,
    )
