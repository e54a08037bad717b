"""Topic lists: latest, per category, per tag; optionally only topics no expert has answered."""

import time

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from config.jinja_env import page_response
from forum.common.paging import page_of
from forum.live import pages as live
from forum.models import Category, CategorySubscription, Tag, Topic, WatchLevel
from forum.models.category import categories_all
from forum.models.topic import topics_tags_attach
from forum.templatetags.forum_tags import page_reltime


def _render_list(request, topics, *, heading: str, in_category: bool = False, ids_first: bool = False,
                 categories: list | None = None, **context):
    # Read before the list: a topic bumped while this page renders counts as new at its first look.
    request.live_tokens = live.tokens_for_page(user=request.user, topic_list=True)
    live_since = int(time.time() * 1000)
    awaiting_expert = request.GET.get("filter") == "awaiting-expert"
    topics = topics.listed()
    if awaiting_expert:
        topics = topics.awaiting_expert()
    if request.user.is_authenticated:
        topics = topics.with_reading_state(request.user)
        if request.GET.get("filter") == "unread":
            topics = topics.unread_for_member()
    page = page_of(topics.for_list(in_category=in_category), request.GET.get("page"),
                   settings.FORUM_TOPICS_PER_PAGE, ids_first=ids_first)
    topics_tags_attach(page.object_list)
    return page_response(request, "forum/discussion/topic_list.html", {
        "page_obj": page,
        "heading": heading,
        "categories": categories if categories is not None else categories_all(),
        "awaiting_expert": awaiting_expert,
        "unread_only": request.GET.get("filter") == "unread",
        "in_category": in_category,
        "live_since": live_since,
        # Every row's date relative to one instant, the reader's time zone looked up once.
        "page_reltime": page_reltime(timezone.now()),
        "category": None, "tag": None,  # a category's or tag's own list says which
        **context,
    })


def latest(request):
    return _render_list(request, Topic.objects.visible_to(request.user), heading="Latest topics")


def category(request, slug: str):
    # The sidebar lists every category: the one asked for is found among them.
    categories = categories_all()
    cat = next((category for category in categories if category.slug == slug), None)
    if cat is None:
        raise Http404("No such category.")
    topics = Topic.objects.visible_to(request.user).filter(category=cat)
    level = ""
    if request.user.is_authenticated:
        level = (CategorySubscription.objects.filter(user=request.user, category=cat)
                 .values_list("level", flat=True).first() or "tracking")
    return _render_list(request, topics, heading=cat.name, in_category=True, category=cat, categories=categories,
                        category_level=level, watch_levels=WatchLevel.choices)


def tag(request, name: str):
    tag_obj = get_object_or_404(Tag, name=name)
    topics = Topic.objects.visible_to(request.user).filter(tags=tag_obj)
    # No index orders a tag's topics: their page is found by ids first (forum/common/paging.py).
    return _render_list(request, topics, heading=f"Tagged “{tag_obj.name}”", tag=tag_obj, ids_first=True)


def categories(request):
    cats = list(Category.objects.with_topic_summary(Topic.objects.visible_to(request.user).listed()))
    latest = Topic.objects.in_bulk([c.latest_topic_id for c in cats if c.latest_topic_id])
    for cat in cats:
        cat.latest_topic = latest.get(cat.latest_topic_id)
    return render(request, "forum/discussion/categories.html", {"categories": cats})
