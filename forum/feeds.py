"""Atom and RSS feeds: the newest topics (site-wide and per category) and the posts of one topic.

Feeds are fetched by readers that never sign in and are cached by proxies, so they show what an
anonymous visitor may see whoever asks: no deleted or unlisted topics, and no deleted or hidden
posts (their text never leaves the site through a feed, not even as a placeholder).

Titles are plain text that may look like markup (a topic called "Is <b> safe?"). Many readers
treat an RSS title as HTML, so every title - entry and feed, RSS and Atom - is written as HTML
that shows the text as typed: escaped once for HTML, then again by the XML writer, with Atom's
`type="html"` saying so. Content stays the sanitised HTML the topic page shows; an Atom entry's
<summary> is the post's excerpt (forum/following/post_excerpts.py), readable text with no markup.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from forum.following.post_excerpts import posts_excerpts
from forum.models import Category, Post, Topic

FEED_ITEMS = 30

# XML 1.0 cannot carry these at all; the feed writer refuses them rather than emit a broken
# document, and one pasted control character must not take a whole feed down.
_XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _XML_FORBIDDEN.sub("", text or "")


def summary_html(text: str) -> str | None:
    """An excerpt as the Atom <summary type="html"> that shows exactly its text (None: no summary)."""
    return escape(xml_safe(text)) if text else None


def plain_title(text: str) -> str:
    """A title (or subtitle) as HTML showing exactly its text: see the module's docstring."""
    return escape(xml_safe(text))


class _TitlesMarkedHtml:
    """The XML writer, with Atom's <title> and <subtitle> marked type="html" (their text is
    escaped by plain_title), everything else passed through."""

    def __init__(self, handler):
        self._handler = handler

    def __getattr__(self, name):
        return getattr(self._handler, name)

    def addQuickElement(self, name, contents=None, attrs=None):
        if name in {"title", "subtitle"}:
            attrs = {**(attrs or {}), "type": "html"}
        self._handler.addQuickElement(name, contents, attrs)


class HtmlContentAtomFeed(Atom1Feed):
    """Atom whose entries carry the post's HTML as <content type="html"> (readers show it in
    full; <summary> is meant for an excerpt) and an xml:base, because stored HTML links within the
    site by root-relative paths."""

    def root_attributes(self):
        attrs = super().root_attributes()
        attrs["xml:base"] = self.feed["link"]
        return attrs

    def add_root_elements(self, handler):
        super().add_root_elements(_TitlesMarkedHtml(handler))

    def add_item_elements(self, handler, item):
        super().add_item_elements(_TitlesMarkedHtml(handler), item)
        if item.get("content") is not None:
            handler.addQuickElement("content", item["content"], {"type": "html"})


@dataclass
class FeedScope:
    """What a feed is about, plus the request: item methods get only the item, and a Feed
    instance is shared between requests, so absolute URLs are worked out in items()."""

    request: object
    category: Category | None = None
    topic: Topic | None = None


def _public_topics():
    return Topic.objects.filter(deleted_at__isnull=True, unlisted=False)


