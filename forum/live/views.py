"""The live endpoint: has anything this page shows changed? (forum/live/pages.py explains the design.)

An open page sends the tokens it was rendered under. While they are all current the request is
held open, then answered 204 with nothing read but the cache: no session, no query. When one has
changed, the answer is JSON rendered for this reader through the page's own querysets and post
template: the posts of the page whose version differs, new posts after the last one shown, the
notification count, the review count, the number of new or updated topics in a list.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from datetime import datetime, timezone as dt_timezone

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.template.loader import get_template
from django.views.decorators.http import require_GET

from forum.caching.page_cache import cached_for_topic
from forum.caching.post_fragments import render_posts_versioned
from forum.context_processors import review_waiting_count, unread_notification_count
from forum.evidence.alerts import evidence_changed_since_accepted
from forum.evidence.citation_numbers import topic_evidence_once
from forum.live import pages as live
from forum.live.change_events import generations_current
from forum.models import Topic, Vote
from forum.models.post import page_posts, quoting_posts_by_post


logger = logging.getLogger(__name__)
# New posts sent in one answer at most; a page behind by more offers a link to the next ones.
NEW_POSTS_AT_MOST = 50
# A visitor's answer is the same for every visitor with the same tokens and page: made once.
VISITOR_ANSWER_SECONDS = 120


class BadLiveRequest(ValueError):
    pass


def _number(params, name: str, default: int | None = None) -> int | None:
    value = params.get(name, "")
    if value == "":
        return default
    if not value.isdigit() or len(value) > 15:
        raise BadLiveRequest(name)
    return int(value)


def watched_by_page(params) -> dict[str, tuple[str, str]]:
    """{name: (cache key, token the page has)} for everything this page shows live, from the
    request's query parameters (also read by forum/live/asgi.py, before any of Django's request
    handling)."""
    watched = {}
    topic_id = _number(params, "topic")
    if topic_id is not None:
        watched["topic"] = (live.topic_key(topic_id), params.get("t", ""))
    user_id = _number(params, "u")
    if user_id is not None:
        watched["member"] = (live.member_key(user_id), params.get("member", ""))
        if "review" in params:
            watched["review"] = (live.REVIEW_KEY, params["review"])
    if "list" in params:
        watched["list"] = (live.TOPIC_LIST_KEY, params["list"])
    return watched


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def changes(request):
    if not settings.FORUM_LIVE:
        return _no_store(JsonResponse({"error": "Live updates are turned off."}, status=404))
    try:
        watched = watched_by_page(request.GET)
    except BadLiveRequest:
        return _no_store(JsonResponse({"error": "Malformed live request."}, status=400))
    if not watched:
        return _no_store(JsonResponse({"error": "Nothing to watch."}, status=400))
    keys = [key for key, _token in watched.values()]
    wait = settings.FORUM_LIVE_WAIT_SECONDS if request.GET.get("wait") != "0" else 0
    try:
        current = generations_current(keys)
        changed = [name for name, (key, token) in watched.items() if current[key] != token]
        if not changed and wait:
            live.start_listening()
            live.wait_for_change(keys, wait)
            current = generations_current(keys)
            changed = [name for name, (key, token) in watched.items() if current[key] != token]
        if not all(current.values()):
            # The cache is down (forum/caching/resilient_cache.py answers for it): without tokens every
            # page would be told of a change at every look, and render for nothing.
            raise ConnectionError("live tokens unavailable")
    except Exception as error:  # noqa: BLE001 - the cache is down: the page stays as it is, asks later
        logger.warning("Live updates unavailable: %r", error)
        response = JsonResponse({"retry": 30}, status=503)
        response["Retry-After"] = "30"
        return _no_store(response)
    if not changed:
        return _no_store(HttpResponse(status=204))
    try:
        answer = _answer(request, changed, {name: current[key] for name, (key, _t) in watched.items()})
    except BadLiveRequest:
        return _no_store(JsonResponse({"error": "Malformed live request."}, status=400))
    return _no_store(HttpResponse(answer, content_type="application/json"))


def _answer(request, changed: list[str], tokens: dict[str, str]) -> bytes:
    user = request.user
    if _number(request.GET, "u") != (user.pk if user.is_authenticated else None):
        # Signed in or out since the page was made: its buttons and counts belong to someone else.
        return json.dumps({"stop": True}).encode()
    if not user.is_authenticated and changed == ["topic"]:
        key = "live-answer:" + hashlib.blake2b(
            f"{tokens['topic']}?{request.GET.urlencode()}".encode(), digest_size=16).hexdigest()
        answer = cache.get(key)
        if answer is None:
            answer = _visitor_answer_once(key, lambda: _render_answer(request, changed, tokens))
        return answer
    return _render_answer(request, changed, tokens)


def _visitor_answer_once(key: str, render) -> bytes:
    """A reply wakes every visitor on the topic at once: one of them renders the answer, the
    others wait a moment for it rather than all rendering the same thing."""
    if cache.add(f"{key}:rendering", 1, timeout=5):
        answer = render()
        cache.set(key, answer, timeout=VISITOR_ANSWER_SECONDS)
        return answer
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        time.sleep(0.05)
        answer = cache.get(key)
        if answer is not None:
            return answer
    return render()  # the renderer died or the cache is failing: this reader renders for itself


def _render_answer(request, changed, tokens) -> bytes:
    user = request.user
    answer: dict = {"tokens": tokens}
    if "topic" in changed:
        answer["topic"] = _topic_changes(request)
    if "member" in changed:
        answer["notifications"] = {"unread": unread_notification_count(user)}
    if "review" in changed and getattr(user, "is_moderator", False):
        answer["review"] = {"open": review_waiting_count()}
    if "list" in changed:
        answer["list"] = {"new": _topics_since(request)}
    return json.dumps(answer).encode()


def _topic_changes(request) -> dict:
    user = request.user
    topic = (Topic.objects.visible_to(user).select_related("category", "author", "accepted_answer__author")
             .filter(pk=_number(request.GET, "topic")).first())
    if topic is None:
        return {"gone": True}
    if topic.accepted_answer is not None:
        topic.accepted_answer.topic = topic  # its link needs the topic's slug: not another query
    first = _number(request.GET, "first", 1) or 1
    last = max(first - 1, _number(request.GET, "last", 0))
    newest = last + NEW_POSTS_AT_MOST if request.GET.get("tail") == "1" else last
    known = request.GET.get("v", "").split(".") if request.GET.get("v") else []
    posts = page_posts(topic, first, newest)
    evidence = topic_evidence_once(topic)
    parts = cached_for_topic(topic.pk, {
        f"quoted-in:{first}-{newest}": lambda: quoting_posts_by_post([post.pk for post in posts]),
        "citation-numbers": lambda: evidence().numbers,
        # The same entry the topic page reads for its accepted-answer card.
        "evidence-changed": lambda: evidence_changed_since_accepted(topic),
    })
    quoted_in = parts[f"quoted-in:{first}-{newest}"]
    for post in posts:
        post.quoted_in = quoted_in.get(post.pk, [])
    rendered = render_posts_versioned(request, topic=topic, posts=posts,
                                      voted_post_ids=Vote.objects.post_ids_voted(user, posts),
                                      citation_numbers=parts["citation-numbers"])
    is_moderator = getattr(user, "is_moderator", False)
    changes = []
    for post, (version, html) in zip(posts, rendered):
        index = post.post_number - first
        if post.post_number <= last:
            if index < len(known) and known[index] == version:
                continue
        elif (post.is_deleted or post.is_hidden) and not is_moderator and post.author_id != user.pk:
            continue  # a new post this reader may not read is not news to them
        changes.append({"number": post.post_number, "version": version, "html": html,
                        "mine": user.is_authenticated and post.author_id == user.pk})
    answer = {"posts": changes, "posts_count": topic.posts_count}
    if first == 1:
        # The card under the first post: who answered and whether the evidence changed since.
        answer["accepted"] = get_template("forum/discussion/_accepted_answer.html", using="jinja2").render({
            "topic": topic, "evidence_changed": parts["evidence-changed"],
            "citation_numbers": parts["citation-numbers"]}).strip()
    return answer


def _topics_since(request) -> int:
    since = _number(request.GET, "since")
    if since is None:
        raise BadLiveRequest("since")
    topics = (Topic.objects.visible_to(request.user).listed()
              .filter(last_posted_at__gt=datetime.fromtimestamp(since / 1000, tz=dt_timezone.utc)))
    category_id, tag_id = _number(request.GET, "category"), _number(request.GET, "tag")
    if category_id is not None:
        topics = topics.filter(category_id=category_id)
    if tag_id is not None:
        topics = topics.filter(tags=tag_id)
    if request.user.is_authenticated:
        topics = topics.exclude(last_poster=request.user)  # your own reply is not news to you
    return topics.values("pk")[:100].count()
