"""Posting limits: what new members may post, and how fast anyone may post.

Counters live in the cache (Redis when REDIS_URL is set, so every web process shares them).
While Redis is down they are counted in each process's memory (forum/caching/resilient_cache.py): the
per-minute limits still hold, per process. The new members' daily limit counts posts in the
database and is exact whatever the cache does.
Each refusal says which limit was hit and when it lifts, and is raised as LimitExceeded so views
answer 429 and give the text back.
"""

import math
import re
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from config.client_address import limit_key
from forum.access.permissions import is_new_member, new_member_limit_lifts
from forum.common.dates import moment_text
from forum.models import Post

_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
_IMAGE = re.compile(r"!\[[^\]]*\]\(|<img\b", re.IGNORECASE)


class LimitExceeded(PermissionDenied):
    pass


def _rate(key: str, limit: int, window: int = 60) -> int | None:
    """Count one event in the current window; return seconds to wait if over the limit."""
    now = time.time()
    bucket = int(now // window)
    cache_key = f"ratelimit:{key}:{bucket}"
    cache.add(cache_key, 0, timeout=window * 2)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=window * 2)
        count = 1
    if count > limit:
        return max(1, math.ceil((bucket + 1) * window - now))
    return None


def ensure_content_within_new_member_limits(*, user, raw: str) -> None:
    """Links and images: checked on every write, edits included, or a new member could post plain
    text and edit the spam in afterwards."""
    if not is_new_member(user):
        return
    links = len(_LINK.findall(raw))
    if links > settings.FORUM_NEW_USER_MAX_LINKS:
        raise LimitExceeded(
            f"New members can include at most {settings.FORUM_NEW_USER_MAX_LINKS} links in a post; this one "
            f"has {links}. Cite studies with [@doi:…] instead, or remove some links. "
            + new_member_limit_lifts(user)
        )
    if _IMAGE.search(raw):
        raise LimitExceeded(
            "New members cannot post images yet. " + new_member_limit_lifts(user)
        )


def ensure_uploads_within_post_limit(*, count: int, before: int = 0) -> None:
    """Distinct uploads one post shows or links to (counted on the rendered post, so an unknown
    name does not count). An edit that adds none is never refused, even after the limit was lowered."""
    limit = settings.FORUM_UPLOADS_PER_POST
    if count > limit and count > before:
        raise LimitExceeded(
            f"A post can show at most {limit} uploaded files; this one has {count}. Remove some, or put "
            "the rest in a second post. Your text is kept."
        )


def ensure_within_posting_limits(*, user, raw: str, ip: str | None = None) -> None:
    if is_new_member(user):
        since = timezone.now() - timedelta(days=1)
        recent = Post.objects.filter(author=user, created_at__gte=since).order_by("created_at")
        limit = settings.FORUM_NEW_USER_POSTS_PER_DAY
        if recent.count() >= limit:
            lifts = recent.values_list("created_at", flat=True)[0] + timedelta(days=1)
            raise LimitExceeded(
                f"New members can post {limit} times a day. You can post again on "
                f"{moment_text(lifts)}. Your text is kept below."
            )
        ensure_content_within_new_member_limits(user=user, raw=raw)
    per_user = settings.FORUM_POSTS_PER_MINUTE_PER_USER
    wait = _rate(f"post:user:{user.pk}", per_user)
    if wait is not None:
        raise LimitExceeded(
            f"You can post {per_user} times a minute. Please wait {wait} seconds and try again; your text is kept."
        )
    per_ip = settings.FORUM_POSTS_PER_MINUTE_PER_IP
    if ip and (wait := _rate(f"post:ip:{limit_key(ip)}", per_ip)) is not None:
        raise LimitExceeded(
            f"Your network address can post {per_ip} times a minute. Please wait {wait} seconds and try again; "
            "your text is kept."
        )


def registry_search_wait(member) -> int | None:
    """Seconds until `member` may search Crossref and PubMed again, or None. Searches are typed
    as-you-go, so the limit is generous; past it the library alone answers."""
    return _rate(f"study-search:user:{member.pk}", settings.REFERENCES_SEARCHES_PER_MINUTE)
