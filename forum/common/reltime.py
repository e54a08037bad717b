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


# (below, unit, name): under `below` seconds old, the text counts in `unit`s.
_COUNTED = ((_HOUR, _MINUTE, "minute"), (_DAY, _HOUR, "hour"), (30 * _DAY, _DAY, "day"))


def _ago(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'} ago"


def _counted_in(seconds: int) -> tuple[int, str] | None:
    """What the text of a date `seconds` old counts in: (unit, name), (0, "") while it reads
    "just now", None when it is the day itself. Clocks of two servers can disagree by a little:
    a post is never "in 3 seconds", but a day further ahead reads as that day."""
    if seconds <= -_MINUTE or seconds >= 30 * _DAY:
        return None
    if seconds < _MINUTE:
        return 0, ""
    return next((unit, name) for below, unit, name in _COUNTED if seconds < below)


def relative_text(value: datetime, now: datetime | None = None, zone=None) -> str:
    """`zone`: the reader's time zone, when the caller has it at hand (forum.common.dates)."""
    now = now or timezone.now()
    seconds = int((now - value).total_seconds())
    counted = _counted_in(seconds)
    if counted is None:
        return day_text(value, zone)
    unit, name = counted
    return _ago(seconds // unit, name) if unit else "just now"


def relative_text_changes_at(value: datetime, now: datetime | None = None) -> datetime | None:
    """The moment `relative_text(value)` stops reading as it does at `now`: "3 minutes ago" turns
    into "4 minutes ago" a minute after it was 3, "5 days ago" a day after it was 5. None when it
    never will: a date a month old reads as the day itself. A page keeps its copy until then
    (forum/caching/page_cache.py)."""
    now = now or timezone.now()
    seconds = int((now - value).total_seconds())
    counted = _counted_in(seconds)
    if counted is None:
        # A day ahead reads as the day until it comes within a minute ("just now").
        return value - timedelta(seconds=_MINUTE) if seconds < 0 else None
    unit, _name = counted
    if not unit:
        return value + timedelta(seconds=_MINUTE)
    return value + timedelta(seconds=(seconds // unit + 1) * unit)


def relative_texts_change_at(values, now: datetime) -> datetime | None:
    """The first moment any of `values` reads differently from `now`: until then a page showing
    them all says the same. None when none ever will."""
    return min(filter(None, (relative_text_changes_at(value, now) for value in values)), default=None)
