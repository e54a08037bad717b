"""Reading a topic: pages of posts addressed by post number."""

import math

from django.conf import settings
from django.db.models import Value
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from forum.access.visible import get_visible_topic
from forum.caching.page_cache import cached_for_topic
from forum.caching.post_fragments import render_posts_versioned
from forum.context_processors import unread_notification_count_for_request
from forum.discussion.drafts import draft_for, draft_key
from forum.discussion.forms import ReplyForm
from forum.evidence.alerts import evidence_changed_since_accepted
from forum.evidence.citation_numbers import topic_citation_numbers, topic_evidence_once
from forum.evidence.summaries import can_write_evidence_summary
from forum.following.notifying import notifications_read_on_sight
from forum.following.watching import topic_mark_read
from forum.live import pages as live
from forum.markup.citation_numbers import citation_numbers_apply
from forum.models import Category, Flag, FlagState, Post, Study, Topic, TopicSubscription, Vote, WatchLevel
from forum.models.post import quoting_posts_by_post
from forum.references.classification import designs_summary

from forum.evidence.views.summary_part import evidence_summary_html
from forum.site_views.notices import place_post_notices


def page_for(post_number: int) -> int:
    return max(1, math.ceil(post_number / settings.FORUM_POSTS_PER_PAGE))


def topic_detail(request, slug: str, topic_id: int):
    topic = get_visible_topic(request.user, topic_id)
    per_page = settings.FORUM_POSTS_PER_PAGE
    last_page = max(1, math.ceil(topic.posts_count / per_page))
    try:
        page = int(request.GET.get("page", 1))
    except ValueError:
        # Thousands of digits are a ValueError too (Python's own limit), and no page either.
        page = 0 if request.GET["page"].strip().isdigit() else 1
    if page < 1 or page > last_page:
        raise Http404("There is no such page in this topic.")
    if slug != topic.slug:
        url = topic.get_absolute_url()
        return redirect(f"{url}?page={page}" if page > 1 else url, permanent=True)

    # Read before the posts: a change made while this page renders shows at its first live look.
    request.live_tokens = live.tokens_for_page(topic_id=topic.pk, user=request.user)
    subscription = None
    if request.user.is_authenticated:
        subscription = TopicSubscription.objects.filter(user=request.user, topic=topic).first()
        first_unread = subscription.last_read_post_number + 1 if subscription else 0
        # Opening a topic you have read part of takes you to where you stopped.
        if "page" not in request.GET and 1 < first_unread <= topic.posts_count and page_for(first_unread) > 1:
            return redirect(topic.post_url(first_unread))
    return topic_page(request, topic, page, subscription=subscription)


_NOT_LOOKED_UP = object()


def topic_page(request, topic, page: int, *, subscription=_NOT_LOOKED_UP, reply_form=None, reply_error: str = "",
               reply_to=None, status: int = 200):
    """One page of a topic, with its reply composer: `reply_form` and `reply_error` put a refused
    reply back where it was written, with its text and the reason."""
    if not hasattr(request, "live_tokens"):  # a refused reply renders the page from the reply view
        request.live_tokens = live.tokens_for_page(topic_id=topic.pk, user=request.user)
    per_page = settings.FORUM_POSTS_PER_PAGE
    last_page = max(1, math.ceil(topic.posts_count / per_page))
    if subscription is _NOT_LOOKED_UP:
        subscription = (TopicSubscription.objects.filter(user=request.user, topic=topic).first()
                        if request.user.is_authenticated else None)
    first = (page - 1) * per_page + 1
    last = first + per_page - 1
    posts = list(Post.objects.for_topic_page(topic, first, last))
    # The Evidence panel, tags and "Quoted in" lines change only through writes that renew the
    # topic's generation: fetched from the cache together, in one round trip.
    evidence = topic_evidence_once(topic)
    # Asked for only when the topic's own query found one (or did not look): a topic without a
    # summary costs nothing more. Its studies come from the Evidence panel's.
    summary_part = ({"evidence-summary": lambda: evidence_summary_html(topic, evidence().studies)}
                    if getattr(topic, "evidence_certainty", None) != "" else {})
    parts = cached_for_topic(topic.pk, {
        **summary_part,
        "evidence-panel": lambda: _evidence_panel(topic, evidence().studies),
        "citation-numbers": lambda: evidence().numbers,
        "evidence-changed": lambda: evidence_changed_since_accepted(topic),
        "tags": lambda: list(topic.tags.all()),
        f"quoted-in:{first}-{last}": lambda: quoting_posts_by_post([post.pk for post in posts]),
    })
    for post in posts:
        post.quoted_in = parts[f"quoted-in:{first}-{last}"].get(post.pk, [])
    if request.user.is_authenticated and posts and (
        subscription is None or subscription.last_read_post_number < posts[-1].post_number
    ):
        topic_mark_read(user=request.user, topic=topic, post_number=posts[-1].post_number,
                        subscribed=subscription is not None)
    # Opening a post marks its notifications read. Asked only when the header's count (needed
    # anyway) says something is unread, so reading costs no query when nothing is.
    if request.user.is_authenticated and posts and unread_notification_count_for_request(request):
        if notifications_read_on_sight(user=request.user, post_ids=[post.pk for post in posts]):
            request.unread_notification_count = None  # the header counts again
    voted, flagged = _reader_marks(request.user, posts)
    post_html = render_posts_versioned(request, topic=topic, posts=posts, voted_post_ids=voted,
                                       flagged_post_ids=flagged, citation_numbers=parts["citation-numbers"])
    place_post_notices(request, posts)
    draft = None
    if reply_form is None and request.user.is_authenticated:
        draft = draft_for(request.user, draft_key(topic))
        reply_form = ReplyForm(initial={"raw": draft.raw, "reply_to": draft.reply_to,
                                        "competing_interests": draft.competing_interests} if draft else None)
        if draft and draft.reply_to:
            reply_to = Post.objects.select_related("author").filter(
                topic=topic, post_number=draft.reply_to, deleted_at__isnull=True).first()
    topic_url = topic.get_absolute_url()
    return render(request, "forum/discussion/topic_detail.html", {
        "topic": topic,
        "topic_url": topic_url,
        "posts": [(post, html) for post, (_version, html) in zip(posts, post_html)],
        "live_posts": {
            "first": posts[0].post_number if posts else first, "last": posts[-1].post_number if posts else first - 1,
            "versions": ".".join(version for version, _html in post_html), "tail": page == last_page,
        },
        "subscription": subscription,
        "watch_levels": WatchLevel.choices,
        "reply_form": reply_form,
        "reply_error": reply_error,
        # What a member who may not reply (suspended meanwhile) had written: shown to copy.
        "typed": {"raw": reply_form.data.get("raw", "")} if reply_form is not None and reply_form.is_bound else None,
        "reply_to": reply_to,
        "draft": draft,
        "draft_url": reverse("forum:draft", args=[draft_key(topic)]) if request.user.is_authenticated else "",
        "tags": parts["tags"],
        "evidence_html": parts["evidence-panel"],
        "evidence_summary_html": parts.get("evidence-summary", ""),
        "can_write_evidence_summary": can_write_evidence_summary(request.user),
        "evidence_changed": parts["evidence-changed"],
        "citation_numbers": parts["citation-numbers"],  # the accepted answer's card cites by them
        "categories": Category.objects.all() if getattr(request.user, "is_moderator", False) else (),
        "page": page,
        "last_page": last_page,
        "page_links": _page_links(topic_url, page, last_page),
    }, status=status)


