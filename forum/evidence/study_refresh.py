"""Re-checking stored studies on a schedule, so retractions and corrections published since a
study was last fetched reach the people who relied on it (see evidence_alerts).

`studies_refresh_schedule` is run by cron (`manage.py refresh_studies --due`): it picks the
studies not fetched for a while, most recently cited first, and queues one look-up task each,
spaced `pause` seconds apart with the task queue's `run_after`, so the worker asks the registries
politely (PubMed allows three requests a second without a key, and one look-up makes up to four)
and never holds up a request. A cron job that only enqueues is chosen over a task that
reschedules itself: a self-rescheduling chain stops silently the first time one link is lost
(a worker killed, a queue flushed), while cron runs again tomorrow and its output is mailed.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.db.models import F, Max, Q
from django.utils import timezone

from forum.models import LookupState, Study


def studies_due(*, older_than: timedelta):
    """Studies with a DOI or PMID not fetched within `older_than`, most recently cited first."""
    cutoff = timezone.now() - older_than
    return (
        Study.objects.filter(Q(doi__isnull=False) | Q(pmid__isnull=False))
        .exclude(lookup_state=LookupState.PENDING)
        .filter(Q(fetched_at__lt=cutoff) | Q(fetched_at__isnull=True))
        .annotate(last_cited=Max("citations__post__created_at"))
        .order_by(F("last_cited").desc(nulls_last=True), "pk")
    )


def studies_refresh_schedule(*, limit: int, pause: float, older_than: timedelta) -> list[int]:
    """Queue a refresh of up to `limit` due studies, `pause` seconds apart; their ids in order."""
    from forum.evidence.referencing import refresh_study

    ids = list(studies_due(older_than=older_than).values_list("pk", flat=True)[:limit])
    start = timezone.now()
    deferrable = refresh_study.get_backend().supports_defer
    for index, study_id in enumerate(ids):
        if deferrable:
            refresh_study.using(run_after=start + timedelta(seconds=index * pause)).enqueue(study_id=study_id)
        else:
            # The immediate backend (development) runs the look-up now: pause here instead.
            if index and pause:
                time.sleep(pause)
            refresh_study.enqueue(study_id=study_id)
    return ids
