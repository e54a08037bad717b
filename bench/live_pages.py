"""What live pages cost: many open topic pages held on /live/, and how fast a reply reaches them.

    .venv/bin/python bench/live_pages.py --pages 1000 --watching 200 --idle 120 --replies 5 --gap 6

Builds a small forum in var/bench/live/ (SQLite) with a private Redis on a free loopback port,
starts uvicorn serving config.asgi (2 workers; `--server gthread` for gunicorn gthread serving
config.wsgi) on 127.0.0.1, opens `--pages` topic pages (half of them as signed-in members, half
as visitors), each then asking /live/ as static/js/live.js does, and prints:

1. idle: `--idle` seconds with nothing happening: the CPU time gunicorn's processes used (as a
   share of one core), their memory, and the requests per second the open pages made;
2. delivery: `--replies` replies posted to the topic `--watching` of the pages show, each timed
   from its commit to the moment each page received it: the distribution and the share of pages
   reached within 3 s.

Everything runs on loopback and stops by itself; the server and Redis are stopped on exit.
bench/README.md section 4 explains every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench" / "live"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return total


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in found]


def build_forum(members: int):
    """A fresh database: one watched topic and a few others, `members` members with sessions."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.contrib.sessions.backends.db import SessionStore

    from allauth.account.models import EmailAddress

    from accounts.models import User
    from forum.models import Category
    from forum.discussion.posting import reply_create, topic_create

    category = Category.objects.create(name="Pain", slug="pain")
    users = User.objects.bulk_create([
        User(username=f"reader{i}", display_name=f"Reader {i}", email=f"reader{i}@bench.example")
        for i in range(members)
    ])
    writer = User.objects.create(username="writer", display_name="Writer", email="writer@bench.example",
                                 role="expert")
    EmailAddress.objects.create(user=writer, email=writer.email, verified=True, primary=True)
    topics = [
        topic_create(author=writer, category=category, title=f"Does low-dose naltrexone help pain? ({n})",
                     raw="Small trials suggest it might. What do the reviews say?")
        for n in range(10)
    ]
    for topic in topics:
        for i in range(8):
            reply_create(author=writer, topic=topic, raw=f"Answer {i}: a crossover trial found a modest effect.")
    sessions = []
    for user in users:
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    return topics, writer, sessions


ATTR = re.compile(r'data-live-([a-z-]+)="([^"]*)"')


def page_params(html: str, topic_id: int) -> dict:
    body = re.search(r"<body([^>]*)>", html)[1]
    posts = re.search(r'<div class="posts"([^>]*)>', html)[1]
    b, p = dict(ATTR.findall(body)), dict(ATTR.findall(posts))
    params = {"topic": str(topic_id), "t": b["topic"], "first": p["first"], "last": p["last"], "v": p["versions"]}
    if "data-live-tail" in posts:
        params["tail"] = "1"
    if "user" in b:
        params.update(u=b["user"], member=b["member"])
    return params


