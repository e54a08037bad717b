"""Periodic work, run by `manage.py worker`: no cron line to forget.

Every round of the worker's housekeeping thread (and once at start) enqueues each task below
that has not been enqueued within its interval. "When did it last run" is read from the queue
itself (the task results the database backend keeps), so it survives restarts, and a second
worker looking a moment later finds the task already queued. Two workers looking in the same
instant can both enqueue it; every task here is safe to run twice.

Work that must happen at a time of day (digests, study refreshes) stays with cron: see README.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from forum import tasks
from forum.operations.task_queue import uses_worker
from forum.uploads.storing import remove_unused_uploads

logger = logging.getLogger("forum.operations.task_queue")


@dataclass(frozen=True)
class Periodic:
    task: object  # a django_tasks Task
    every: timedelta
    kwargs: dict = field(default_factory=dict)


SCHEDULE = [
    # Uploads no post shows are removed a day after upload; looking hourly keeps them at most
    # a day and an hour.
    Periodic(task=remove_unused_uploads, every=timedelta(hours=1)),
    # Sent mail is remembered so a delivery run twice sends once; a week is far beyond any retry.
    Periodic(task=tasks.forget_sent_mail, every=timedelta(days=1)),
]


def schedule_enqueue_due(*, now: datetime | None = None) -> list[str]:
    """Enqueue the periodic tasks that are due; returns their paths. Nothing without the database
    task backend: there is no worker to run them, and `manage.py remove_unused_uploads` is there."""
    if not uses_worker():
        return []
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    enqueued = []
    for entry in SCHEDULE:
        path = entry.task.module_path
        if DBTaskResult.objects.filter(task_path=path, enqueued_at__gt=now - entry.every).exists():
            continue
        entry.task.enqueue(**entry.kwargs)
        enqueued.append(path)
        logger.info("Scheduled %s (every %s).", path, entry.every)
    return enqueued
