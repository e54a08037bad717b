"""The background task queue as an operator sees it, and its recovery from dead workers.

Tasks run in `manage.py worker` processes (django-tasks-db's db_worker, forum/operations/task_worker.py).
Each worker touches its row in WorkerHeartbeat every TASKS_HEARTBEAT_INTERVAL seconds. A worker
killed mid-task (kill -9, the OOM killer, a reboot) leaves its task RUNNING and its heartbeat
ageing; once the heartbeat is TASKS_HEARTBEAT_TIMEOUT old, `requeue_stuck_tasks` puts the task
back in the queue, so it runs again within a minute instead of after a fixed timeout that had
to be longer than the slowest task. A task whose worker keeps no heartbeat (django-tasks-db's
plain db_worker) falls back to that fixed timeout, TASKS_VISIBILITY_TIMEOUT. Every task is safe
to run twice: a repeated look-up writes the same row, and a mail the server already accepted is
not sent again (SentMail, accounts/tasks.py).

A task that fails is tried again after a back-off until it has been tried TASKS_MAX_ATTEMPTS
times; then it stays FAILED, is logged as an error and listed by `manage.py task_queue`.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone

logger = logging.getLogger(__name__)


def uses_worker() -> bool:
    return "django_tasks_db" in settings.TASKS["default"]["BACKEND"]


def _attempts(task_result) -> int:
    return max(1, len(task_result.worker_ids))


def heartbeat_beat(*, worker_id: str) -> None:
    """This worker is alive: its row says so as of the database's now."""
    from forum.models import WorkerHeartbeat

    if not WorkerHeartbeat.objects.filter(pk=worker_id).update(last_seen=Now()):
        # First beat, or the row was taken for a dead worker's while the database was away.
        WorkerHeartbeat.objects.update_or_create(pk=worker_id, defaults={
            "hostname": socket.gethostname()[:255], "pid": os.getpid(), "started_at": Now(), "last_seen": Now()})


def heartbeat_forget(*, worker_id: str) -> None:
    """A worker leaving cleanly: nothing of it is left to recover."""
    from forum.models import WorkerHeartbeat

    WorkerHeartbeat.objects.filter(pk=worker_id).delete()


def _alive_worker_ids() -> set[str]:
    from forum.models import WorkerHeartbeat

    cutoff = Now() - timedelta(seconds=settings.TASKS_HEARTBEAT_TIMEOUT)
    return set(WorkerHeartbeat.objects.filter(last_seen__gte=cutoff).values_list("worker_id", flat=True))


def _lost_tasks(tasks, *, now: datetime) -> list[tuple[object, str]]:
    """The RUNNING tasks among `tasks` whose worker is gone, each with why it is thought gone."""
    from forum.models import WorkerHeartbeat

    tasks = list(tasks)
    if not tasks:
        return []
    alive = _alive_worker_ids()
    known = set(WorkerHeartbeat.objects.values_list("worker_id", flat=True))
    cutoff = now - timedelta(seconds=settings.TASKS_VISIBILITY_TIMEOUT)
    lost = []
    for task_result in tasks:
        worker_id = task_result.worker_ids[-1] if task_result.worker_ids else None
        if worker_id in alive:
            continue
        if worker_id in known:
            lost.append((task_result, f"its worker stopped beating {settings.TASKS_HEARTBEAT_TIMEOUT:g} s or more ago"))
        elif task_result.started_at and task_result.started_at < cutoff:
            lost.append((task_result, f"no result within {settings.TASKS_VISIBILITY_TIMEOUT} s from a worker "
                                      "that keeps no heartbeat"))
    return lost


def _requeue(task_result, *, why: str, now: datetime) -> int:
    """One task whose worker is gone: ready to run again, or failed for good after its attempts."""
    from django_tasks_db.models import DBTaskResult

    if _attempts(task_result) >= settings.TASKS_MAX_ATTEMPTS:
        change = {"status": "FAILED", "finished_at": now, "exception_class_path": "forum.operations.task_queue.WorkerLost",
                  "traceback": f"Its worker stopped before finishing, {_attempts(task_result)} times "
                               f"(last time: {why})."}
        logger.error("Task %s (%s) given up: its worker died on every attempt.", task_result.id, task_result.task_path)
    else:
        change = {"status": "READY", "run_after": now}
        logger.warning("Task %s (%s) requeued: %s.", task_result.id, task_result.task_path, why)
    # Only if nobody moved it meanwhile: SQLite has no row locks, and two workers may look at
    # once; the claim's start time tells this run of the task from a later one.
    return DBTaskResult.objects.filter(
        pk=task_result.pk, status="RUNNING", started_at=task_result.started_at).update(**change)


def requeue_stuck_tasks(*, now: datetime | None = None) -> int:
    """Tasks whose worker died are ready to run again, or failed for good once they have had all
    their attempts. Returns how many."""
    from django_tasks_db.models import DBTaskResult

    from forum.models import WorkerHeartbeat

    now = now or timezone.now()
    changed = 0
    with transaction.atomic():
        running = DBTaskResult.objects.running().select_for_update(skip_locked=True)
        for task_result, why in _lost_tasks(running, now=now):
            changed += _requeue(task_result, why=why, now=now)
        # The rows of workers long dead, once nothing they held is left RUNNING.
        holding = {ids[-1] for ids in DBTaskResult.objects.running().values_list("worker_ids", flat=True) if ids}
        WorkerHeartbeat.objects.filter(
            last_seen__lt=Now() - timedelta(seconds=2 * settings.TASKS_HEARTBEAT_TIMEOUT)
        ).exclude(worker_id__in=holding).delete()
    return changed


def release_claims(*, worker_id: str) -> int:
    """A worker that lost the database while it held a task, now that the database is back: it
    holds nothing any more (the task ended, or the claim was written and the task never ran), so
    whatever the queue still says is RUNNING on it runs again. Returns how many."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    changed = 0
    with transaction.atomic():
        for task_result in DBTaskResult.objects.running().select_for_update(skip_locked=True):
            if task_result.worker_ids and task_result.worker_ids[-1] == worker_id:
                changed += _requeue(task_result, why="its worker lost the database while running it", now=now)
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
    stuck: int = 0  # RUNNING on a worker that is gone: the next look by a worker requeues them
    workers_alive: int = 0
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
        stuck=len(_lost_tasks(running, now=now)),
        workers_alive=len(_alive_worker_ids()),
        failed_last_day=failed.filter(finished_at__gte=now - timedelta(days=1)).count(),
        failures=list(failed.order_by("-finished_at")[:failures]),
    )
