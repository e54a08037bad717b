"""PostgreSQL restarted under load: does the site recover by itself, and is any post lost?

    .venv/bin/python bench/fault_restart.py [--duration 60] [--restart-at 20] [--clients 8] [--reseed]

Seeds a small PostgreSQL database (evident_fault, ~1k posts, created once; --reseed starts it
again), starts gunicorn on 127.0.0.1 with bench.settings, and runs a bounded load of readers and
repliers from plain threads. Every reply the server acknowledged (302 to the new post) is
recorded with a unique marker. At --restart-at seconds PostgreSQL is restarted with
pg_ctlcluster. Afterwards it reports: when errors happened relative to the outage, how long the
service took to answer again by itself, and whether every acknowledged reply is in the database.
Exit status 0 only if all of that holds. Not run in CI: it restarts the machine's PostgreSQL.
PostgreSQL is always brought back up at the end, even on failure.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv/bin/python")
DATABASE = "evident_fault"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"


def pg_cluster() -> str:
    return sorted(os.listdir("/etc/postgresql"))[-1]


def pg_restart() -> None:
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", pg_cluster(), "main", "restart"], check=True)


def pg_ensure_running() -> None:
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode != 0:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", pg_cluster(), "main", "start"], check=False)
    for _ in range(60):
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0:
            return
        time.sleep(0.5)
    raise SystemExit("PostgreSQL did not come back")


def env() -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": DATABASE_URL,
            "PYTHONPATH": str(ROOT)}


def seed(reseed: bool) -> None:
    exists = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc",
                             f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"],
                            capture_output=True, text=True).stdout.strip() == "1"
    if exists and not reseed:
        return
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DATABASE}"], check=True)
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {DATABASE}"], check=True)
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env(), check=True)
    subprocess.run([PYTHON, "manage.py", "seed_bench", "--users", "100", "--topics", "60", "--posts", "1000"],
                   cwd=ROOT, env=env(), check=True, stdout=subprocess.DEVNULL)


class Log:
    def __init__(self, started: float):
        self.started = started
        self.lock = threading.Lock()
        self.events: list[tuple[float, str, int | str]] = []  # (seconds, kind, status or error)
        self.acknowledged: list[dict] = []

    def add(self, kind: str, outcome):
        with self.lock:
            self.events.append((time.monotonic() - self.started, kind, outcome))


def client_loop(*, base: str, session: str | None, targets: dict, log: Log, stop: threading.Event, writer: bool):
    http = httpx.Client(base_url=base, timeout=10, follow_redirects=False)
    if session:
        http.cookies.set("sessionid", session)
    rng = random.Random()
    while not stop.is_set():
        topic = rng.choice(targets["topics"])
        try:
            if writer and rng.random() < 0.5:
                topic_id = rng.choice(targets["reply_topic_ids"])
                form = http.get(f"/t/{topic_id}/reply/")
                if form.status_code != 200:
                    log.add("reply form", form.status_code)
                    continue
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
                marker = f"fault-{uuid.uuid4().hex}"
                response = http.post(f"/t/{topic_id}/reply/", data={
                    "raw": f"Acknowledged reply {marker}: the trial was small but well run.",
                    "csrfmiddlewaretoken": token}, headers={"Referer": f"{base}/t/{topic_id}/reply/"})
                log.add("reply", response.status_code)
                if response.status_code == 302 and "/t/" in response.headers.get("location", ""):
                    with log.lock:
                        log.acknowledged.append({"marker": marker, "topic_id": topic_id,
                                                 "location": response.headers["location"]})
            else:
                response = http.get(topic["url"])
                log.add("read", response.status_code)
        except httpx.HTTPError as exc:
            log.add("reply" if writer else "read", exc.__class__.__name__)
        time.sleep(rng.uniform(0, 0.05))
    http.close()


def acknowledged_missing(acknowledged: list[dict]) -> list[dict]:
    found = set()
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={DATABASE}") as connection:
        rows = connection.execute("SELECT substring(raw from 'fault-[0-9a-f]{32}') FROM forum_post "
                                  "WHERE raw LIKE 'Acknowledged reply fault-%%'").fetchall()
        found = {row[0] for row in rows}
    return [entry for entry in acknowledged if entry["marker"] not in found]


def start_gunicorn(*, port: int, environment: dict, log_dir: Path) -> subprocess.Popen:
    """gunicorn with bench.settings on loopback, returned once it answers (or after 20 s)."""
    gunicorn = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--access-logfile", "/dev/null",
         "--error-logfile", str(log_dir / "gunicorn.log")], cwd=ROOT, env=environment)
    for _ in range(100):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return gunicorn


def ok(outcome) -> bool:
    return isinstance(outcome, int) and outcome < 400


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--restart-at", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    seed(args.reseed)
    targets = json.loads(subprocess.run([PYTHON, "bench/sessions.py", "--members", str(args.clients)], cwd=ROOT,
                                        env=env(), check=True, capture_output=True, text=True).stdout)
    out = ROOT / "var/bench/fault"
    out.mkdir(parents=True, exist_ok=True)
    gunicorn = start_gunicorn(port=args.port, environment=env(), log_dir=out)
    base = f"http://127.0.0.1:{args.port}"
    try:
        started = time.monotonic()
        log = Log(started)
        stop = threading.Event()
        members = targets["members"]
        threads = [threading.Thread(target=client_loop, kwargs=dict(
            base=base, session=members[i % len(members)]["sessionid"] if i % 2 == 0 else None, targets=targets,
            log=log, stop=stop, writer=i % 2 == 0)) for i in range(args.clients)]
        for thread in threads:
            thread.start()
        time.sleep(args.restart_at)
        restart_began = time.monotonic() - started
        pg_restart()
        restart_ended = time.monotonic() - started
        time.sleep(max(0.0, args.duration - (time.monotonic() - started)))
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=15)
        pg_ensure_running()

    events = sorted(log.events)
    errors = [e for e in events if not ok(e[2])]
    before = [e for e in errors if e[0] < restart_began]
    after_restart = [e for e in events if e[0] >= restart_began]
    first_ok_after = next((e[0] for e in after_restart if ok(e[2])), None)
    last_error = errors[-1][0] if errors else None
    # Recovered: from the restart until the first success after which no request failed again.
    stable_from = None
    for when, _kind, outcome in reversed(events):
        if not ok(outcome):
            break
        stable_from = when
    missing = acknowledged_missing(log.acknowledged)
    replies = [e for e in events if e[1] == "reply"]
    report = {
        "requests": len(events),
        "replies_attempted": len(replies),
        "replies_acknowledged": len(log.acknowledged),
        "acknowledged_missing": len(missing),
        "errors": len(errors),
        "errors_before_restart": len(before),
        "error_kinds": sorted({str(e[2]) for e in errors}),
        "restart_began_s": round(restart_began, 2),
        "restart_command_took_s": round(restart_ended - restart_began, 2),
        "error_window_s": [round(errors[0][0], 2), round(last_error, 2)] if errors else None,
        "first_success_after_restart_s": round(first_ok_after - restart_began, 2) if first_ok_after else None,
        "recovered_after_s": round(stable_from - restart_began, 2) if stable_from and stable_from >= restart_began
        else (0.0 if not errors else None),
        "duration_s": args.duration,
    }
    print(json.dumps(report, indent=2))
    (out / "report.json").write_text(json.dumps({**report, "missing": missing}, indent=2))
    healthy = (not before and not missing and report["recovered_after_s"] is not None
               and (not errors or errors[0][0] >= restart_began))
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