def _evidence_panel(topic, evidence) -> str:
    if not evidence:
        return ""
    summary = designs_summary([study.design_label for study in evidence])
    return render_to_string("forum/evidence/_evidence_panel.html", {"evidence": evidence, "topic": topic, "summary": summary})


def _page_links(url: str, page: int, last_page: int) -> list[tuple[int | None, str]]:
    """(number, url) for the first and last pages and two either side of this one; (None, "")
    marks a gap. A 1,000-post topic gets 9 links, not 50."""
    shown = sorted({1, last_page, *range(max(1, page - 2), min(last_page, page + 2) + 1)})
    links, previous = [], 0
    for n in shown:
        if n > previous + 1:
            links.append((None, ""))
        links.append((n, url if n == 1 else f"{url}?page={n}"))
        previous = n
    return links


def _reader_marks(user, posts) -> tuple[set[int], set[int]]:
    """The posts on this page the reader found helpful, and those they have an open flag on:
    one query for both, so the page's query count does not grow."""
    if not user.is_authenticated or not posts:
        return set(), set()
    ids = [p.pk for p in posts]
    votes = Vote.objects.filter(user=user, post__in=ids).annotate(mark=Value("vote")).values_list("post_id", "mark")
    flags = (Flag.objects.filter(flagger=user, post__in=ids, state=FlagState.OPEN)
             .annotate(mark=Value("flag")).values_list("post_id", "mark"))
    voted, flagged = set(), set()
    for post_id, mark in votes.union(flags, all=True):
        (voted if mark == "vote" else flagged).add(post_id)
    return voted, flagged


def post_permalink(request, slug: str, topic_id: int, post_number: int):
    topic = get_visible_topic(request.user, topic_id)
    if post_number < 1 or post_number > topic.posts_count:
        raise Http404("There is no such post in this topic.")
    page = page_for(post_number)
    query = f"?page={page}" if page > 1 else ""
    return redirect(f"{topic.get_absolute_url()}{query}#post-{post_number}")


def post_cooked(request, topic_id: int, post_number: int):
    """A post's stored HTML, for expanding a quote in place; only what this reader may see."""
    post = get_object_or_404(
        Post.objects.in_visible_topics(request.user),
        topic_id=topic_id, post_number=post_number,
    )
    is_moderator = getattr(request.user, "is_moderator", False)
    if post.is_deleted and not is_moderator:
        raise Http404("This post has been deleted.")
    if post.is_hidden and not (is_moderator or post.author_id == request.user.pk):
        raise Http404("This post has been hidden by a moderator.")
    # Read alone (a quote expanded in place), it is numbered as on its topic's page.
    cooked = citation_numbers_apply(post.cooked, topic_citation_numbers(post.topic))
    return render(request, "forum/discussion/_post_cooked.html", {"cooked": cooked})


def topic_short(request, topic_id: int):
    topic = get_visible_topic(request.user, topic_id)
    return redirect(topic, permanent=True)
