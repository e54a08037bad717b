"""A member's topic page with every cache warm: CPU time and queries, beside a visitor's.

    .venv/bin/python bench/member_page.py --size 10k [--repeat 200]

Reads the first page of the seeded data set's biggest topic as `bench2` (a plain member) and as a
visitor, after a few warm-up requests, through Django's test client in this process with DEBUG
off (bench/settings.py), on the SQLite data set of that size. Prints the CPU median of each and
the SQL a member's request sends. The script imports the checkout it is run from, so running it
in an older checkout (PYTHONPATH pointing there) gives that code's figures on the same data.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("PYTHONPATH") or Path(__file__).resolve().parent.parent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="10k")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.pop("DATABASE_URL", None)
    os.environ["EVIDENT_VAR_DIR"] = str(Path(__file__).resolve().parent.parent / "var" / "bench" / args.size)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from forum.models import Topic

    settings.FORUM_PAGE_CACHE = settings.FORUM_FRAGMENT_CACHE = True
    topic = Topic.objects.order_by("-posts_count").first()
    url = f"{topic.get_absolute_url()}?page=1"
    for who in ("visitor", "member"):
        client = Client()
        if who == "member":
            client.force_login(get_user_model().objects.get(username="bench2"))
        for _ in range(5):
            assert client.get(url).status_code == 200
        timings = []
        for _ in range(args.repeat):
            started = time.process_time()
            client.get(url)
            timings.append((time.process_time() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(f"{who}: CPU median {statistics.median(timings):.2f} ms, {len(queries)} queries")
        if who == "member":
            for query in queries.captured_queries:
                print("   ", query["sql"][:100])


if __name__ == "__main__":
    main()
