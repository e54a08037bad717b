"""CPU of the topic lists (the latest, the busiest category's) for a visitor and the bench member,
in this process, on a bench database it only reads (signing in writes a session row):

    EVIDENT_VAR_DIR=var/bench/10k DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python bench/profile_lists.py

Prints the median time.process_time() of `--repeat` requests after five warm-ups, for each page
and reader; `--profile member` then prints pyinstrument's call tree of `--repeat` more of the
latest list (or `--url`) for that reader. CPU time, not wall time: the machine is shared, and
SQLite's work is in this process, PostgreSQL's is not.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--profile", choices=["visitor", "member"])
    parser.add_argument("--url", default="/")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from forum.models import Category

    visitor, member = Client(), Client()
    member.force_login(get_user_model().objects.get(username="bench2"))
    readers = {"visitor": visitor, "member": member}
    busiest = Category.objects.annotate(n=Count("topics")).order_by("-n", "pk").first()

    def request(client, url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    if args.profile:
        from pyinstrument import Profiler

        client = readers[args.profile]
        for _ in range(5):
            request(client, args.url)
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(args.repeat):
            request(client, args.url)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False))
        return

    for who, client in readers.items():
        for url in ("/", busiest.get_absolute_url()):
            for _ in range(5):
                request(client, url)
            cpu = []
            for _ in range(args.repeat):
                started = time.process_time()
                request(client, url)
                cpu.append((time.process_time() - started) * 1000)
            print(f"{who:8} {url:20} CPU median {statistics.median(cpu):.2f} ms (min {min(cpu):.2f})")


if __name__ == "__main__":
    main()
