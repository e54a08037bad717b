"""Spirit (django-spirit from PyPI), the plainest well-known Django forum, as a peer in the benchmarks.

bench/run.py --peer spirit measures one topic page with nothing cached in Evident and in Spirit, at
20 and at 100 posts a page, in turns within the same run, and prints the ratios. This module has
two halves:

- `SpiritPeer`, used in Evident's process: on first use it builds `var/bench/spirit/` (its own
  virtualenv with django-spirit, a project from `spirit startproject`, settings with DEBUG off
  and a SQLite database holding one topic whose 100 comments are the same texts as Evident's
  page), then starts the worker and asks it for timings.
- `worker` and `seed`, run by that virtualenv's Python (`python bench/spirit_peer.py worker
  --site DIR`): Spirit's own process, answering `<visitor|member> <count> <per_page>` lines with
  the timings of that many requests through Django's test client, as bench/run.py does for
  Evident, with Spirit's `comments_per_page` set to `per_page` first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SPIRIT_VERSION = "0.14.3"
PROJECT = "spiritsite"
# Spirit's maximum comments per page is 100 (its admin form refuses more), so its topic holds
# exactly that many: one page at 100 a page, five at 20.
MAX_COMMENTS_PER_PAGE = 100

_SETTINGS = f'''\
# Written by bench/spirit_peer.py: Spirit's production settings, DEBUG off, on SQLite.
import os

from .prod import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-only-not-secret"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# SQLite as Evident's settings configure it: every Spirit page view writes (its view count,
# the reader's bookmark), and in SQLite's default journal each write waits for a disk flush.
DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3",
                           "NAME": os.path.join(BASE_DIR, "spirit.sqlite3"),  # noqa: F405
                           "OPTIONS": {{"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                                       "PRAGMA busy_timeout=5000;"}}}}}}
# The same kind of cache as Evident's SQLite runs (one process, local memory).
CACHES = {{
    "default": {{"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    "st_rate_limit": {{"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl",
                      "TIMEOUT": None}},
}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "en"
'''


class SpiritPeer:
    def __init__(self, root: Path):
        self.root = root
        self.venv = root / "venv"
        self.site = root / PROJECT
        self.python = self.venv / "bin" / "python"
        self._worker: subprocess.Popen | None = None

    def ensure(self, texts: list[str]) -> None:
        """Build what is missing: the virtualenv, the project, the topic."""
        self.root.mkdir(parents=True, exist_ok=True)
        if not self.python.exists():
            print(f"spirit: creating a virtualenv in {self.venv}", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "venv", str(self.venv)], check=True)
            subprocess.run([str(self.venv / "bin" / "pip"), "install", "--quiet", f"django-spirit=={SPIRIT_VERSION}"],
                           check=True)
        if not (self.site / "manage.py").exists():
            env = {**os.environ, "PATH": f"{self.venv / 'bin'}:{os.environ.get('PATH', '')}"}
            subprocess.run([str(self.venv / "bin" / "spirit"), "startproject", PROJECT], cwd=self.root, env=env,
                           check=True, stdout=subprocess.DEVNULL)
            self._settings_write()
            subprocess.run([str(self.python), "manage.py", "spiritinstall"], cwd=self.site, env=self._env(),
                           check=True, stdout=subprocess.DEVNULL)
        # Written on every run, so a site built by an older version of this file gets today's settings.
        self._settings_write()
        if not (self.site / "seeded").exists():
            subprocess.run([str(self.python), __file__, "seed", "--site", str(self.site)], env=self._env(),
                           input=json.dumps(texts), text=True, check=True)
            (self.site / "seeded").write_text(f"{len(texts)} comments\n")

    def _settings_write(self) -> None:
        (self.site / PROJECT / "settings" / "bench.py").write_text(_SETTINGS)

    def _env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
        env["DJANGO_SETTINGS_MODULE"] = f"{PROJECT}.settings.bench"
        return env

    def start(self) -> None:
        self._worker = subprocess.Popen([str(self.python), __file__, "worker", "--site", str(self.site)],
                                        env=self._env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.info = json.loads(self._worker.stdout.readline())

    def time(self, who: str, count: int, per_page: int) -> list[tuple[float, float]]:
        """(wall ms, CPU ms) of `count` requests of the topic's first page as `who`, with Spirit
        showing `per_page` comments a page, each request with the cache emptied."""
        self._worker.stdin.write(f"{who} {count} {per_page}\n")
        self._worker.stdin.flush()
        return [tuple(pair) for pair in json.loads(self._worker.stdout.readline())]

    def stop(self) -> None:
        if self._worker:
            self._worker.stdin.close()
            self._worker.wait(timeout=30)


# --- Inside Spirit's virtualenv ------------------------------------------------------------

def _setup(site: str) -> None:
    sys.path.insert(0, site)
    import django

    django.setup()


def seed(site: str) -> None:
    """One category, a topic by a member, and one comment per text read from stdin (JSON), each
    through Spirit's own comment form (its markdown, mentions) and its after-posting steps."""
    _setup(site)
    from django.contrib.auth import get_user_model
    from spirit.category.models import Category
    from spirit.comment.forms import CommentForm
    from spirit.comment.utils import comment_posted
    from spirit.topic.models import Topic

    texts = json.load(sys.stdin)
    User = get_user_model()
    authors = [User.objects.create_user(username=f"author{n}", email=f"author{n}@example.org", password="x")
               for n in range(20)]
    User.objects.create_user(username="bench2", email="bench2@example.org", password="x")
    for user in User.objects.all():
        user.st.is_verified = True
        user.st.save()
    category = Category.objects.create(title="Bench", slug="bench", description="Benchmark topics")
    topic = Topic.objects.create(user=authors[0], category=category, title="A topic of a hundred comments")
    for n, text in enumerate(texts):
        form = CommentForm(user=authors[n % len(authors)], topic=topic, data={"comment": text})
        if not form.is_valid():
            raise SystemExit(f"Spirit refused comment {n + 1}: {form.errors.as_text()}")
        comment = form.save()
        comment_posted(comment=comment, mentions=form.mentions)


