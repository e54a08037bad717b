"""How dates are written, site-wide: "7 Dec 2026" for a day, "7 Dec 2026, 14:05 UTC" for a
moment. Templates use the `day` and `moment` filters, messages these functions, so a reader
meets one way of writing a date on every page and in every message."""

from datetime import datetime

from django.utils import timezone


def _local(value: datetime, zone) -> datetime:
    # `zone` given: a page that writes many dates looks the reader's time zone up once.
    if not timezone.is_aware(value):
        return value
    return value.astimezone(zone) if zone is not None else timezone.localtime(value)


def day_text(value: datetime | None, zone=None) -> str:
    if value is None:
        return ""
    return _local(value, zone).strftime("%-d %b %Y")


def moment_text(value: datetime | None, zone=None) -> str:
    if value is None:
        return ""
    local = _local(value, zone)
    return f"{local:%-d %b %Y, %H:%M} {local.tzname() or 'UTC'}"
