"""The `manage.py worker` process: django-tasks-db's worker loop, kept alive through database
outages, with a heartbeat thread beside it.

db_worker's loop lets any database error other than SQLite's "database is locked" end the
process, so a PostgreSQL restart or a terminated connection stopped all background work until
someone restarted the worker. `ResilientWorker` runs that same loop and, when the database goes
away, closes the broken connection, waits (doubling from RETRY_FIRST up to RETRY_MAX seconds),
and carries on once a probe gets through. The loop is reused as it is rather than copied, so a
new django-tasks-db keeps its claiming and signal handling.

The heartbeat thread touches this worker's WorkerHeartbeat row every TASKS_HEARTBEAT_INTERVAL
seconds, even while a long task runs, and looks for tasks of workers that stopped beating
(forum/operations/task_queue.py) and for periodic tasks that are due (forum/operations/schedule.py).
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections, connection, connections
from django_tasks_db.management.commands.db_worker import Worker

from forum.operations.schedule import schedule_enqueue_due
from forum.operations.task_queue import heartbeat_beat, heartbeat_forget, release_claims, requeue_stuck_tasks

logger = logging.getLogger("forum.operations.task_queue")

# What a database restart, a terminated backend or a refused connection raise. Other database
# errors (a missing table, bad SQL) are bugs or a missed migration: waiting would not mend them.
DATABASE_GONE = (OperationalError, InterfaceError)
# Seconds between tries while the database is away: soon after a blip, then no busier than
# this against a server that is starting up or failing over.
RETRY_FIRST = 0.5
RETRY_MAX = 15.0


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _close_connections() -> None:
    """This thread's connections, which may be broken: the next query opens a new one."""
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except DatabaseError:
            pass


class DatabaseOutage:
    """One warning when the database goes away and one line when it is back, whichever thread
    (the task loop or the heartbeat) notices first, rather than a line per retry from each."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._since: float | None = None

    def failed(self, error: BaseException) -> None:
        with self._lock:
            if self._since is None:
                self._since = time.monotonic()
                logger.warning("Database unavailable (%s: %s); the worker waits and tries again.",
                               type(error).__name__, _first_line(error))

    @property
    def ongoing(self) -> bool:
        return self._since is not None

    def recovered(self) -> None:
        with self._lock:
            if self._since is not None:
                logger.warning("Database available again after %.0f s; the worker carries on.",
                               time.monotonic() - self._since)
                self._since = None


class Heartbeat(threading.Thread):
    def __init__(self, *, worker_id: str, outage: DatabaseOutage, housekeeping_every: float):
        super().__init__(daemon=True, name="heartbeat")
        self.worker_id = worker_id
        self.outage = outage
        self.housekeeping_every = housekeeping_every
        self.stopping = threading.Event()
        self.beating_since: float | None = None
        self.last_housekeeping: float | None = None

    def beat(self) -> None:
        """One round: say this worker is alive, recover what dead workers held, and enqueue the
        periodic tasks that are due. Run once by the worker before it starts, then by the thread."""
        try:
            close_old_connections()
            heartbeat_beat(worker_id=self.worker_id)
            now = time.monotonic()
            self.beating_since = self.beating_since or now
            self.outage.recovered()
            # Others are judged only after this worker has itself been beating for a whole
            # timeout: after a database outage every worker's heartbeat is old, and a live
            # worker must have had the time to beat again before its task is taken from it.
            if now - self.beating_since >= settings.TASKS_HEARTBEAT_TIMEOUT:
                requeue_stuck_tasks()
            if self.last_housekeeping is None or now - self.last_housekeeping >= self.housekeeping_every:
                self.last_housekeeping = now
                schedule_enqueue_due()
        except DATABASE_GONE as error:
            self.beating_since = None
            self.outage.failed(error)
            _close_connections()
        except DatabaseError as error:
            logger.warning("Heartbeat round failed: %s", _first_line(error))
            _close_connections()

    def run(self) -> None:
        while not self.stopping.wait(settings.TASKS_HEARTBEAT_INTERVAL):
            self.beat()
        connection.close()

    def stop(self) -> None:
        """Stop beating and take this worker's row away: it holds nothing left to recover."""
        self.stopping.set()
        if self.is_alive():
            self.join(timeout=10)
        if self.outage.ongoing:
            return  # not worth a wait on a database that is away: the row ages, holding nothing
        try:
            heartbeat_forget(worker_id=self.worker_id)
        except DatabaseError:
            pass  # the row ages and is taken for a dead worker's, holding nothing


class ResilientWorker(Worker):
    """db_worker's Worker, which waits out a database outage instead of ending."""

    def __init__(self, *, housekeeping_every: float, **options):
        super().__init__(**options)
        self.outage = DatabaseOutage()
        self.housekeeping_every = housekeeping_every

    def run(self) -> None:
        # Started here, not in the command: with --reload only the child process runs tasks.
        heartbeat = Heartbeat(worker_id=self.worker_id, outage=self.outage,
                              housekeeping_every=self.housekeeping_every)
        try:
            # The first round before any task is claimed, so a claim never precedes the heartbeat
            # row, and `--batch` runs the periodic tasks that are due.
            heartbeat.beat()
            heartbeat.start()
            while True:
                try:
                    return super().run()
                except DATABASE_GONE as error:
                    if not self.running:  # asked to stop meanwhile, with no task in hand
                        return
                    self.startup_delay = False
                    self._wait_for_database(error)
        finally:
            heartbeat.stop()

    def _wait_for_database(self, error: BaseException) -> None:
        self.outage.failed(error)
        delay = RETRY_FIRST
        while True:
            _close_connections()
            time.sleep(delay)  # a SIGTERM here ends the worker at once: nothing is in hand
            try:
                released = release_claims(worker_id=self.worker_id)
            except DATABASE_GONE:
                delay = min(delay * 2, RETRY_MAX)
                continue
            self.outage.recovered()
            if released:
                logger.warning("%d task(s) this worker held when the database went away put back in the queue.",
                               released)
            return
