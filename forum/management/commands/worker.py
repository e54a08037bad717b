"""`manage.py worker`: django-tasks-db's db_worker, plus the recovery of tasks whose worker died.

Takes every option of db_worker. At start, and then every --reap-every seconds from a thread of
its own, tasks RUNNING for longer than TASKS_VISIBILITY_TIMEOUT are put back in the queue
(forum/task_queue.py) and periodic tasks that are due are enqueued (forum/schedule.py). SIGTERM is db_worker's: the task in hand is finished, then the worker
exits; a second SIGTERM stops the task, which is then tried again like any failure.
"""

import logging
import threading

from django.db import DatabaseError, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from forum.schedule import schedule_enqueue_due
from forum.task_queue import requeue_stuck_tasks

logger = logging.getLogger("forum.task_queue")


def _housekeeping() -> None:
    try:
        requeue_stuck_tasks()
        schedule_enqueue_due()
    except DatabaseError as error:  # the database restarting: next round
        logger.warning("Could not look for stuck or periodic tasks: %s", error)


def _reap_forever(every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        try:
            _housekeeping()
        finally:
            connection.close()


class Command(DbWorkerCommand):
    help = "Run a background task worker that also re-runs tasks whose worker died"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--reap-every", type=float, default=60,
                            help="Seconds between looks for tasks whose worker died and for periodic tasks "
                                 "that are due (default: %(default)s)")

    def handle(self, *args, reap_every: float, **options):
        self.configure_logging(options["verbosity"])
        requeued = requeue_stuck_tasks()
        if requeued:
            logger.warning("%d task(s) of a dead worker put back in the queue at start.", requeued)
        schedule_enqueue_due()
        stop = threading.Event()
        reaper = threading.Thread(target=_reap_forever, args=(reap_every, stop), daemon=True, name="reaper")
        reaper.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
