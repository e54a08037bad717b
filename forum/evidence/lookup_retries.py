"""Look-ups that could not reach the registry are tried again later, in the background.

"No such record" (404) is an answer: the study is unresolved. "Could not reach" (timeout,
refused connection, 5xx, 429, a garbled answer) is not: the study reads "look-up delayed, will
retry" and the look-up task is queued again with the task's `run_after`, after a back-off that
doubles from REFERENCES_RETRY_BACKOFF seconds (one minute) up to six hours, and never sooner
than the registry's own `Retry-After`. After REFERENCES_RETRY_FOR seconds (one day) of failing
it gives up and the study is unresolved. Nothing sleeps: a worker runs one attempt and moves on.

With a task backend that cannot defer (the immediate backend of the tests and of a bare
`runserver`), no retry is queued; citing the study again, or `manage.py refresh_studies
--only-failed`, tries it again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from forum.models import LookupState, Study

logger = logging.getLogger(__name__)

MAX_DELAY = timedelta(hours=6)


def _seconds(name: str, default: float) -> float:
    value = getattr(settings, name, None)
    return float(default if value in (None, "") else value)


def retry_delay(*, attempts: int, retry_after: float | None = None) -> timedelta:
    """How long to wait after the `attempts`-th failure in a row."""
    backoff = _seconds("REFERENCES_RETRY_BACKOFF", 60) * 2 ** max(0, attempts - 1)
    delay = timedelta(seconds=min(backoff, MAX_DELAY.total_seconds()))
    if retry_after:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay


def can_defer() -> bool:
    """Whether the task backend can run a task later (the look-up tasks use the default one)."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

    return bool(task_backends[DEFAULT_TASK_BACKEND_ALIAS].supports_defer)


def lookup_unreachable(*, study: Study, retry_after: float | None = None) -> datetime | None:
    """Record that the registry could not be reached. Returns when to try next, for the caller
    to queue its look-up task then; None when it has been failing for longer than
    REFERENCES_RETRY_FOR (then the study is unresolved) or the task backend cannot defer."""
    now = timezone.now()
    study.lookup_attempts += 1
    study.lookup_failing_since = study.lookup_failing_since or now
    give_up_at = study.lookup_failing_since + timedelta(seconds=_seconds("REFERENCES_RETRY_FOR", 86400))
    if now >= give_up_at:
        study.lookup_state = LookupState.FAILED
        logger.info("references: study %s still unreachable after %s; given up", study.pk, now - study.lookup_failing_since)
        return None
    study.lookup_state = LookupState.DELAYED
    if can_defer():
        # The last try falls at the end of the day, unless the registry asked for longer.
        next_try = now + retry_delay(attempts=study.lookup_attempts, retry_after=retry_after)
        run_after = min(next_try, max(give_up_at, now + timedelta(seconds=retry_after or 0)))
        logger.info("references: study %s look-up delayed; next try at %s", study.pk, run_after.isoformat())
        return run_after
    return None


def lookup_answered(*, study: Study) -> None:
    """The registry answered (a record or "no such record"): the failure streak is over."""
    study.lookup_attempts = 0
    study.lookup_failing_since = None
