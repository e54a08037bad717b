"""What the load test needs from the seeded database, as JSON on stdout: signed-in sessions for
bench members, and the topics, categories and posts to request.

    DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python bench/sessions.py --members 10 > targets.json

Sessions are made with the test client's force_login (the same rows a sign-in creates), so the
load test measures reading and writing, not password hashing.
"""

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from forum.models import Category, Post, Topic

    User = get_user_model()
    # Established members (3+ posts), so new-member limits do not turn replies into 429s.
    members = list(
        User.objects.filter(username__startswith="bench", role="member")
        .annotate(n=Count("posts")).filter(n__gte=3).order_by("pk")[: args.members]
    )
    sessions = []
    for member in members:
        client = Client()
        client.force_login(member)
        sessions.append({"username": member.username, "sessionid": client.cookies[settings.SESSION_COOKIE_NAME].value})
    topics = Topic.objects.filter(deleted_at__isnull=True, unlisted=False)
    big = list(topics.order_by("-posts_count", "pk")[:5])
    per_page = settings.FORUM_POSTS_PER_PAGE
    open_topics = list(topics.filter(state="open", posts_count__lt=500).order_by("?")[:200])
    member_ids = [m.pk for m in members]
    votable = list(
        Post.objects.filter(topic__in=open_topics, deleted_at__isnull=True, hidden_at__isnull=True)
        .exclude(author_id__in=member_ids).order_by("?").values_list("pk", flat=True)[:500]
    )
    json.dump({
        "members": sessions,
        "big_topics": [{"url": t.get_absolute_url(), "pages": -(-t.posts_count // per_page)} for t in big],
        "topics": [{"url": t.get_absolute_url(), "pages": -(-t.posts_count // per_page)} for t in open_topics],
        "reply_topic_ids": [t.pk for t in open_topics[:50]],
        "categories": [c.get_absolute_url() for c in Category.objects.all()],
        "vote_post_ids": votable,
        "searches": ["placebo trial", "naltrexone", "sleep quality", "crossover", "vitamin D dose",
                     "systematic review heterogeneity", "side effects"],
    }, sys.stdout)


if __name__ == "__main__":
    main()
