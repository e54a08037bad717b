"""Concurrency tests need a server database: each thread gets its own PostgreSQL connection, so
the writes really overlap. SQLite's in-memory test database is shared through one connection
cache with table locks, which would run the threads one after another and prove nothing."""

import threading

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

# Long enough for 50 writers queueing on one row lock, short enough that a deadlock fails fast.
THREAD_TIMEOUT = 60


@pytest.fixture(autouse=True)
def _needs_postgresql(db, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs real parallel connections: run with DATABASE_URL=postgres://... --create-db")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_together(*calls):
    """Run each callable in its own thread, all released at once by a barrier.

    Returns (results, errors) in call order: a result is None where the call raised, and the
    matching error is None where it did not. Every thread closes its own connection, so the
    test database can be dropped afterwards.
    """
    start = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors = [None] * len(calls)

    def run(index, call):
        try:
            start.wait(timeout=THREAD_TIMEOUT)
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001 - reported to the test, not swallowed
            errors[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=THREAD_TIMEOUT)
    stuck = [thread for thread in threads if thread.is_alive()]
    assert not stuck, f"{len(stuck)} threads still running after {THREAD_TIMEOUT}s: a deadlock?"
    return results, errors
