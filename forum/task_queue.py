"""The background task queue as an operator sees it, and its recovery from dead workers.

Tasks run in `manage.py worker` processes (django-tasks-db's db_worker). A worker killed mid-task
(kill -9, the OOM killer, a reboot) leaves its task RUNNING for ever; `requeue_stuck_tasks`
puts tasks running longer than TASKS_VISIBILITY_TIMEOUT back in the queue, and `manage.py
worker` does it at start and periodically. Every task is safe to run twice (a repeated mail
carries the same Message-ID, a repeated look-up writes the same row).

A task that fails is tried again after a back-off until it has been tried TASKS_MAX_ATTEMPTS
times; then it stays FAILED, is logged as an error and listed by `manage.py task_queue`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


def uses_worker() -> bool:
    return "django_tasks_db" in settings.TASKS["default"]["BACKEND"]


def _attempts(task_result) -> int:
    return max(1, len(task_result.worker_ids))


def requeue_stuck_tasks(*, now: datetime | None = None) -> int:
    """Tasks whose worker has not finished them within the visibility timeout are ready to run
    again, or failed for good once they have had all their attempts. Returns how many."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.TASKS_VISIBILITY_TIMEOUT)
    changed = 0
    with transaction.atomic():
        stuck = DBTaskResult.objects.running().filter(started_at__lt=cutoff).select_for_update(skip_locked=True)
        for task_result in stuck:
            if _attempts(task_result) >= settings.TASKS_MAX_ATTEMPTS:
                task_result.status = "FAILED"
                task_result.finished_at = now
                task_result.exception_class_path = "forum.task_queue.WorkerLost"
                task_result.traceback = (f"Its worker stopped before finishing, {_attempts(task_result)} times "
                                         f"(no result within {settings.TASKS_VISIBILITY_TIMEOUT} s each).")
                logger.error("Task %s (%s) given up: its worker died on every attempt.",
                             task_result.id, task_result.task_path)
            else:
                task_result.status = "READY"
                task_result.run_after = now
                logger.warning("Task %s (%s) requeued: its worker stopped %s ago without finishing it.",
                               task_result.id, task_result.task_path, now - task_result.started_at)
            task_result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback", "run_after"])
            changed += 1
    return changed


def retry_failed_task(*, task_id) -> bool:
    """Called when a task has just failed: back in the queue after a back-off, unless it has had
    all its attempts. Returns True if it will run again."""
    from django_tasks_db.models import DBTaskResult

    task_result = DBTaskResult.objects.filter(pk=task_id, status="FAILED").first()
    if task_result is None:
        return False
    attempts = _attempts(task_result)
    if attempts >= settings.TASKS_MAX_ATTEMPTS:
        logger.error("Task %s (%s) failed %d times; given up. Last error: %s", task_result.id,
                     task_result.task_path, attempts, task_result.exception_class_path)
        return False
    delay = settings.TASKS_RETRY_BACKOFF * 2 ** (attempts - 1)
    DBTaskResult.objects.filter(pk=task_result.pk, status="FAILED").update(
        status="READY", run_after=timezone.now() + timedelta(seconds=delay), finished_at=None)
    logger.warning("Task %s (%s) failed (attempt %d of %d, %s); tried again in %d s.", task_result.id,
                   task_result.task_path, attempts, settings.TASKS_MAX_ATTEMPTS,
                   task_result.exception_class_path, delay)
    return True


def retry_after_failure(sender, task_result, **kwargs) -> None:
    """task_finished, sent in the worker: a failed task of the database backend goes round again."""
    from django_tasks_db.backend import DatabaseBackend

    if task_result.status == "FAILED" and isinstance(sender, type) and issubclass(sender, DatabaseBackend):
        retry_failed_task(task_id=task_result.id)


@dataclass
class QueueSummary:
    waiting: int = 0
    oldest_waiting_since: datetime | None = None
    running: int = 0
    stuck: int = 0
    failed_last_day: int = 0
    failures: list = field(default_factory=list)  # the latest final failures

    @property
    def oldest_wait_seconds(self) -> float | None:
        if self.oldest_waiting_since is None:
            return None
        return max(0.0, (timezone.now() - self.oldest_waiting_since).total_seconds())

    @property
    def behind(self) -> bool:
        wait = self.oldest_wait_seconds
        return self.stuck > 0 or (wait is not None and wait > settings.TASKS_ALERT_WAIT_SECONDS)


def queue_summary(*, failures: int = 10) -> QueueSummary:
    from django.db.models import Case, F, Min, When
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    ready = DBTaskResult.objects.ready()
    running = DBTaskResult.objects.running()
    failed = DBTaskResult.objects.failed()
    return QueueSummary(
        waiting=ready.count(),
        # Waiting since it became due: a retry waiting out its back-off is not late.
        oldest_waiting_since=ready.aggregate(since=Min(Case(
            When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))))["since"],
        running=running.count(),
        stuck=running.filter(started_at__lt=now - timedelta(seconds=settings.TASKS_VISIBILITY_TIMEOUT)).count(),
        failed_last_day=failed.filter(finished_at__gte=now - timedelta(days=1)).count(),
        failures=list(failed.order_by("-finished_at")[:failures]),
    )
