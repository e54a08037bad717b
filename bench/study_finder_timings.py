"""The study finder's library search, timed on a seeded database (issue 31: < 30 ms p95 at
100,000 studies on PostgreSQL).

    createdb evident_bench_studies   # or psql -c "CREATE DATABASE …"
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/evident_bench_studies
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_bench --users 3 --topics 1 --posts 1 --studies 100000
    .venv/bin/python bench/study_finder_timings.py [--runs 40]

Each query runs as the dialog's first request does (`find_studies(Study.objects, ...)`, library
only: no registry is asked): matching, the year filter, ordering, the first 8 rows and their
"cited in N topics" counts. Prints median and 95th-percentile milliseconds per query, and over
all of them.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUERIES = [
    "naltrexone",                               # a common word: thousands of matches
    "naltrexone fibromyalgia 2013",             # the example
    "Younger 2013 naltrexone fibromyalgia",     # an author the library has once
    "magnesium insom",                          # the last word still being typed
    "melatonin jet lag crossover",
    "journal of pain yoga",                     # journal words
    "berkov",                                   # a seeded author prefix
    "zzzz nothing matches",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    from forum.models import Study
    from forum.evidence.study_finder import find_studies

    total = Study.objects.count()
    print(f"{connection.vendor}, {total:,} studies, {args.runs} runs per query (after 3 warm-up runs)\n")
    print("| Query | Results | Median ms | p95 ms |")
    print("|---|---:|---:|---:|")
    everything = []
    for query in QUERIES:
        for _ in range(3):
            find_studies(Study.objects, query)
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            found = find_studies(Study.objects, query)
            timings.append((time.perf_counter() - started) * 1000)
        everything += timings
        print(f"| `{query}` | {len(found)} | {statistics.median(timings):.2f} | "
              f"{statistics.quantiles(timings, n=20)[-1]:.2f} |")
    print(f"| **all queries** | | {statistics.median(everything):.2f} | "
          f"{statistics.quantiles(everything, n=20)[-1]:.2f} |")


if __name__ == "__main__":
    main()
