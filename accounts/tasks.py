"""Mail leaves through a background task so a slow or failing mail server never holds up a page,
and a failed send is retried later instead of undoing what the user did.

A message that cannot even be built (a header Django refuses, an address it cannot parse) would
fail the same way on every retry: it is reported to the operator as an error, with what is
needed to find it, and not retried."""

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.utils import timezone
from django_tasks import default_task_backend, task

from .mail_headers import header_value, header_values

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


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
        subject=header_value(message.subject),
        body=message.body,
        from_email=message.from_email,
        to=list(message.to),
        alternatives=[[content, mimetype] for content, mimetype in getattr(message, "alternatives", [])],
        headers=header_values(headers),
    )
