"""Redis stopped and started, and a task worker killed with SIGKILL, while the site is under load.

    .venv/bin/python bench/fault_drills.py redis  [--duration 45] [--fault-at 10] [--outage 10] [--clients 8]
    .venv/bin/python bench/fault_drills.py worker [--duration 45] [--fault-at 10] [--clients 8]

The same load as bench/fault_restart.py (readers and signed-in repliers from plain threads, every
acknowledged reply carrying a unique marker), against gunicorn with bench.settings on its own
PostgreSQL database (evident_fault_drills, seeded once; --reseed starts it again).

redis: the site's cache is a private redis-server on a free port (never the shared 6379). At
--fault-at it is snapshotted and killed; --outage seconds later it is started again from that
snapshot, so it comes back holding the old pages and generation tokens (--stall: stopped with
SIGSTOP and resumed, the same server with all it held). Afterwards every
acknowledged reply is looked for on its topic page as a visitor sees it (the page cache): a page
without it would be a stale page served after Redis returned.

worker: two `manage.py worker` processes (heartbeat every 1 s, dead after 6 s) and a stream of slow tasks
(0.5 s each) next to the replies' own mail tasks. At --fault-at one worker is killed with SIGKILL
mid-task and a supervisor's replacement starts 2 s later. Afterwards the queue is drained and
every task must have finished: none lost, none stuck.

Reports requests, errors and when, acknowledged replies missing (must be 0), stale pages or lost
tasks (must be 0), as JSON; exit status 0 only if all of that holds. Not run in CI.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fault_restart  # noqa: E402
from fault_restart import PYTHON, ROOT, Log, client_loop, ok  # noqa: E402

DATABASE = "evident_fault_drills"
fault_restart.DATABASE = DATABASE
fault_restart.DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
DSN = f"host=127.0.0.1 user=postgres dbname={DATABASE}"
TASKS_TABLE = "django_tasks_database_dbtaskresult"
SLOW_TASK = "tests.faults.worker_tasks.write_marker"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.directory = tempfile.mkdtemp(prefix="evident-drill-redis-")
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.directory,
             "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
        for _ in range(100):
            if subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).returncode == 0:
                return
            time.sleep(0.05)
        raise SystemExit("private redis-server did not start")

    def snapshot_and_kill(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "save"], check=True, capture_output=True)
        self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def start_worker(env: dict, log_path: Path, worker_id: str) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "manage.py", "worker", "--no-reload", "--no-startup-delay", "--interval", "0.2",
         "--reap-every", "1", "--worker-id", worker_id], cwd=ROOT, env=env, stdout=log_path.open("a"),
        stderr=subprocess.STDOUT)


def enqueue_slow_tasks(stop: threading.Event, marker_dir: Path, count: list) -> None:
    """Tasks of half a second each, so a killed worker is killed in the middle of one."""
    with psycopg.connect(DSN, autocommit=True) as db:
        while not stop.is_set():
            path = marker_dir / f"{uuid.uuid4().hex}.log"
            db.execute(
                f"INSERT INTO {TASKS_TABLE} (id, status, enqueued_at, args_kwargs, priority, task_path, worker_ids,"
                " queue_name, backend_name, run_after, return_value, exception_class_path, traceback)"
                " VALUES (%s, 'READY', now(), %s, 0, %s, '[]', 'default', 'default', '9999-01-01T00:00:00Z',"
                " 'null', '', '')",
                (uuid.uuid4(), json.dumps({"args": [], "kwargs": {"path": str(path), "seconds": 0.5}}), SLOW_TASK))
            count[0] += 1
            time.sleep(0.2)


def task_counts() -> dict:
    with psycopg.connect(DSN) as db:
        rows = db.execute(f"SELECT status, count(*), count(*) FILTER (WHERE jsonb_array_length(worker_ids::jsonb) > 1)"
                          f" FROM {TASKS_TABLE} GROUP BY status").fetchall()
    return {status: {"tasks": n, "run_more_than_once": repeated} for status, n, repeated in rows}


def stale_pages(base: str, acknowledged: list[dict]) -> list[dict]:
    """Acknowledged replies not on the page a visitor is served now (cookies: none)."""
    stale = []
    with httpx.Client(base_url=base, timeout=10) as http:
        for entry in acknowledged:
            location = entry["location"].split("#", 1)[0]
            response = http.get(location, follow_redirects=True)
            if entry["marker"] not in response.text:
                stale.append({**entry, "status": response.status_code, "cache": response.headers.get("x-page-cache")})
    return stale


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("fault", choices=["redis", "worker"])
    parser.add_argument("--duration", type=float, default=45)
    parser.add_argument("--fault-at", type=float, default=10)
    parser.add_argument("--outage", type=float, default=10)
    parser.add_argument("--stall", action="store_true",
                        help="redis: SIGSTOP/SIGCONT instead of kill and restart (it keeps its data and run_id)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=8768)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    fault_restart.seed(args.reseed)
    out = ROOT / "var/bench/fault" / args.fault
    out.mkdir(parents=True, exist_ok=True)
    env = fault_restart.env()
    env.update({"TASKS_HEARTBEAT_INTERVAL": "1", "TASKS_HEARTBEAT_TIMEOUT": "6", "LOG_LEVEL": "WARNING"})
    redis = None
    if args.fault == "redis":
        redis = PrivateRedis()
        redis.start()
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis.port}/0"
    else:
        with psycopg.connect(DSN, autocommit=True) as db:
            db.execute(f"DELETE FROM {TASKS_TABLE}")
    targets = json.loads(subprocess.run([PYTHON, "bench/sessions.py", "--members", str(args.clients)], cwd=ROOT,
                                        env=env, check=True, capture_output=True, text=True).stdout)
    gunicorn = fault_restart.start_gunicorn(port=args.port, environment=env, log_dir=out)
    base = f"http://127.0.0.1:{args.port}"
    workers: list[subprocess.Popen] = []
    enqueued = [0]
    marker_dir = Path(tempfile.mkdtemp(prefix="evident-drill-tasks-"))
    fault = {}
    try:
        if args.fault == "worker":
            workers = [start_worker(env, out / "worker.log", f"drill-{n}") for n in range(2)]
            # Both up and taking tasks before the load starts (starting Django takes seconds here).
            warm_up = threading.Event()
            feeder = threading.Thread(target=enqueue_slow_tasks, args=(warm_up, marker_dir, enqueued))
            feeder.start()
            with psycopg.connect(DSN, autocommit=True) as db:
                deadline = time.monotonic() + 90
                while time.monotonic() < deadline and db.execute(
                        f"SELECT count(DISTINCT worker_ids::jsonb ->> 0) FROM {TASKS_TABLE}"
                        " WHERE jsonb_array_length(worker_ids::jsonb) > 0").fetchone()[0] < 2:
                    time.sleep(0.2)
            warm_up.set()
            feeder.join()

        started = time.monotonic()
        log = Log(started)
        stop = threading.Event()
        members = targets["members"]
        threads = [threading.Thread(target=client_loop, kwargs=dict(
            base=base, session=members[i % len(members)]["sessionid"] if i % 2 == 0 else None, targets=targets,
            log=log, stop=stop, writer=i % 2 == 0)) for i in range(args.clients)]
        if args.fault == "worker":
            threads.append(threading.Thread(target=enqueue_slow_tasks, args=(stop, marker_dir, enqueued)))
        for thread in threads:
            thread.start()
        time.sleep(args.fault_at)
        fault["began_s"] = round(time.monotonic() - started, 2)
        if args.fault == "redis":
            if args.stall:
                os.kill(redis.process.pid, signal.SIGSTOP)
                time.sleep(args.outage)
                os.kill(redis.process.pid, signal.SIGCONT)  # answers again, with everything it held
            else:
                redis.snapshot_and_kill()
                time.sleep(args.outage)
                redis.start()  # from the snapshot: the old pages and tokens are back
            fault["ended_s"] = round(time.monotonic() - started, 2)
        else:
            running_here = (f"SELECT count(*) FROM {TASKS_TABLE} WHERE status = 'RUNNING'"
                            " AND worker_ids::jsonb ->> -1 = 'drill-0'")
            with psycopg.connect(DSN, autocommit=True) as db:
                deadline = time.monotonic() + 30
                while not db.execute(running_here).fetchone()[0] and time.monotonic() < deadline:
                    time.sleep(0.02)  # kill it in the middle of a task, not between two
                os.kill(workers[0].pid, signal.SIGKILL)
                workers[0].wait()
                fault["killed_mid_task"] = db.execute(running_here).fetchone()[0]
            time.sleep(2)
            workers[0] = start_worker(env, out / "worker.log", "drill-0-restarted")  # the supervisor's restart
            fault["ended_s"] = round(time.monotonic() - started, 2)
        time.sleep(max(0.0, args.duration - (time.monotonic() - started)))
        stop.set()
        for thread in threads:
            thread.join(timeout=15)

        if args.fault == "redis":
            time.sleep(2.5)  # CACHE_EPOCH_SECONDS: the documented bound
            stale = stale_pages(base, log.acknowledged)
        else:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                counts = task_counts()
                if set(counts) <= {"SUCCESSFUL", "FAILED"}:
                    break
                time.sleep(0.5)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=15)
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
        if redis:
            redis.stop()

    events = sorted(log.events)
    errors = [e for e in events if not ok(e[2])]
    missing = fault_restart.acknowledged_missing(log.acknowledged)
    report = {
        "fault": args.fault,
        "requests": len(events),
        "replies_acknowledged": len(log.acknowledged),
        "acknowledged_missing": len(missing),
        "errors": len(errors),
        "error_kinds": sorted({str(e[2]) for e in errors}),
        "error_window_s": [round(errors[0][0], 2), round(errors[-1][0], 2)] if errors else None,
        "fault_s": fault,
        "duration_s": args.duration,
    }
    if args.fault == "redis":
        during = [e for e in events if fault["began_s"] <= e[0] <= fault["ended_s"]]
        report["requests_during_outage"] = len(during)
        report["errors_during_outage"] = len([e for e in during if not ok(e[2])])
        report["stale_pages_after_return"] = len(stale)
        healthy = not errors and not missing and not stale
    else:
        counts = task_counts()
        slow_done = len(list(marker_dir.glob("*.log")))
        report["tasks"] = counts
        report["slow_tasks_enqueued"] = enqueued[0]
        report["tasks_lost"] = sum(v["tasks"] for k, v in counts.items() if k not in {"SUCCESSFUL"})
        with psycopg.connect(DSN) as db:
            report["tasks_of_the_killed_worker_finished_by_another"] = db.execute(
                f"SELECT count(*) FROM {TASKS_TABLE} WHERE status = 'SUCCESSFUL' AND worker_ids::jsonb ? 'drill-0'"
                " AND jsonb_array_length(worker_ids::jsonb) > 1").fetchone()[0]
        report["slow_tasks_that_ran"] = slow_done
        healthy = not errors and not missing and report["tasks_lost"] == 0
    print(json.dumps(report, indent=2))
    (out / "report.json").write_text(json.dumps({**report, "missing": missing}, indent=2))
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
