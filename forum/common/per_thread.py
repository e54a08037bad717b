"""One instance per thread, made on first use, for objects that keep state while they work.

A bleach Cleaner, a Markdown converter and an lxml parser each hold the text they are in the
middle of: shared by the threads of a process (a threaded web server, the live server, the
concurrency tests) they mix one request's text into another's. Making them per call would cost
a parser's setup every time; per thread costs it once.
"""

from __future__ import annotations

import threading
from typing import Callable, TypeVar

T = TypeVar("T")


def per_thread(make: Callable[[], T]) -> Callable[[], T]:
    """A function giving this thread's own instance of what `make` builds."""
    local = threading.local()

    def get() -> T:
        made = getattr(local, "made", None)
        if made is None:
            made = local.made = make()
        return made

    return get