class _TopicListFeed(Feed):
    """Newest topics first; each entry is the opening post."""

    feed_type = HtmlContentAtomFeed

    def get_object(self, request, *args, **kwargs):
        return FeedScope(request=request)

    def title(self, scope):
        return plain_title(f"Latest topics · {settings.SITE_NAME}")

    def subtitle(self, scope):
        return plain_title(f"New topics on {settings.SITE_NAME}, newest first.")

    description = subtitle  # RSS calls it a description

    def link(self, scope):
        return reverse("forum:latest")

    def topics(self, scope):
        return _public_topics()

    def items(self, scope):
        topics = list(
            self.topics(scope)
            .select_related("category", "author")
            .prefetch_related("tags", Prefetch(
                "posts", queryset=Post.objects.filter(post_number=1), to_attr="opening_posts",
            ))
            .order_by("-created_at", "-pk")[:FEED_ITEMS]
        )
        openings = [topic.opening_posts[0] for topic in topics
                    if topic.opening_posts and not topic.opening_posts[0].is_deleted
                    and not topic.opening_posts[0].is_hidden]
        excerpts = posts_excerpts(openings)
        for topic in topics:
            topic.feed_author_url = scope.request.build_absolute_uri(topic.author.get_absolute_url())
            topic.feed_summary = excerpts.get(topic.opening_posts[0].pk, "") if topic.opening_posts else ""
        return topics

    def item_title(self, topic):
        return plain_title(topic.title)

    def item_link(self, topic):
        return topic.get_absolute_url()

    def item_author_name(self, topic):
        return xml_safe(topic.author.name)

    def item_author_link(self, topic):
        return topic.feed_author_url

    def item_pubdate(self, topic):
        return topic.created_at

    def item_updateddate(self, topic):
        return topic.last_posted_at or topic.created_at

    def item_categories(self, topic):
        return [topic.category.name, *(tag.name for tag in topic.tags.all())]

    def _opening_html(self, topic) -> str:
        opening = topic.opening_posts[0] if topic.opening_posts else None
        if opening is None or opening.is_deleted or opening.is_hidden:
            return ""
        return xml_safe(opening.cooked)

    def item_description(self, topic):
        # Atom carries the HTML as <content> and the excerpt as <summary>; RSS readers expect the
        # HTML in <description>.
        if issubclass(self.feed_type, Atom1Feed):
            return summary_html(topic.feed_summary)
        return self._opening_html(topic)

    def item_extra_kwargs(self, topic):
        return {"content": self._opening_html(topic)}


class LatestTopicsFeed(_TopicListFeed):
    pass


class LatestTopicsRssFeed(_TopicListFeed):
    feed_type = Rss201rev2Feed


class CategoryTopicsFeed(_TopicListFeed):
    def get_object(self, request, slug: str):
        return FeedScope(request=request, category=get_object_or_404(Category, slug=slug))

    def title(self, scope):
        return plain_title(f"{scope.category.name} · {settings.SITE_NAME}")

    def subtitle(self, scope):
        return plain_title(f"New topics in {scope.category.name}, newest first.")

    def link(self, scope):
        return scope.category.get_absolute_url()

    def topics(self, scope):
        return _public_topics().filter(category=scope.category)


class TopicPostsFeed(Feed):
    """One topic's visible posts, newest first."""

    feed_type = HtmlContentAtomFeed

    def get_object(self, request, slug: str, topic_id: int):
        # The id names the topic, as on the topic page; a slug gone stale after a retitle must
        # not break a subscription, so it is not checked.
        topic = get_object_or_404(_public_topics().select_related("category"), pk=topic_id)
        return FeedScope(request=request, topic=topic)

    def title(self, scope):
        return plain_title(f"{scope.topic.title} · {settings.SITE_NAME}")

    def subtitle(self, scope):
        return plain_title(f"Posts in “{scope.topic.title}”, newest first.")

    def link(self, scope):
        return scope.topic.get_absolute_url()

    def items(self, scope):
        posts = list(
            Post.objects.filter(topic=scope.topic, deleted_at__isnull=True, hidden_at__isnull=True)
            .select_related("author")
            .order_by("-post_number")[:FEED_ITEMS]
        )
        excerpts = posts_excerpts(posts)
        for post in posts:
            post.topic = scope.topic  # every post is in this topic; saves a query per link
            post.feed_author_url = scope.request.build_absolute_uri(post.author.get_absolute_url())
            post.feed_summary = excerpts.get(post.pk, "")
        return posts

    def item_title(self, post):
        title = post.topic.title if post.is_first else f"Re: {post.topic.title} (#{post.post_number})"
        return plain_title(title)

    def item_link(self, post):
        return post.get_absolute_url()

    def item_author_name(self, post):
        return xml_safe(post.author.name)

    def item_author_link(self, post):
        return post.feed_author_url

    def item_pubdate(self, post):
        return post.created_at

    def item_updateddate(self, post):
        return post.edited_at or post.created_at

    def item_description(self, post):
        return summary_html(post.feed_summary)

    def item_extra_kwargs(self, post):
        return {"content": xml_safe(post.cooked)}
