"""A reply posted through one web process reaches a reader served by another, as deployed: two
uvicorn processes serving config.asgi on loopback, one database and one Redis between them.

The processes share the test database: on PostgreSQL the test's own (this test commits, so they
see its rows); on SQLite the test's in-memory database is copied to a file once its rows are
made, and both processes open that file. Redis is a private redis-server on a free port, so the
processes' wake-ups (Redis pub/sub) and cache touch nothing else on the machine.
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER_TIMEOUT_MS
from tests.factories import UserFactory, make_topic
from tests.faults.redis_server import PrivateRedis, free_port

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
DRAFT = "Half-written: the 2013 trial's effect on sleep, not posted yet"


class WebProcess:
    """`uvicorn config.asgi:application` on 127.0.0.1, as README's deploy section runs it."""

    def __init__(self, env: dict, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.port), "--no-access-log"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self.log = log

    def wait_until_serving(self, seconds: float = 60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "/", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"{self.url} did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(10)
        self._log.close()


def shared_database_env(tmp_path: Path) -> dict:
    """Where the two processes find the test database, as environment variables."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return {"DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
                                f"{db['PORT'] or 5432}/{db['NAME']}"}
    import sqlite3

    connection.ensure_connection()
    target = sqlite3.connect(tmp_path / "evident.sqlite3")
    connection.connection.backup(target)  # the migrated schema and every row made so far
    target.close()
    return {"EVIDENT_VAR_DIR": str(tmp_path)}


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def private_redis(tmp_path):
    redis = PrivateRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


def test_a_reply_through_one_process_reaches_a_reader_held_by_another(
        browser, tmp_path, private_redis):
    asker = UserFactory(username="lena", display_name="Lena Park")
    writer = UserFactory(username="sam", display_name="Sam Rivera")
    reader = UserFactory(username="priya", display_name="Priya Nair")
    question = make_topic(author=asker, title="Does low-dose naltrexone help fibromyalgia pain?",
                          raw="Small trials suggest it might. What do the reviews say?")
    cookies = {"writer": session_cookie(writer), "reader": session_cookie(reader)}

    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "EVIDENT_VAR_DIR"}}
    env.update(shared_database_env(tmp_path))
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true", "REDIS_URL": private_redis.url,
        "REDIS_TIMEOUT": "2", "FORUM_LIVE_WAIT_SECONDS": "55", "PYTHONUNBUFFERED": "1",
        # No look-up leaves the machine: a closed local port, like the tests' own settings.
        "CROSSREF_API_URL": "http://127.0.0.1:9/crossref", "PUBMED_API_URL": "http://127.0.0.1:9/eutils",
        "REFERENCES_MAX_RETRIES": "0",
    })
    servers = {name: WebProcess(env, tmp_path / f"{name}.log") for name in ("a", "b")}
    contexts = []
    try:
        for server in servers.values():
            server.wait_until_serving()
        pages = {}
        for who, server in (("writer", servers["a"]), ("reader", servers["b"])):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.set_default_timeout(BROWSER_TIMEOUT_MS)
            contexts.append(context)
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookies[who],
                                  "domain": "127.0.0.1", "path": "/"}])
            pages[who] = context.new_page()
            pages[who].goto(server.url + question.get_absolute_url())
        reader_page, writer_page = pages["reader"], pages["writer"]
        reader_page.get_by_label("Your reply").fill(DRAFT)
        expect(reader_page.locator("[data-live-posts-count]")).to_have_text("1 post")
        reader_page.wait_for_timeout(1_500)  # live.js has asked process B once and is held there

        writer_page.get_by_label("Your reply").fill("The 2013 crossover trial reported a modest drop in pain.")
        writer_page.get_by_role("button", name="Post reply").click()
        expect(writer_page.locator("#post-2")).to_contain_text("modest drop in pain")

        # Process B holds the reader's request for 55 s, longer than any wait here: the news can
        # only arrive in time through Redis waking it, however slow the machine is.
        show = reader_page.get_by_role("button", name="1 new reply - show")
        expect(show).to_be_visible()
        expect(reader_page.locator("[data-live-posts-count]")).to_have_text("2 posts")
        show.click()
        expect(reader_page.locator("#post-2")).to_contain_text("modest drop in pain")
        expect(reader_page.get_by_label("Your reply")).to_have_value(DRAFT)
        reader_page.screenshot(path="/tmp/evident-two-processes.png")
    finally:
        for context in contexts:
            context.close()
        for server in servers.values():
            server.stop()
