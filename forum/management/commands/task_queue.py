"""`manage.py task_queue`: how the background task queue stands, for an operator."""

from django.conf import settings
from django.core.management.base import BaseCommand

from forum.operations.task_queue import queue_summary, requeue_stuck_tasks, uses_worker


class Command(BaseCommand):
    help = "Print queue depth, the oldest waiting task, stuck tasks and recent failures"

    def add_arguments(self, parser):
        parser.add_argument("--requeue-stuck", action="store_true",
                            help="Put tasks of dead workers back in the queue now (as `worker` does itself)")
        parser.add_argument("--failures", type=int, default=10, help="How many recent failures to list")

    def handle(self, *args, requeue_stuck: bool, failures: int, **options):
        if not uses_worker():
            self.stdout.write(f"Tasks run inside the web process ({settings.TASKS['default']['BACKEND']}); "
                              "there is no queue.")
        if requeue_stuck:
            self.stdout.write(f"Requeued: {requeue_stuck_tasks()}")
        summary = queue_summary(failures=failures)
        wait = summary.oldest_wait_seconds
        self.stdout.write(f"Waiting: {summary.waiting}")
        self.stdout.write("Oldest waiting: " + ("none" if wait is None else f"{wait:.0f} s"))
        self.stdout.write(f"Running: {summary.running} (on a worker that is gone: {summary.stuck})")
        self.stdout.write(f"Workers alive: {summary.workers_alive} (heard from in the last "
                          f"{settings.TASKS_HEARTBEAT_TIMEOUT:g} s)")
        self.stdout.write(f"Failed for good in the last day: {summary.failed_last_day}")
        for failure in summary.failures:
            when = failure.finished_at.strftime("%Y-%m-%d %H:%M:%S") if failure.finished_at else "?"
            self.stdout.write(f"  {when}  {failure.task_path}  {failure.exception_class_path}  "
                              f"attempts={len(failure.worker_ids)}  id={failure.id}")
        self.stdout.write("Status: " + ("BEHIND" if summary.behind else "ok"))
        if summary.behind:
            raise SystemExit(1)
