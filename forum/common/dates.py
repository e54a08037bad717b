"""How dates are written, site-wide: "7 Dec 2026" for a day, "7 Dec 2026, 14:05 UTC" for a
moment. Templates use the `day` and `moment` filters, messages these functions, so a reader
meets one way of writing a date on every page and in every message."""

from datetime import datetime

from django.utils import timezone


def day_text(value: datetime | None) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%-d %b %Y") if timezone.is_aware(value) else value.strftime("%-d %b %Y")


def moment_text(value: datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{local:%-d %b %Y, %H:%M} {local.tzname() or 'UTC'}"
