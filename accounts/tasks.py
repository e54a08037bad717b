"""Mail leaves through a background task so a slow or failing mail server never holds up a page."""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def deliver_email(*, subject: str, body: str, from_email: str, to: list[str],
                  alternatives: list[list[str]] = (), headers: dict | None = None) -> None:
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to,
                                     headers=headers or {})
    for content, mimetype in alternatives:
        message.attach_alternative(content, mimetype)
    message.send()


def enqueue_email(message) -> None:
    """Queue an already rendered EmailMessage; arguments are plain JSON for any task backend."""
    deliver_email.enqueue(
        subject=str(message.subject),
        body=message.body,
        from_email=message.from_email,
        to=list(message.to),
        alternatives=[[content, mimetype] for content, mimetype in getattr(message, "alternatives", [])],
        headers=dict(message.extra_headers),
    )
