"""Relative dates ("3 hours ago") computed by plain arithmetic.

Topic pages show one per post and fold the text into each post's cache key, so it is computed on
every request: humanize's naturaltime goes through the translation machinery and costs about
0.3 ms a call, this about a microsecond. After a month the text becomes the date itself, which
no longer changes with time.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from .dates import day_text

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR


def _ago(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'} ago"


def relative_text(value: datetime, now: datetime | None = None, zone=None) -> str:
    """`zone`: the reader's time zone, when the caller has it at hand (forum.common.dates)."""
    now = now or timezone.now()
    seconds = int((now - value).total_seconds())
    if seconds < 0:
        # Clocks of two servers can disagree by a little; a post is never "in 3 seconds".
        return "just now" if seconds > -_MINUTE else day_text(value, zone)
    if seconds < _MINUTE:
        return "just now"
    if seconds < _HOUR:
        return _ago(seconds // _MINUTE, "minute")
    if seconds < _DAY:
        return _ago(seconds // _HOUR, "hour")
    if seconds < 30 * _DAY:
        return _ago(seconds // _DAY, "day")
    return day_text(value, zone)


def relative_text_changes_at(value: datetime, now: datetime | None = None) -> datetime | None:
    """The moment `relative_text(value)` stops reading as it does at `now`: "3 minutes ago" turns
    into "4 minutes ago" a minute after it was 3, "5 days ago" a day after it was 5. None when it
    never will: a date a month old reads as the day itself. A page keeps its copy until then
    (forum/caching/page_cache.py)."""
    now = now or timezone.now()
    seconds = int((now - value).total_seconds())
    if seconds <= -_MINUTE:
        # A day far ahead (another server's clock) reads as the day until it is "just now".
        return value - timedelta(seconds=_MINUTE)
    if seconds < _MINUTE:
        return value + timedelta(seconds=_MINUTE)
    if seconds >= 30 * _DAY:
        return None
    unit = _MINUTE if seconds < _HOUR else _HOUR if seconds < _DAY else _DAY
    return value + timedelta(seconds=(seconds // unit + 1) * unit)
