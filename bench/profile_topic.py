"""Profile one topic page rendered with nothing cached, for a visitor or the bench member.

    .venv/bin/python bench/profile_topic.py --size 10k --posts-per-page 100 --who member

Prints the median of `--repeat` cold requests, then pyinstrument's call tree of one more (or
cProfile's top functions with `--cprofile`). Nothing is cached: no page cache, no fragments, and
the cache is emptied before every request, so each is the first reader's page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--size", default="10k")
    parser.add_argument("--database-url")
    parser.add_argument("--posts-per-page", type=int, default=100)
    parser.add_argument("--who", choices=["visitor", "member"], default="member")
    parser.add_argument("--cache", choices=["off", "fragments"], default="off")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--topic", choices=["big", "peer"], default="big",
                        help="The 1,000-post topic, or the topic of the same 100 posts as Spirit's "
                             "(bench/run.py --peer spirit makes it).")
    args = parser.parse_args(argv)
    run._configure(args)
    run._set_cache_mode(args.cache)
    from django.core.cache import cache
    from django.test import Client

    big, _typical, _target, _study, _category, member, *_ = run._subjects()
    if args.topic == "peer":
        from forum.models import Topic

        big = Topic.objects.get(title=run.PEER_TOPIC_TITLE)
    client = Client()
    if args.who == "member":
        client.force_login(member)
    url = f"{big.get_absolute_url()}?page=1"

    def request():
        if args.cache == "off":
            cache.clear()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    for _ in range(3):
        request()
    timings, cpu = [], []
    for _ in range(args.repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        request()
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    # CPU time of this process moves less than wall time on a shared machine (SQLite runs in
    # this process; PostgreSQL's own work is not in it).
    print(f"{args.who}, {args.posts_per_page} posts, cache {args.cache}: median {statistics.median(timings):.2f} ms "
          f"(min {min(timings):.2f}), CPU median {statistics.median(cpu):.2f} ms · {run._load()}")
    if args.cprofile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        for _ in range(5):
            request()
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)
    else:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(5):
            request()
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=bool(os.environ.get("PROFILE_ALL"))))


if __name__ == "__main__":
    main()
