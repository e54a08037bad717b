"""Run the development processes together: `python config/devserver.py NAME=COMMAND ...`.

`make run` starts the web server and the task worker through this, so development works like
production (look-ups and mail run in the worker, never inside a request). Each process gets
`RUN_ENVIRONMENT` on top of the caller's environment and its output prefixed with its name.
One Ctrl-C (or SIGTERM) stops them all; if one stops by itself, the others are stopped too, so
a crashed worker is never left unnoticed behind a running server. A process that ignores the
polite signal for `GRACE_SECONDS` is killed.

Adding a process (a live-updates server, say) is one more NAME=COMMAND argument in the Makefile's
RUN_PROCESSES.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import threading
import time

# What the run command changes from the development defaults: tasks go to the database queue
# that the worker empties (the immediate backend would run a look-up inside the request).
RUN_ENVIRONMENT = {"TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}
GRACE_SECONDS = 10.0


def parse(arguments: list[str]) -> list[tuple[str, list[str]]]:
    processes = []
    for argument in arguments:
        name, separator, command = argument.partition("=")
        if not separator or not name.strip() or not command.strip():
            raise SystemExit(f"devserver: expected NAME=COMMAND, got {argument!r}")
        processes.append((name.strip(), shlex.split(command)))
    if not processes:
        raise SystemExit("devserver: nothing to run (give NAME=COMMAND arguments)")
    return processes


def _relay(name: str, stream, width: int) -> None:
    for line in iter(stream.readline, b""):
        sys.stdout.buffer.write(f"{name:<{width}} | ".encode() + line)
        sys.stdout.buffer.flush()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    # Each process leads its own group, so runserver's autoreloader child goes with it.
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def run(processes: list[tuple[str, list[str]]], *, environment: dict[str, str] | None = None) -> int:
    env = {**os.environ, **RUN_ENVIRONMENT, **(environment or {}), "PYTHONUNBUFFERED": "1"}
    width = max(len(name) for name, _ in processes)
    stopping = threading.Event()

    def stop(signum, frame):
        stopping.set()

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    started: list[tuple[str, subprocess.Popen]] = []
    relays = []
    try:
        for name, command in processes:
            process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
            started.append((name, process))
            relay = threading.Thread(target=_relay, args=(name, process.stdout, width), daemon=True)
            relay.start()
            relays.append(relay)
        exited = None
        while not stopping.is_set():
            exited = next(((name, p) for name, p in started if p.poll() is not None), None)
            if exited:
                print(f"devserver: {exited[0]} stopped (exit {exited[1].returncode}); stopping the rest",
                      flush=True)
                break
            stopping.wait(0.2)
        return _stop_all(started, relays, exited)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _stop_all(started, relays, exited) -> int:
    for _, process in started:
        if process.poll() is None:
            _signal_group(process, signal.SIGINT)
    deadline = time.monotonic() + GRACE_SECONDS
    for name, process in started:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"devserver: {name} did not stop in {GRACE_SECONDS:.0f} s; killing it", flush=True)
            _signal_group(process, signal.SIGKILL)
            process.wait()
    for relay in relays:
        relay.join(timeout=1)
    # A process that stopped by itself with an error makes the whole run fail.
    if exited is None:
        return 0
    return exited[1].returncode or 0


if __name__ == "__main__":
    sys.exit(run(parse(sys.argv[1:])))