class Connection:
    """One keep-alive HTTP/1.1 connection, as a browser tab holds one for its /live/ requests.

    Plain asyncio streams rather than httpx: a thousand pages asking through one httpx client
    cost the measuring process more CPU than the server it measures (its pool is scanned per
    request), and its lag was counted in every delivery time."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def get(self, target: str, cookie: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        request = f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: application/json\r\n"
        if cookie:
            request += f"Cookie: {cookie}\r\n"
        self.writer.write((request + "\r\n").encode())
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
            if "content-length" in headers:
                body = await self.reader.readexactly(int(headers["content-length"]))
            elif headers.get("transfer-encoding") == "chunked":
                body = b""
                while True:
                    size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                    body += await self.reader.readexactly(size + 2)
                    if not size:
                        break
                body = body[:-2]
            else:
                body = b""
            if headers.get("connection", "").lower() == "close":
                self.close()
            return status, body
        except BaseException:
            self.close()
            raise

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Page:
    """One open topic page, asking /live/ as static/js/live.js does."""

    def __init__(self, base: str, topic_id: int, session: str | None):
        self.base, self.topic_id, self.session = base, topic_id, session
        self.params: dict = {}
        self.received: dict[int, float] = {}  # post number -> when it arrived

    def cookies(self) -> dict:
        return {"sessionid": self.session} if self.session else {}

    async def open(self, client, url: str):
        response = await client.get(self.base + url, headers={"Cookie": self._cookie_header()})
        response.raise_for_status()
        self.params = page_params(response.text, self.topic_id)

    def _cookie_header(self) -> str:
        return f"sessionid={self.session}" if self.session else ""

    async def run(self, stats: dict, stop: asyncio.Event):
        from urllib.parse import urlencode, urlsplit

        address = urlsplit(self.base)
        connection = Connection(address.hostname, address.port)
        failures = 0
        while not stop.is_set():
            started = time.monotonic()
            try:
                status, body = await asyncio.wait_for(
                    connection.get("/live/?" + urlencode(self.params), self._cookie_header()), timeout=90)
                stats[status] = stats.get(status, 0) + 1
                if status == 200:
                    self.apply(json.loads(body), time.time())
                elif status != 204:
                    raise RuntimeError(status)
                failures = 0
            except Exception:  # noqa: BLE001 - counted; the page asks again later like live.js
                stats["error"] = stats.get("error", 0) + 1
                failures += 1
                await asyncio.sleep(min(30, 2 ** failures) * random.uniform(0.5, 1))
            await asyncio.sleep(max(0.0, 2.0 - (time.monotonic() - started)))

    def apply(self, answer: dict, now: float):
        self.params["t"] = answer["tokens"].get("topic", self.params["t"])
        if "member" in answer["tokens"] and "member" in self.params:
            self.params["member"] = answer["tokens"]["member"]
        versions = self.params["v"].split(".") if self.params["v"] else []
        first = int(self.params["first"])
        for post in answer.get("topic", {}).get("posts", []):
            self.received.setdefault(post["number"], now)
            index = post["number"] - first
            versions += [""] * (index + 1 - len(versions))
            versions[index] = post["version"]
            self.params["last"] = str(max(int(self.params["last"]), post["number"]))
        self.params["v"] = ".".join(versions)


async def simulate(args, base: str, topics, writer, sessions, server_pids) -> dict:
    import httpx
    from asgiref.sync import sync_to_async

    from forum.models import Topic
    from forum.discussion.posting import reply_create

    limits = httpx.Limits(max_connections=args.pages + 50, max_keepalive_connections=args.pages + 50)
    urls = {topic.pk: topic.get_absolute_url() for topic in topics}
    async with httpx.AsyncClient(limits=limits, timeout=90) as client:
        watched = topics[0]
        pages = []
        for i in range(args.pages):
            topic = watched if i < args.watching else topics[1 + i % (len(topics) - 1)]
            session = sessions[i // 2] if i % 2 == 0 else None  # every other page a visitor
            pages.append(Page(base, topic.pk, session))
        opened = time.monotonic()
        semaphore = asyncio.Semaphore(8)

        async def open_one(page):
            async with semaphore:
                await page.open(client, urls[page.topic_id])

        await asyncio.gather(*(open_one(p) for p in pages))
        print(f"opened {len(pages)} pages in {time.monotonic() - opened:.1f} s", flush=True)

        stats: dict = {}
        stop = asyncio.Event()
        tasks = [asyncio.create_task(p.run(stats, stop)) for p in pages]
        await asyncio.sleep(args.settle)  # every page has asked once and is held

        stats.clear()
        cpu_before, wall_before = cpu_seconds(server_pids()), time.monotonic()
        per_process = {pid: cpu_seconds([pid]) for pid in server_pids()}
        await asyncio.sleep(args.idle)
        per_process = {pid: round(cpu_seconds([pid]) - before, 2) for pid, before in per_process.items()}
        cpu_idle, wall_idle = cpu_seconds(server_pids()) - cpu_before, time.monotonic() - wall_before
        answered = sum(v for v in stats.values())
        idle = {"cpu_share": round(cpu_idle / wall_idle, 4), "requests": dict(stats),
                "rps": round(answered / wall_idle, 2), "rss_mb": round(rss_mb(server_pids()), 1),
                "seconds": round(wall_idle, 1), "cpu_seconds_by_process": per_process,
                "server_cpu_ms_per_request": round(1000 * cpu_idle / answered, 2) if answered else None,
                "load_average_1min": os.getloadavg()[0]}
        print(f"idle: {idle}", flush=True)

        if not args.replies:
            stop.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            return {"idle": idle}
        stats.clear()
        delays = []
        cpu_before, wall_before = cpu_seconds(server_pids()), time.monotonic()
        watching = [p for p in pages if p.topic_id == watched.pk]
        for n in range(args.replies):
            topic = await sync_to_async(Topic.objects.get)(pk=watched.pk)
            committed = time.time()
            post = await sync_to_async(reply_create)(author=writer, topic=topic,
                                                    raw=f"Reply {n}: the 2013 trial's effect size was modest.")
            committed = (committed + time.time()) / 2
            await asyncio.sleep(args.gap)
            for page in watching:
                arrived = page.received.get(post.post_number)
                delays.append(arrived - committed if arrived else float("inf"))
        cpu_busy, wall_busy = cpu_seconds(server_pids()) - cpu_before, time.monotonic() - wall_before
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    reached = [d for d in delays if d != float("inf")]
    within = sum(d <= 3 for d in delays) / len(delays)
    quantiles = statistics.quantiles(reached, n=100) if len(reached) > 1 else [0] * 99
    delivery = {"deliveries": len(delays), "reached": len(reached), "within_3s": round(within, 4),
                **{f"p{q}": round(quantiles[q - 1], 3) for q in (50, 90, 95, 99)},
                "max": round(max(reached), 3) if reached else None,
                "histogram_s": {f"<={edge}": sum(d <= edge for d in delays) for edge in (0.5, 1, 2, 3, 5, 10)},
                "cpu_share": round(cpu_busy / wall_busy, 4), "requests": dict(stats),
                "rps": round(sum(stats.values()) / wall_busy, 2), "rss_mb": round(rss_mb(server_pids()), 1),
                "load_average_1min": os.getloadavg()[0]}
    print(f"delivery: {delivery}", flush=True)
    return {"idle": idle, "delivery": delivery}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--watching", type=int, default=200, help="pages open on the topic that gets replies")
    parser.add_argument("--idle", type=float, default=120, help="seconds measured with nothing happening")
    parser.add_argument("--settle", type=float, default=10, help="seconds for every page to ask once first")
    parser.add_argument("--replies", type=int, default=5)
    parser.add_argument("--gap", type=float, default=6, help="seconds between replies")
    parser.add_argument("--server", choices=["uvicorn", "gthread"], default="uvicorn",
                        help="uvicorn serving config.asgi (as deployed) or gunicorn gthread serving config.wsgi")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=700, help="gthread only")
    parser.add_argument("--wait", default="55", help="FORUM_LIVE_WAIT_SECONDS")
    args = parser.parse_args()

    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    redis_port, web_port = free_port(), free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "EVIDENT_VAR_DIR": str(VAR),
           "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "FORUM_LIVE_WAIT_SECONDS": args.wait,
           # This machine is shared: under its load a loopback Redis can take longer than the
           # production 0.25 s to answer, which the cache would take for an outage.
           "REDIS_TIMEOUT": os.environ.get("REDIS_TIMEOUT", "2")}
    env.pop("DATABASE_URL", None)
    os.environ.update(env)
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no"], stdout=subprocess.DEVNULL)
    gunicorn = None
    try:
        time.sleep(0.5)
        topics, writer, sessions = build_forum(args.pages // 2 + 1)
        if args.server == "uvicorn":
            # The deploy command (README, "Deploying").
            command = [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
                       "--port", str(web_port), "--workers", str(args.workers), "--no-access-log",
                       "--timeout-keep-alive", "75", "--log-level", "warning"]
            described = f"uvicorn config.asgi, {args.workers} workers"
        else:
            command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{web_port}",
                       "--workers", str(args.workers), "--worker-class", "gthread", "--threads", str(args.threads),
                       "--worker-connections", str(args.pages + 100), "--timeout", "30", "--graceful-timeout", "3",
                       "--log-level", "warning"]
            described = f"gunicorn config.wsgi, {args.workers} gthread workers x {args.threads} threads"
        gunicorn = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        time.sleep(4)

        def server_pids():
            return [gunicorn.pid, *children(gunicorn.pid)]

        print(f"{described}, FORUM_LIVE_WAIT_SECONDS={args.wait}, {os.cpu_count()} cores, "
              f"load average at start {os.getloadavg()[0]:.2f}", flush=True)
        asyncio.run(simulate(args, f"http://127.0.0.1:{web_port}", topics, writer, sessions, server_pids))
    finally:
        if gunicorn is not None:
            # The whole group: gunicorn's workers too, whatever state the master is in.
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
        redis.terminate()
        redis.wait(timeout=10)


if __name__ == "__main__":
    main()
