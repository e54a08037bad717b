"""The supervisor behind `make run`: both processes start, one Ctrl-C stops both, and one
process stopping stops the other."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from config.devserver import RUN_ENVIRONMENT, parse

ROOT = Path(__file__).resolve().parents[2]
SLEEPER = f"{sys.executable} -c 'import os, time; print(\"started\", os.getpid(), flush=True); time.sleep(60)'"


def start(*processes):
    return subprocess.Popen([sys.executable, "config/devserver.py", *processes], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def child_pids(output_lines, count):
    pids = []
    for line in output_lines:
        if "started" in line:
            pids.append(int(line.rsplit(" ", 1)[1]))
        if len(pids) == count:
            return pids
    raise AssertionError(f"children did not start: {output_lines}")


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def read_until_started(process, count):
    lines = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and sum("started" in line for line in lines) < count:
        lines.append(process.stdout.readline())
    return lines


def test_one_ctrl_c_stops_every_process():
    process = start(f"web={SLEEPER}", f"worker={SLEEPER}")
    lines = read_until_started(process, 2)
    pids = child_pids(lines, 2)
    assert any(line.startswith("web    | started") for line in lines)
    assert any(line.startswith("worker | started") for line in lines)

    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does

    assert process.wait(timeout=15) == 0
    time.sleep(0.2)
    assert not any(alive(pid) for pid in pids)


def test_when_one_process_dies_the_others_are_stopped():
    process = start(f"web={SLEEPER}", f"worker={sys.executable} -c 'print(\"started 0\", flush=True); raise SystemExit(3)'")
    lines = read_until_started(process, 2)
    web_pid = next(int(line.rsplit(" ", 1)[1]) for line in lines if line.startswith("web"))

    assert process.wait(timeout=15) == 3
    rest = process.stdout.read()
    assert "worker stopped (exit 3)" in rest
    assert not alive(web_pid)


def test_the_run_command_queues_tasks_for_the_worker():
    assert RUN_ENVIRONMENT["TASKS_BACKEND"] == "django_tasks_db.DatabaseBackend"
    makefile = (ROOT / "Makefile").read_text()
    assert "manage.py runserver" in makefile and "manage.py worker" in makefile
    assert "config/devserver.py $(RUN_PROCESSES)" in makefile


def test_bad_arguments_are_refused():
    with pytest.raises(SystemExit):
        parse(["no-equals-sign"])
    with pytest.raises(SystemExit):
        parse([])
