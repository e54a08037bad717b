"""`manage.py worker`: django-tasks-db's db_worker, kept alive through database outages, with a
heartbeat so a dead worker's task runs again within a minute (forum/operations/task_worker.py).

Takes every option of db_worker. A PostgreSQL restart or a terminated connection is waited out
(one line logged when it starts and one when it ends). Every TASKS_HEARTBEAT_INTERVAL seconds
the worker says it is alive and looks for tasks RUNNING on workers that stopped saying so
(forum/operations/task_queue.py); every --reap-every seconds, and at start, it enqueues the periodic tasks
that are due (forum/operations/schedule.py). SIGTERM is db_worker's: the task in hand is finished, then the
worker exits; a second SIGTERM stops the task, which is then tried again like any failure.
"""

import logging
import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from forum.operations.task_worker import ResilientWorker

logger = logging.getLogger("forum.operations.task_queue")


class Command(DbWorkerCommand):
    help = "Run a background task worker that rides out database outages and re-runs tasks whose worker died"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--reap-every", type=float, default=60,
                            help="Seconds between looks for periodic tasks that are due (default: %(default)s)")

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload, max_tasks,
               worker_id, exclude_queues, reap_every, **options):
        # db_worker's own handle(), with our Worker in place of its own.
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("--reload and --batch cannot be used together; not reloading.")
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names, interval=interval, batch=batch, backend_name=backend_name,
            startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id,
            excluded_queue_names=excluded_queue_names, housekeeping_every=reap_every,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child process runs tasks
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
