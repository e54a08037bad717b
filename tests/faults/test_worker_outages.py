"""A real `manage.py worker` while its database goes away: connections terminated by the server
(`pg_terminate_backend`, as a PostgreSQL restart or a failover does), a database refusing
connections for a while, SQLite locked by another process for longer than the busy timeout.
The worker stays up, says so once, and runs what is queued when the database is back. Then mail:
a delivery task killed after the mail server accepted its message does not send it twice."""

import signal
import sqlite3
import time
from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.db import connection
from django.utils import timezone

from accounts.tasks import enqueue_email
from tests.faults import worker_tasks
from tests.faults.smtp_server import LoopbackSMTP
from tests.faults.test_worker_faults import lines, start_worker, stop, wait_for, worker_db  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="terminating backends is PostgreSQL's")
sqlite_only = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="a file lock held by another process")


def terminate_other_connections() -> int:
    """What a PostgreSQL restart does to every client: their backends end under them. Returns
    once they have ended (pg_terminate_backend only signals them), so what the test does next
    meets a worker whose connections are already gone."""
    others = "datname = current_database() AND pid <> pg_backend_pid()"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pid FROM pg_stat_activity WHERE {others}")
        pids = [pid for (pid,) in cursor.fetchall()]
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])

        def ended():
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [pids])
            return cursor.fetchone()[0] == 0

        wait_for(ended, what="the terminated backends to end")
    return len(pids)


def allow_connections(allowed: bool) -> None:
    """New connections to the test database refused (or allowed again), as while a server is down.
    Said from the maintenance database: PostgreSQL will not let a database close itself."""
    import psycopg

    settings = connection.settings_dict
    with psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, user=settings["USER"],
                         password=settings["PASSWORD"] or None, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{settings["NAME"]}" ALLOW_CONNECTIONS {"true" if allowed else "false"}')


def count(worker_db, table: str) -> int:
    """Rows in one of the worker's tables, as the worker left them."""
    query = f"SELECT count(*) FROM {table}"
    if worker_db.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchone()[0]
    with sqlite3.connect(worker_db.file) as db:
        return db.execute(query).fetchone()[0]


def heartbeats(worker_db) -> int:
    from forum.models import WorkerHeartbeat

    return count(worker_db, WorkerHeartbeat._meta.db_table)


def sent_mail(worker_db) -> int:
    from forum.models import SentMail

    return count(worker_db, SentMail._meta.db_table)


def finish(worker) -> str:
    """SIGTERM, as a supervisor stops it: a worker still alive exits cleanly."""
    assert worker.poll() is None, "the worker ended:\n" + worker.communicate()[0]
    worker.send_signal(signal.SIGTERM)
    output, _ = worker.communicate(timeout=20)
    assert worker.returncode == 0, output
    return output


@postgres_only
def test_the_worker_survives_its_connections_being_terminated(worker_db, tmp_path):
    worker = start_worker(worker_db.publish())
    try:
        wait_for(lambda: heartbeats(worker_db) == 1, what="the worker to start")
        for round_ in range(3):
            assert terminate_other_connections() >= 1
            marker = tmp_path / f"after-{round_}.log"
            worker_tasks.write_marker.enqueue(path=str(marker), seconds=0)
            # Done, result saved: the next round's termination finds the worker between tasks.
            wait_for(lambda: worker_db.tasks() == [("SUCCESSFUL", 1)] * (round_ + 1),
                     what=f"the task queued after round {round_}")
            assert lines(marker) == ["started", "finished"]
    finally:
        output = finish(worker) if worker.poll() is None else stop(worker)
    assert worker.returncode == 0, output  # stopped by the SIGTERM, not ended by the outage
    assert worker_db.tasks() == [("SUCCESSFUL", 1)] * 3


@postgres_only
def test_the_worker_waits_out_a_database_outage_and_runs_what_was_queued_meanwhile(worker_db, tmp_path):
    marker = tmp_path / "marker.log"
    worker = start_worker(worker_db.publish())
    try:
        wait_for(lambda: heartbeats(worker_db) == 1, what="the worker to start")
        allow_connections(False)
        try:
            terminate_other_connections()
            # Queued while the worker cannot reach the database (the site's own connection can).
            worker_tasks.write_marker.enqueue(path=str(marker), seconds=0)
            deadline = time.monotonic() + 4
            while time.monotonic() < deadline:  # the worker keeps trying; nothing gets through
                terminate_other_connections()
                time.sleep(0.2)
            assert lines(marker) == []
            assert worker.poll() is None
        finally:
            allow_connections(True)
        wait_for(lambda: lines(marker) == ["started", "finished"], what="the task queued during the outage")
    finally:
        output = finish(worker) if worker.poll() is None else stop(worker)
    assert worker.returncode == 0, output  # stopped by the SIGTERM, not ended by the outage
    assert output.count("Database unavailable") == 1, output
    assert output.count("Database available again") == 1, output
    assert heartbeats(worker_db) == 0  # a worker that stops cleanly leaves no heartbeat behind


