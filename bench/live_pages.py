"""What live pages cost: many open topic pages held on /live/, and how fast a reply reaches them.

    .venv/bin/python bench/live_pages.py --pages 1000 --watching 200 --idle 90 --replies 5

Builds a small forum in var/bench/live/ (SQLite) with a private Redis on a free loopback port,
starts gunicorn (2 gthread workers) on 127.0.0.1, opens `--pages` topic pages (half of them as
signed-in members, half as visitors) with asyncio + httpx, each then asking /live/ as
static/js/live.js does, and prints:

1. idle: `--idle` seconds with nothing happening: the CPU time gunicorn's processes used (as a
   share of one core), their memory, and the requests per second the open pages made;
2. delivery: `--replies` replies posted to the topic `--watching` of the pages show, each timed
   from its commit to the moment each page received it: the distribution and the share of pages
   reached within 3 s.

Everything runs on loopback and stops by itself; gunicorn and Redis are stopped on exit.
"""

from __future__ import annotations

import argparse
import asyncio
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
    from forum.services.posting import reply_create, topic_create

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

    async def run(self, client, stats: dict, stop: asyncio.Event):
        failures = 0
        while not stop.is_set():
            started = time.monotonic()
            try:
                response = await client.get(self.base + "/live/", params=self.params,
                                            headers={"Cookie": self._cookie_header()}, timeout=90)
                stats[response.status_code] = stats.get(response.status_code, 0) + 1
                if response.status_code == 200:
                    self.apply(response.json(), time.time())
                elif response.status_code != 204:
                    raise RuntimeError(response.status_code)
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
    from forum.services.posting import reply_create

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
        tasks = [asyncio.create_task(p.run(client, stats, stop)) for p in pages]
        await asyncio.sleep(args.settle)  # every page has asked once and is held

        stats.clear()
        cpu_before, wall_before = cpu_seconds(server_pids()), time.monotonic()
        per_process = {pid: cpu_seconds([pid]) for pid in server_pids()}
        await asyncio.sleep(args.idle)
        per_process = {pid: round(cpu_seconds([pid]) - before, 2) for pid, before in per_process.items()}
        cpu_idle, wall_idle = cpu_seconds(server_pids()) - cpu_before, time.monotonic() - wall_before
        idle = {"cpu_share": cpu_idle / wall_idle, "requests": dict(stats),
                "rps": sum(v for v in stats.values()) / wall_idle, "rss_mb": rss_mb(server_pids()),
                "seconds": wall_idle, "cpu_seconds_by_process": per_process}
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
    delivery = {"deliveries": len(delays), "reached": len(reached), "within_3s": within,
                "p50": quantiles[49], "p90": quantiles[89], "p95": quantiles[94], "p99": quantiles[98],
                "max": max(reached) if reached else None,
                "cpu_share": cpu_busy / wall_busy, "requests": dict(stats), "rps": sum(stats.values()) / wall_busy,
                "rss_mb": rss_mb(server_pids())}
    print(f"delivery: {delivery}", flush=True)
    return {"idle": idle, "delivery": delivery}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--watching", type=int, default=200, help="pages open on the topic that gets replies")
    parser.add_argument("--idle", type=float, default=90, help="seconds measured with nothing happening")
    parser.add_argument("--settle", type=float, default=10, help="seconds for every page to ask once first")
    parser.add_argument("--replies", type=int, default=5)
    parser.add_argument("--gap", type=float, default=8, help="seconds between replies")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=700)
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
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{web_port}",
             "--workers", str(args.workers), "--worker-class", "gthread", "--threads", str(args.threads),
             "--worker-connections", str(args.pages + 100), "--timeout", "30", "--graceful-timeout", "3",
             "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )
        time.sleep(3)

        def server_pids():
            return [gunicorn.pid, *children(gunicorn.pid)]

        print(f"gunicorn {args.workers} gthread workers x {args.threads} threads, "
              f"FORUM_LIVE_WAIT_SECONDS={args.wait}, {os.cpu_count()} cores", flush=True)
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
