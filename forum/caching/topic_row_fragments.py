"""Each row of a topic list as HTML, cached under a key made of everything the row shows.

Drawing a list's thirty rows through the template language was most of a list page's cost, and
a row is the same from one request to the next until its topic, its category, its tags, its
people or its relative date change. As for posts (post_fragments.py), the key is a digest of
every value the row template reads, with the template's own source, the reader's time zone and,
for a member, their unread count: a change to any of them is a different key, so there is
nothing to invalidate, and a row nobody asks for any more ages out of the cache.

A row holds nothing secret: the unread badge is a member's own, and is in the key.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import SafeString

from config.jinja_env import render
from forum.caching.template_source import template_fingerprint
from forum.common.reltime import relative_text
from forum.templatetags.forum_tags import page_reltime

TEMPLATE = "forum/discussion/_topic_row.html"  # a Jinja2 template: templates/jinja2/
# Bump when code the template calls (model properties, template tags) changes what it shows.
ROW_VERSION = 1
# Only bounds memory: keys change when content does, so an entry is never stale.
TIMEOUT = 24 * 60 * 60

def _person(user) -> tuple:
    return (user.pk, user.username, user.display_name) if user is not None else ()


def _row_parts(topic, *, member: bool, now, zone) -> tuple:
    """Every value `_topic_row.html` reads of this topic, for this kind of reader."""
    category = topic.category
    return (
        topic.pk, topic.slug, topic.title, topic.pinned, topic.pinned_globally, topic.deleted_at is not None,
        topic.evidence_certainty, topic.expert_answered, topic.state, topic.posts_count,
        topic.last_posted_at, relative_text(topic.last_posted_at, now, zone) if topic.last_posted_at else "",
        (category.pk, category.slug, category.name, category.color),
        tuple(tag.name for tag in topic.shown_tags),
        _person(topic.author), _person(topic.last_poster),
        # A member's own: how closely they follow the topic and what they have not read.
        (topic.watch_level, topic.unread_count, topic.last_read) if member else (),
    )


def _key(shared: bytes, parts: tuple) -> str:
    return f"topic-row:{hashlib.blake2b(shared + repr(parts).encode(), digest_size=16).hexdigest()}"


def topic_rows_html(topics, *, user, in_category: bool, url) -> SafeString:
    """The rows of a list of `topics` for this reader, `url` the page's reverse() (page_reverse)."""
    now, zone = timezone.now(), timezone.get_current_timezone()
    member = bool(user.is_authenticated)
    shared = repr((ROW_VERSION, template_fingerprint(TEMPLATE), timezone.get_current_timezone_name(), get_script_prefix(),
                   in_category, member)).encode()
    keys = [_key(shared, _row_parts(topic, member=member, now=now, zone=zone)) for topic in topics]
    cached = settings.FORUM_FRAGMENT_CACHE
    found = cache.get_many(keys) if cached else {}
    rows, fresh, template = [], {}, None
    for topic, key in zip(topics, keys):
        html = found.get(key)
        if html is None:
            if template is None:
                template = get_template(TEMPLATE, using="jinja2")
                page = {"member": member, "in_category": in_category, "url": url, "reltime": page_reltime(now)}
            html = fresh[key] = render(template, {**page, "topic": topic})
        rows.append(html)
    if fresh and cached:
        cache.set_many(fresh, timeout=TIMEOUT)
    # Each row is the output of an autoescaping template.
    return SafeString("".join(rows))
