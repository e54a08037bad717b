"""/api/topics/: the latest list (filters `category`, `tag`) and one topic with a page of posts."""

import math

from django.conf import settings
from django.db.models import Prefetch

from forum.models import Category, Citation, Post, Quote, Tag, Topic
from forum.models.post import authors_attach
from forum.models.topic import topics_tags_attach

from .pagination import envelope, requested_page
from .responses import api_view, json_response, not_found
from .serializers import post_json, topic_json
from forum.following.post_excerpts import posts_excerpts


@api_view
def topic_list(request):
    """Like the Latest page: listed topics this user may see, pins first, then by last activity."""
    topics = Topic.objects.visible_to(request.user).listed()
    in_category = False
    if slug := request.GET.get("category"):
        category = Category.objects.filter(slug=slug).first()
        if category is None:
            raise not_found(f"There is no category {slug[:60]!r}.")
        topics, in_category = topics.filter(category=category), True
    if name := request.GET.get("tag"):
        tag = Tag.objects.filter(name=name).first()
        if tag is None:
            raise not_found(f"There is no tag {name[:60]!r}.")
        topics = topics.filter(tags=tag)

    per_page = settings.FORUM_TOPICS_PER_PAGE
    count = topics.count()
    pages = max(1, math.ceil(count / per_page))
    page = requested_page(request, pages=pages)
    start = (page - 1) * per_page
    page_topics = list(topics.for_list(in_category=in_category).select_related("accepted_answer")[start:start + per_page])
    topics_tags_attach(page_topics)
    results = [topic_json(request, topic, tags=topic.shown_tags) for topic in page_topics]
    return json_response(envelope(request, results, count=count, page=page, pages=pages))


@api_view
def topic_detail(request, topic_id: int):
    """A topic and one page of its posts, addressed by post number ranges as on the topic page."""
    topic = (
        Topic.objects.visible_to(request.user)
        .select_related("category", "author", "accepted_answer")
        .filter(pk=topic_id).first()
    )
    if topic is None:
        raise not_found(f"There is no topic {topic_id}.")
    per_page = settings.FORUM_POSTS_PER_PAGE
    pages = max(1, math.ceil(topic.posts_count / per_page))
    page = requested_page(request, pages=pages)
    first = (page - 1) * per_page + 1
    posts = (
        Post.objects.for_topic_page(topic, first, first + per_page - 1)
        .prefetch_related(
            Prefetch("quotes", queryset=Quote.objects.order_by("pk")),
            Prefetch("citations", queryset=Citation.objects.order_by("number")),
        )
    )
    posts = list(posts)
    authors_attach(posts)
    excerpts = posts_excerpts(posts)
    results = [post_json(request, post, topic=topic, excerpt=excerpts.get(post.pk, "")) for post in posts]
    return json_response(envelope(
        request, results, count=topic.posts_count, page=page, pages=pages,
        topic=topic_json(request, topic, tags=topic.tags.all()),
    ))
