"""Search timings on a throwaway database filled with a few thousand realistic posts.

    .venv/bin/python bench/search_timings.py [--posts 5000] [--runs 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/evident .venv/bin/python bench/search_timings.py

With DATABASE_URL pointing at PostgreSQL, a separate `test_…` database is created next to it and
dropped afterwards; without it, a temporary SQLite file is used and removed. Each query type runs
the whole search as the page does (count, first page of 20 with snippets) and prints median and
95th-percentile milliseconds.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CONDITIONS = ["fibromyalgia", "migraine", "insomnia", "osteoarthritis", "depression", "asthma",
              "hypertension", "eczema", "jet lag", "back pain", "tinnitus", "long covid"]
TREATMENTS = ["naltrexone", "melatonin", "magnesium", "vitamin D", "acupuncture", "curcumin",
              "omega-3", "probiotics", "exercise", "CBT", "creatine", "zinc", "ibuprofen", "yoga"]
DESIGNS = ["randomised controlled trial", "systematic review", "cohort study", "case report",
           "crossover trial", "meta-analysis", "pilot study"]
FILLER = ("the evidence is mixed but several small studies suggest a modest effect on symptoms "
          "compared with placebo while larger trials are still recruiting and follow-up was short "
          "in most of them so I would not expect much and side effects were mild and uncommon "
          "according to the authors who also noted a high dropout rate").split()


def sentence(rng: random.Random) -> str:
    words = rng.sample(FILLER, 12)
    return (f"A {rng.choice(DESIGNS)} of {rng.choice(TREATMENTS)} in {rng.choice(CONDITIONS)} "
            f"found that {' '.join(words)}.")


def fill(n_posts: int) -> None:
    from django.contrib.auth import get_user_model

    from forum.markup import COOKED_VERSION
    from forum.models import Category, Post, Topic

    rng = random.Random(42)
    User = get_user_model()
    users = User.objects.bulk_create([
        User(username=f"user{i}", role="expert" if i % 10 == 0 else "member", password="!")
        for i in range(60)
    ])
    categories = Category.objects.bulk_create([
        Category(name=name, slug=name.lower()) for name in ["Pain", "Sleep", "Mood", "Skin", "Heart", "General"]
    ])
    per_topic = 10
    topics = Topic.objects.bulk_create([
        Topic(title=f"Does {rng.choice(TREATMENTS)} help {rng.choice(CONDITIONS)}? ({i})", slug=f"topic-{i}",
              category=rng.choice(categories), author=rng.choice(users), posts_count=per_topic)
        for i in range(max(1, n_posts // per_topic))
    ])
    posts = []
    for topic in topics:
        for number in range(1, per_topic + 1):
            body = " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))
            if number > 2 and rng.random() < 0.2:
                body = f'[quote="{topic.author.username}, post:1, topic:{topic.pk}"]\n{sentence(rng)}\n[/quote]\n{body}'
            posts.append(Post(topic=topic, post_number=number, author=rng.choice(users), raw=body,
                              cooked=f"<p>{body}</p>", cooked_version=COOKED_VERSION))
    # The index triggers fire for bulk inserts too, so no rebuild is needed afterwards.
    Post.objects.bulk_create(posts, batch_size=500)


QUERIES = {
    "one common word": {"text": "trial"},
    "one rare word": {"text": "tinnitus"},
    "two words": {"text": "naltrexone fibromyalgia"},
    "phrase": {"text": '"systematic review"'},
    "exclusion": {"text": "melatonin -insomnia"},
    "OR": {"text": "curcumin OR creatine"},
    "titles only": {"text": "magnesium", "titles_only": True},
    "category filter": {"text": "placebo", "category": "sleep"},
    "experts only": {"text": "acupuncture", "experts_only": True},
    "no hits": {"text": "xylophone"},
}


def time_queries(runs: int) -> list[tuple[str, int, float, float]]:
    from django.core.paginator import Paginator

    from forum.search import PostSearch, search_posts, with_snippets

    rows = []
    for name, params in QUERIES.items():
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            page = Paginator(search_posts(PostSearch(**params)), 20).get_page(1)
            with_snippets(list(page.object_list))
            samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
        rows.append((name, page.paginator.count, statistics.median(samples), p95))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    sqlite_dir = None
    if not os.environ.get("DATABASE_URL"):
        sqlite_dir = tempfile.TemporaryDirectory(prefix="evident-search-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{sqlite_dir.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    old_name = None
    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)
    else:
        # A throwaway `test_…` database beside the configured one; the real one is never touched.
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        start = time.perf_counter()
        fill(args.posts)
        fill_seconds = time.perf_counter() - start
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        from forum.models import Post

        print(f"{connection.vendor}: {Post.objects.count()} posts, filled and indexed in {fill_seconds:.1f} s; "
              f"{args.runs} runs per query (count + first page of 20 with snippets)")
        print(f"{'query':<18} {'hits':>6} {'median ms':>10} {'p95 ms':>8}")
        for name, hits, median, p95 in time_queries(args.runs):
            print(f"{name:<18} {hits:>6} {median:>10.1f} {p95:>8.1f}")
    finally:
        if old_name is not None:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        if sqlite_dir is not None:
            connection.close()
            sqlite_dir.cleanup()


if __name__ == "__main__":
    main()
