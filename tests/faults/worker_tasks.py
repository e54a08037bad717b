"""Tasks for the worker fault tests: each attempt leaves a line in a file the test reads."""

import time
from pathlib import Path

from django_tasks import task


@task()
def write_marker(*, path: str, seconds: float) -> str:
    with Path(path).open("a") as log:
        log.write("started\n")
    time.sleep(seconds)
    with Path(path).open("a") as log:
        log.write("finished\n")
    return "done"


@task()
def always_fails(*, path: str) -> None:
    with Path(path).open("a") as log:
        log.write("attempt\n")
    raise RuntimeError("this task always fails")
