"""A real `manage.py worker` process, killed with SIGKILL, stopped with SIGTERM mid-task, and fed
a task that always fails. Tasks are enqueued through the database backend in the test process;
the worker runs against the same database (on SQLite, a file copy of the test database made with
the online backup API, because the test database lives in memory)."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from forum.operations.schedule import SCHEDULE
from tests.faults import worker_tasks

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


class WorkerDatabase:
    def __init__(self, tmp_path: Path):
        self.vendor = connection.vendor
        self.file = tmp_path / "worker.sqlite3"

    def publish(self) -> str:
        """The database URL the worker uses, holding everything enqueued so far."""
        if self.vendor == "postgresql":
            s = connection.settings_dict
            return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        connection.ensure_connection()
        target = sqlite3.connect(self.file)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{self.file}"

    def tasks(self) -> list[tuple[str, int]]:
        """(status, attempts) of every task, oldest first, as the worker left them."""
        from django_tasks_db.models import DBTaskResult

        # The worker's own periodic tasks (forum/operations/schedule.py) are not the ones under test.
        periodic = ", ".join(f"'{entry.task.module_path}'" for entry in SCHEDULE)
        query = (f"SELECT status, worker_ids FROM {DBTaskResult._meta.db_table} "
                 f"WHERE task_path NOT IN ({periodic}) ORDER BY enqueued_at")
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(query)
                rows = cursor.fetchall()
        else:
            with sqlite3.connect(self.file) as db:
                rows = db.execute(query).fetchall()
        import json

        return [(status, len(ids if isinstance(ids, list) else json.loads(ids))) for status, ids in rows]


@pytest.fixture
def worker_db(tmp_path, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return WorkerDatabase(tmp_path)


def start_worker(database_url: str, *extra: str, command: str = "worker", **environ: str) -> subprocess.Popen:
    env = {
        **os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend", "TASKS_VISIBILITY_TIMEOUT": "2",
        "TASKS_HEARTBEAT_INTERVAL": "0.2", "TASKS_HEARTBEAT_TIMEOUT": "1.5",
        "TASKS_MAX_ATTEMPTS": "3", "TASKS_RETRY_BACKOFF": "0", "PYTHONPATH": str(ROOT),
        "EVIDENT_VAR_DIR": str(Path(database_url.removeprefix("sqlite:///")).parent)
        if database_url.startswith("sqlite") else os.environ.get("EVIDENT_VAR_DIR", str(ROOT / "var")),
        **environ,
    }
    if command == "worker":
        extra = ("--reap-every", "0.5", *extra)
    return subprocess.Popen(
        [sys.executable, "manage.py", command, "--no-reload", "--no-startup-delay", "--interval", "0.1", *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def wait_for(condition, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def stop(worker: subprocess.Popen) -> str:
    if worker.poll() is None:
        worker.kill()
    output, _ = worker.communicate(timeout=10)
    return output


def test_a_task_whose_worker_was_killed_runs_again_once_its_heartbeat_stops(worker_db, tmp_path):
    marker = tmp_path / "marker.log"
    worker_tasks.write_marker.enqueue(path=str(marker), seconds=1.5)
    url = worker_db.publish()

    # The fixed timeout is far away: what brings the task back is the dead worker's silence.
    first = start_worker(url, TASKS_VISIBILITY_TIMEOUT="600")
    wait_for(lambda: lines(marker) == ["started"], what="the task to start")
    first.kill()  # kill -9: no chance to tidy up
    first.wait(10)
    assert worker_db.tasks() == [("RUNNING", 1)]

    second = start_worker(url, TASKS_VISIBILITY_TIMEOUT="600")
    try:
        wait_for(lambda: worker_db.tasks() == [("SUCCESSFUL", 2)], what="the task to run again")
    finally:
        output = stop(second)
    assert lines(marker) == ["started", "started", "finished"]
    assert "requeued: its worker stopped beating" in output


def test_a_long_task_of_a_live_worker_is_not_run_again_by_another(worker_db, tmp_path):
    # Longer than the heartbeat timeout, and than the old fixed timeout: neither may take it away
    # from a worker that is still running it.
    marker = tmp_path / "marker.log"
    worker_tasks.write_marker.enqueue(path=str(marker), seconds=6)
    url = worker_db.publish()

    # Both started together: whichever takes the task, the other is idle long before it ends.
    first = start_worker(url, TASKS_VISIBILITY_TIMEOUT="1")
    second = start_worker(url, TASKS_VISIBILITY_TIMEOUT="1")
    try:
        wait_for(lambda: worker_db.tasks() == [("SUCCESSFUL", 1)], what="the task to finish")
        time.sleep(1)  # would the second worker start it again?
    finally:
        stop(first)
        output = stop(second)
    assert lines(marker) == ["started", "finished"]
    assert "requeued" not in output


def test_a_task_of_a_killed_worker_without_heartbeat_runs_again_after_the_visibility_timeout(worker_db, tmp_path):
    # django-tasks-db's own db_worker keeps no heartbeat: its tasks fall back to the fixed timeout.
    marker = tmp_path / "marker.log"
    worker_tasks.write_marker.enqueue(path=str(marker), seconds=1.5)
    url = worker_db.publish()

    plain = start_worker(url, command="db_worker")
    wait_for(lambda: lines(marker) == ["started"], what="the task to start")
    plain.kill()
    plain.wait(10)

    ours = start_worker(url, TASKS_VISIBILITY_TIMEOUT="2")
    try:
        wait_for(lambda: worker_db.tasks() == [("SUCCESSFUL", 2)], what="the task to run again")
    finally:
        output = stop(ours)
    assert "requeued: no result within 2 s from a worker that keeps no heartbeat" in output


def test_a_task_that_keeps_failing_stops_after_its_attempts_and_is_listed(worker_db, tmp_path):
    attempts = tmp_path / "attempts.log"
    worker_tasks.always_fails.enqueue(path=str(attempts))
    url = worker_db.publish()

    worker = start_worker(url)
    try:
        wait_for(lambda: worker_db.tasks() == [("FAILED", 3)], what="the task to fail for good")
        time.sleep(0.5)  # would a fourth attempt start?
    finally:
        stop(worker)
    assert lines(attempts) == ["attempt"] * 3

    report = subprocess.run(
        [sys.executable, "manage.py", "task_queue"], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "DATABASE_URL": url, "TASKS_BACKEND": "django_tasks_db.DatabaseBackend"},
    )
    assert "Failed for good in the last day: 1" in report.stdout, report.stdout + report.stderr
    assert "tests.faults.worker_tasks.always_fails  builtins.RuntimeError  attempts=3" in report.stdout


def test_sigterm_mid_task_finishes_the_task_then_exits(worker_db, tmp_path):
    marker = tmp_path / "marker.log"
    worker_tasks.write_marker.enqueue(path=str(marker), seconds=1.0)
    url = worker_db.publish()

    worker = start_worker(url)
    wait_for(lambda: lines(marker) == ["started"], what="the task to start")
    worker.send_signal(signal.SIGTERM)

    assert worker.wait(15) == 0
    assert lines(marker) == ["started", "finished"]
    assert worker_db.tasks() == [("SUCCESSFUL", 1)]


def test_the_settings_the_worker_relies_on_have_safe_defaults():
    # Longer than any task takes (a study look-up with its retries is well under a minute).
    assert django_settings.TASKS_VISIBILITY_TIMEOUT >= 300
    assert django_settings.TASKS_MAX_ATTEMPTS >= 2
    # A dead worker's task runs again within a minute; a live one misses several beats first.
    assert django_settings.TASKS_HEARTBEAT_TIMEOUT + django_settings.TASKS_HEARTBEAT_INTERVAL <= 45
    assert django_settings.TASKS_HEARTBEAT_TIMEOUT >= 4 * django_settings.TASKS_HEARTBEAT_INTERVAL


def test_task_queue_shows_the_workers_alive_and_requeues_a_dead_worker_s_task(worker_db, settings):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from forum.models import WorkerHeartbeat

    settings.TASKS_HEARTBEAT_TIMEOUT = 30
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="alive", started_at=now, last_seen=now)
    WorkerHeartbeat.objects.create(worker_id="killed", started_at=now - timedelta(hours=1),
                                   last_seen=now - timedelta(minutes=1))
    held = worker_tasks.write_marker.enqueue(path="unused", seconds=0)
    DBTaskResult.objects.filter(pk=held.id).update(status="RUNNING", started_at=now - timedelta(minutes=2),
                                                    worker_ids=["killed"])
    busy = worker_tasks.write_marker.enqueue(path="unused", seconds=0)
    DBTaskResult.objects.filter(pk=busy.id).update(status="RUNNING", started_at=now - timedelta(hours=2),
                                                    worker_ids=["alive"])

    def report(*args):
        from io import StringIO

        out = StringIO()
        try:
            call_command("task_queue", *args, stdout=out)
        except SystemExit:
            pass
        return out.getvalue()

    before = report()
    assert "Running: 2 (on a worker that is gone: 1)" in before
    assert "Workers alive: 1 (heard from in the last 30 s)" in before
    assert "Status: BEHIND" in before

    after = report("--requeue-stuck")
    assert "Requeued: 1" in after and "Status: ok" in after
    # A task of a live worker is its own however long it runs; the dead one's is back in the queue.
    assert DBTaskResult.objects.get(pk=busy.id).status == "RUNNING"
    assert DBTaskResult.objects.get(pk=held.id).status == "READY"


def test_a_heartbeat_timeout_too_close_to_the_beat_is_warned_about(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.TASKS_HEARTBEAT_INTERVAL, settings.TASKS_HEARTBEAT_TIMEOUT = 10, 15
    with pytest.raises(SystemCheckError, match="evident.W030"):
        call_command("check", tags=["tasks"], fail_level="WARNING")
    settings.TASKS_HEARTBEAT_TIMEOUT = 40
    call_command("check", tags=["tasks"], fail_level="WARNING")
