"""The Discourse import at scale: a folder export of N topics and 10 posts each, imported into a
fresh database, with the time, the peak memory and the number of queries.

    python bench/discourse_import.py generate var/bench-discourse --topics 10000
    DATABASE_URL=sqlite:///var/bench-discourse.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:///var/bench-discourse.sqlite3 TASKS_BACKEND=django_tasks_db.DatabaseBackend \\
        /usr/bin/time -v \\
        python bench/discourse_import.py run var/bench-discourse
    # and the rerun: the same command again (nothing moved: no topic is read)

Not part of the test suite: it takes minutes to hours. The generated site has what a health
forum has: quotes of earlier posts (checked), DOI and PubMed links (citations; their look-ups
are queued, not run), links between topics, likes, tags, 1,000 members.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

SENTENCES = [
    "Pacing diaries helped me more than anything else I tried.",
    "The trial was small and the confidence interval was wide.",
    "Low-dose naltrexone is cheap, which is why nobody funds a big trial.",
    "My GP said the evidence was thin but the risk was low.",
    "A null result is not proof that nothing works.",
    "I kept a symptom score every evening for three months.",
    "Crossover designs are tricky when the effect lingers.",
    "Sleep was the first thing that improved, then the pain.",
]


def _post(rng, topic_id, number, post_id, users, when):
    lines = rng.sample(SENTENCES, 3)
    raw = " ".join(lines)
    if number > 1 and rng.random() < 0.3:
        quoted = rng.randint(1, number - 1)
        raw = f'[quote="{users[(topic_id + quoted) % len(users)]}, post:{quoted}, topic:{topic_id}"]\n' \
              f"{SENTENCES[(topic_id + quoted) % len(SENTENCES)]}\n[/quote]\n\n" + raw
    if rng.random() < 0.1:
        raw += f"\n\nSee https://doi.org/10.1000/bench.{topic_id}.{number}"
    if rng.random() < 0.05 and topic_id > 1:
        raw += f"\n\nEarlier: /t/older/{rng.randint(1, topic_id - 1)}"
    return {
        "id": post_id, "post_number": number, "post_type": 1, "username": users[(topic_id + number) % len(users)],
        "user_id": 100 + (topic_id + number) % len(users), "created_at": when, "updated_at": when, "version": 1,
        "raw": SENTENCES[(topic_id + number) % len(SENTENCES)] + " " + raw if number == 1 else raw,
        "reply_to_post_number": number - 1 if number > 1 and rng.random() < 0.5 else None,
        "actions_summary": [],
    }


def generate(folder: Path, topics: int, posts_per_topic: int = 10, members: int = 1000) -> None:
    rng = random.Random(7)
    users = [f"member{n}" for n in range(members)]
    (folder / "t").mkdir(parents=True, exist_ok=True)
    (folder / "u").mkdir(exist_ok=True)
    (folder / "source.json").write_text(json.dumps({"url": "https://bench.example"}))
    (folder / "site.json").write_text(json.dumps({"categories": [
        {"id": n, "name": f"Category {n}", "slug": f"category-{n}", "color": "0088CC", "position": n}
        for n in range(1, 11)]}))
    for n, name in enumerate(users):
        (folder / "u" / f"{name}.json").write_text(json.dumps({"user": {
            "id": 100 + n, "username": name, "name": f"Member {n}", "created_at": "2020-01-01T00:00:00Z",
            "bio_raw": "Reading the evidence."}}))
    per_page, summaries, post_id = 30, [], 1
    for topic_id in range(1, topics + 1):
        when = f"2021-{1 + topic_id % 12:02d}-{1 + topic_id % 28:02d}T10:00:00Z"
        posts = []
        for number in range(1, posts_per_topic + 1):
            posts.append(_post(rng, topic_id, number, post_id, users, when))
            post_id += 1
        data = {"id": topic_id, "title": f"Bench topic {topic_id}: what does the evidence say?",
                "slug": f"bench-topic-{topic_id}", "created_at": when, "category_id": 1 + topic_id % 10,
                "tags": [f"tag-{topic_id % 50}"], "archetype": "regular", "visible": True,
                "posts_count": posts_per_topic, "post_stream": {"posts": posts[:20], "stream": [p["id"] for p in posts]}}
        (folder / "t" / f"{topic_id}.json").write_text(json.dumps(data))
        if posts[20:]:
            (folder / "t" / str(topic_id)).mkdir(exist_ok=True)
            (folder / "t" / str(topic_id) / "posts.json").write_text(json.dumps({"post_stream": {"posts": posts[20:]}}))
        summaries.append({"id": topic_id, "title": data["title"], "category_id": data["category_id"],
                          "posts_count": posts_per_topic, "bumped_at": when, "last_posted_at": when,
                          "archetype": "regular", "tags": data["tags"]})
    pages = [summaries[i:i + per_page] for i in range(0, len(summaries), per_page)]
    for page, rows in enumerate(pages):
        name = "latest.json" if page == 0 else f"latest-page-{page}.json"
        more = f"/latest?page={page + 1}" if page + 1 < len(pages) else None
        (folder / name).write_text(json.dumps({"topic_list": {"topics": rows, "more_topics_url": more}}))
    print(f"{topics} topics, {topics * posts_per_topic} posts, {members} members in {folder}")


def run(folder: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    from django.core.management import CommandError

    started = time.monotonic()
    with connection.execute_wrapper(count):
        try:
            call_command("import_discourse", "--folder", str(folder), verbosity=1)
        except CommandError as exc:  # Ctrl-C: the figures so far are still figures
            print(exc)
        finally:
            elapsed = time.monotonic() - started
            print(f"database: {connection.vendor}; wall time: {elapsed:.0f} s; queries: {queries:,}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["generate", "run"])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--topics", type=int, default=10_000)
    parser.add_argument("--posts-per-topic", type=int, default=10)
    args = parser.parse_args()
    if args.action == "generate":
        generate(args.folder, args.topics, args.posts_per_topic)
    else:
        run(args.folder)