def comments_per_page_set(per_page: int) -> None:
    """Spirit's comments a page, saved the way its admin page saves it (djconfig's form): every
    other setting keeps its current value, and the next request reads the new one."""
    from djconfig import reload_maybe
    from spirit.admin.forms import BasicConfigForm

    reload_maybe()
    config = BasicConfigForm()
    data = {name: field.initial for name, field in config.fields.items()}
    data.update({k: v for k, v in config.initial.items() if v is not None})
    data["comments_per_page"] = per_page
    form = BasicConfigForm(data=data)
    if not form.is_valid():
        raise SystemExit(f"Spirit refused its configuration: {form.errors.as_text()}")
    form.save()


def _comments_shown(html: bytes) -> int:
    # Each comment of the list is one element of one of these classes, "item" for a removed
    # comment or an action such as "closed" (spirit/comment/_render_list.html).
    return sum(html.count(f'class="comments_list__{kind} js-comment"'.encode()) for kind in ("comment", "item"))


def worker(site: str) -> None:
    import time

    _setup(site)
    from django.contrib.auth import get_user_model
    from django.core.cache import caches
    from django.test import Client
    from djconfig import config
    from spirit.topic.models import Topic

    topic = Topic.objects.order_by("-comment_count").first()
    url = topic.get_absolute_url()
    clients = {"visitor": Client(), "member": Client()}
    clients["member"].force_login(get_user_model().objects.get(username="bench2"))
    response = clients["visitor"].get(url)
    import django

    print(json.dumps({"url": url, "comments": topic.comment_count, "bytes": len(response.content),
                      "status": response.status_code, "django": django.get_version(),
                      "spirit": SPIRIT_VERSION}), flush=True)
    for line in sys.stdin:
        who, count, per_page = line.split()
        if config.comments_per_page != int(per_page):
            comments_per_page_set(int(per_page))
        client, timings = clients[who], []
        for _ in range(int(count)):
            for cache in caches.all():
                cache.clear()
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append(((time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000))
            if response.status_code != 200:
                raise SystemExit(f"Spirit answered {response.status_code} for {who}")
            # A page size Spirit did not apply would compare Evident with some other page.
            if _comments_shown(response.content) != int(per_page):
                raise SystemExit(f"Spirit showed {_comments_shown(response.content)} comments, not {per_page}")
        print(json.dumps(timings), flush=True)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["seed", "worker"])
    parser.add_argument("--site", required=True)
    args = parser.parse_args()
    {"seed": seed, "worker": worker}[args.command](args.site)