@postgres_only
def test_a_task_whose_result_could_not_be_saved_runs_again_when_the_database_is_back(worker_db, tmp_path):
    # The database goes away while a task runs: its result cannot be written, and the worker,
    # alive and beating, would hold it RUNNING for ever. It is queued again instead.
    marker = tmp_path / "marker.log"
    worker = start_worker(worker_db.publish())
    try:
        wait_for(lambda: heartbeats(worker_db) == 1, what="the worker to start")
        worker_tasks.write_marker.enqueue(path=str(marker), seconds=2)
        wait_for(lambda: lines(marker) == ["started"], what="the task to start")
        allow_connections(False)
        try:
            terminate_other_connections()
            wait_for(lambda: lines(marker) == ["started", "finished"], what="the task to end")
            time.sleep(1)  # the worker tries to save the result, and cannot
        finally:
            allow_connections(True)
        wait_for(lambda: worker_db.tasks() == [("SUCCESSFUL", 2)], what="the task to run again")
    finally:
        output = finish(worker) if worker.poll() is None else stop(worker)
    assert worker.returncode == 0, output  # stopped by the SIGTERM, not ended by the outage
    assert lines(marker) == ["started", "finished", "started", "finished"]
    assert "put back in the queue" in output, output


@sqlite_only
def test_the_worker_waits_while_another_process_holds_sqlite_locked(worker_db, tmp_path):
    marker = tmp_path / "marker.log"
    # Due once the lock is over: the test's database is copied to the worker's file just below.
    worker_tasks.write_marker.using(run_after=timezone.now() + timedelta(seconds=9)).enqueue(
        path=str(marker), seconds=0)
    url = worker_db.publish()

    worker = start_worker(url)
    try:
        wait_for(lambda: heartbeats(worker_db) == 1, what="the worker to start")
        # A migration or a big import holding the write lock longer than SQLite's busy timeout
        # (5 s): the worker's next look at the queue fails with "database is locked".
        locker = sqlite3.connect(worker_db.file, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        time.sleep(7)
        assert worker.poll() is None
        locker.execute("COMMIT")
        locker.close()
        wait_for(lambda: lines(marker) == ["started", "finished"], what="the task after the lock")
    finally:
        output = finish(worker) if worker.poll() is None else stop(worker)
    assert worker.returncode == 0, output  # stopped by the SIGTERM, not ended by the outage
    assert "Database unavailable (OperationalError: database is locked)" in output, output


def test_a_mail_task_killed_after_the_server_accepted_the_message_does_not_send_it_twice(worker_db):
    enqueue_email(EmailMessage(subject="Your digest", body="Three new answers.", from_email="site@example.org",
                               to=["reader@example.org"], headers={"Message-ID": "<digest-1@example.org>"}))
    url = worker_db.publish()
    smtp_env = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1"}

    # The server takes the message, then never answers the goodbye: the worker is killed there,
    # after it recorded the message as sent and before the task's result was saved.
    with LoopbackSMTP(hold="quit") as server:
        first = start_worker(url, EMAIL_PORT=str(server.port), **smtp_env)
        wait_for(lambda: len(server.accepted) == 1, what="the server to accept the message")
        wait_for(lambda: sent_mail(worker_db) == 1, what="the worker to record the message as sent")
        first.kill()
        first.wait(10)
        assert worker_db.tasks() == [("RUNNING", 1)]

        second = start_worker(url, EMAIL_PORT=str(server.port), **smtp_env)
        try:
            wait_for(lambda: worker_db.tasks() == [("SUCCESSFUL", 2)], what="the task to run again")
        finally:
            output = stop(second)
    assert server.accepted_with("Message-ID: <digest-1@example.org>") == 1
    assert "was already sent; not sent again" in output


def test_a_mail_task_killed_before_the_server_accepted_the_message_sends_it_on_the_next_run(worker_db):
    enqueue_email(EmailMessage(subject="Your digest", body="Three new answers.", from_email="site@example.org",
                               to=["reader@example.org"], headers={"Message-ID": "<digest-2@example.org>"}))
    url = worker_db.publish()
    smtp_env = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1"}

    # Killed while the server had not yet said "250" to the message: it was never delivered,
    # nothing was recorded, and the next run sends it.
    with LoopbackSMTP(hold="accept") as server:
        first = start_worker(url, EMAIL_PORT=str(server.port), **smtp_env)
        wait_for(lambda: worker_db.tasks() == [("RUNNING", 1)], what="the delivery to start")
        time.sleep(1)
        first.kill()
        first.wait(10)
        server.hold = None
        second = start_worker(url, EMAIL_PORT=str(server.port), **smtp_env)
        try:
            wait_for(lambda: worker_db.tasks() == [("SUCCESSFUL", 2)], what="the task to run again")
        finally:
            stop(second)
    assert server.accepted_with("Message-ID: <digest-2@example.org>") == 1
