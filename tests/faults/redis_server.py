"""A private redis-server for fault tests: started on a free port in a temporary directory,
stopped, stalled and restarted by the test. The machine's shared Redis is never touched."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        # No automatic snapshots: a test takes one with save() when it wants Redis to come back
        # with old data.
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--save", "", "--appendonly", "no", "--dbfilename", "dump.rdb"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def command(self, *words: str) -> bytes:
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall((" ".join(words) + "\r\n").encode())
            return sock.recv(1024)

    def save(self) -> None:
        """A snapshot on disk: a restart brings back exactly this data."""
        assert self.command("SAVE").startswith(b"+OK")

    def stop(self) -> None:
        """Gone at once, keeping no more than the last save()."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stall(self) -> None:
        """Still accepting connections (the kernel does), answering nothing."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)


def resilient_cache_settings(url: str, **params) -> dict:
    return {"default": {
        "BACKEND": "forum.caching.resilient_cache.ResilientRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "evident-test",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        "RETRY_SECONDS": 0.3,
        "EPOCH_SECONDS": 1,
        **params,
    }}
