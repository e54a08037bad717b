"""Topic lists: latest, per category, per tag; optionally only topics no expert has answered."""

import time

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from config.jinja_env import page_response
from forum.caching.topic_row_fragments import topic_rows_html
from forum.common.url_patterns import page_reverse
from forum.discussion.topic_lists import topic_list_page
from forum.following.watching import category_level
from forum.live import pages as live
from forum.models import Category, Tag, Topic, WatchLevel
from forum.models.category import categories_all


def _render_list(request, *, heading: str, category: Category | None = None, tag: Tag | None = None,
                 categories: list | None = None, **context):
    # Read before the list: a topic bumped while this page renders counts as new at its first look.
    request.live_tokens = live.tokens_for_page(user=request.user, topic_list=True)
    live_since = int(time.time() * 1000)
    awaiting_expert = request.GET.get("filter") == "awaiting-expert"
    unread_only = request.GET.get("filter") == "unread"
    categories = categories if categories is not None else categories_all()
    page = topic_list_page(reader=request.user, number=request.GET.get("page"), per_page=settings.FORUM_TOPICS_PER_PAGE,
                           categories=categories, category=category, tag=tag,
                           awaiting_expert=awaiting_expert, unread_only=unread_only)
    # Its links (a hundred-odd: each topic, its category, tags and author) by one reverse() for the
    # page, the script prefix read once.
    url = page_reverse()
    return page_response(request, "forum/discussion/topic_list.html", {
        "page_obj": page,
        "topic_rows": topic_rows_html(page.object_list, user=request.user, in_category=category is not None, url=url),
        "heading": heading,
        "categories": categories,
        "awaiting_expert": awaiting_expert,
        "unread_only": unread_only,
        "in_category": category is not None,
        "live_since": live_since,
        "category": category, "tag": tag,
        "url": url,
        **context,
    })


def latest(request):
    return _render_list(request, heading="Latest topics")


def category(request, slug: str):
    # The sidebar lists every category: the one asked for is found among them.
    categories = categories_all()
    cat = next((category for category in categories if category.slug == slug), None)
    if cat is None:
        raise Http404("No such category.")
    level = ""
    if request.user.is_authenticated:
        level = category_level(user=request.user, category=cat)
    return _render_list(request, heading=cat.name, category=cat, categories=categories,
                        category_level=level, watch_levels=WatchLevel.choices)


def tag(request, name: str):
    tag_obj = get_object_or_404(Tag, name=name)
    return _render_list(request, heading=f"Tagged “{tag_obj.name}”", tag=tag_obj)


def categories(request):
    cats = list(Category.objects.with_topic_summary(Topic.objects.visible_to(request.user).listed()))
    latest = Topic.objects.in_bulk([c.latest_topic_id for c in cats if c.latest_topic_id])
    for cat in cats:
        cat.latest_topic = latest.get(cat.latest_topic_id)
    return render(request, "forum/discussion/categories.html", {"categories": cats})
