"""Each post's HTML on a topic page, cached under a key made of everything that HTML shows.

Rendering twenty posts through the template language is most of a topic page's cost, and most
of it is the same for every reader. The key of a post's fragment is a digest of every value the
template reads: the post (body, edits, hiding, deletion, votes), its author, the posts quoting it,
the topic, what this reader may do with it (vote, accept, edit, moderate), its relative date and
the template's own source. A change to any of them is a different key, so there is nothing to
invalidate: an edit, a vote or a hide shows on the next request, and a fragment nobody asks for
any more simply ages out of the cache.

Fragments are shared between readers of the same kind, so they must hold nothing personal: the
CSRF token in the vote and accept forms is rendered as a placeholder (the same in every worker
process, since they share the cache) and swapped for this reader's token on the way out.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import timezone
from django.utils.functional import empty
from django.utils.safestring import SafeString

from config.jinja_env import render
from forum.caching.template_source import template_fingerprint
from forum.common.personal_slots import csrf_placeholder
from forum.common.reltime import relative_text
from forum.common.url_patterns import page_reverse
from forum.markup.citation_numbers import citation_numbers_apply, citation_numbers_shown
from forum.templatetags.forum_tags import page_reltime

TEMPLATE = "forum/discussion/_post.html"  # a Jinja2 template: templates/jinja2/
# Bump when code the template calls (model properties, template tags) changes what it shows.
# 2: the CSRF placeholder is the same in every process (it was one per process).
FRAGMENT_VERSION = 2
# Only bounds memory: keys change when content does, so an entry is never stale.
TIMEOUT = 24 * 60 * 60

def _page_parts(topic, user, context: tuple) -> tuple:
    """What every post's key on a page shares: the template and time zone (`context`), the topic,
    and what kind of reader this is."""
    return (
        *context,
        # The topic.
        topic.pk, topic.slug, topic.state, topic.deleted_at is not None, topic.accepted_answer_id,
        topic.author_id,
        # The reader: what they may do here.
        user.is_authenticated, getattr(user, "is_moderator", False), user.pk == topic.author_id,
    )


def _key(post, page_parts: bytes, owner_pk, voted: bool, flagged: bool, now, zone, *, cached: bool) -> tuple[str, str]:
    """The fragment's cache key ("" when fragments are not `cached`), and its version: the same
    digest without the relative date, so an open page (forum/live/pages.py) replaces a post when
    it changed, not when "3 minutes ago" did."""
    author = post.author
    parts = (
        # The post; its HTML by its own digest, cheaper than spelling the HTML out with repr().
        post.pk, post.post_number, hashlib.blake2b(post.cooked.encode(), digest_size=16).digest(),
        post.cooked_version, post.edited_at, post.deleted_at,
        post.deleted_by_id, post.hidden_at, post.hidden_reason, post.needs_source_at, post.helpful_count,
        post.reply_to_number, post.competing_interests,
        # Its author.
        post.author_id, author.username, author.display_name, author.role, author.expert_credential, author.orcid,
        # The posts quoting it.
        tuple(post.quoting_posts),
        # The reader: what they may do with this post.
        owner_pk is not None and owner_pk == post.author_id, voted, flagged,
    )
    version = hashlib.blake2b(page_parts + repr(parts).encode(), digest_size=8).hexdigest()
    if not cached:
        return "", version
    digest = hashlib.blake2b(f"{version}{relative_text(post.created_at, now, zone)}".encode(), digest_size=16).hexdigest()
    return f"post-html:{digest}", version


def render_posts(request, *, topic, posts, voted_post_ids, flagged_post_ids=frozenset(),
                 citation_numbers=None) -> list[SafeString]:
    """The HTML of each post in `posts`, in order, for the reader of `request`."""
    return [html for _version, html in render_posts_versioned(request, topic=topic, posts=posts,
                                                               voted_post_ids=voted_post_ids,
                                                               flagged_post_ids=flagged_post_ids,
                                                               citation_numbers=citation_numbers)]


def render_posts_versioned(request, *, topic, posts, voted_post_ids, flagged_post_ids=frozenset(),
                           citation_numbers=None, as_owner: bool = True,
                           keep_csrf_placeholder: bool = False) -> list[tuple[str, SafeString]]:
    """(version, HTML) of each post in `posts`, in order, for the reader of `request`.
    `citation_numbers` ({study id: number}, forum/evidence/citation_numbers.py reads it) numbers every post's
    citations by the topic; fragments hold the post's own numbers and are renumbered here.
    `as_owner=False` renders the reader's own posts as anybody else's (a page shared between
    members, forum/caching/member_pages.py, puts the reader's own versions back), and
    `keep_csrf_placeholder` leaves the CSRF placeholder for that page to swap once, at the end."""
    # The reader itself rather than the lazy wrapper: every attribute read through the wrapper
    # costs a call, and each post reads several.
    user = getattr(request.user, "_wrapped", request.user)
    if user is empty:
        user = request.user._setup() or request.user._wrapped
    now, zone = timezone.now(), timezone.get_current_timezone()
    # What every post's key shares, worked out and spelled out once for the page.
    page_parts = repr(_page_parts(topic, user, (FRAGMENT_VERSION, template_fingerprint(TEMPLATE),
                                                timezone.get_current_timezone_name()))).encode()
    owner_pk = user.pk if as_owner else None
    cached = settings.FORUM_FRAGMENT_CACHE
    keyed = [_key(post, page_parts, owner_pk, post.pk in voted_post_ids, post.pk in flagged_post_ids, now, zone,
                  cached=cached) for post in posts]
    keys = [key for key, _version in keyed]
    found = cache.get_many(keys) if cached else {}
    template = page = None
    placeholder = csrf_placeholder()
    rendered, fresh = [], {}
    for post, key in zip(posts, keys):
        html = found.get(key)
        if html is None:
            if template is None:
                template = get_template(TEMPLATE, using="jinja2")
                url = page_reverse()
                # What every post on the page reads, worked out once.
                page = {
                    "topic": topic, "user": user, "voted_post_ids": voted_post_ids,
                    "flagged_post_ids": flagged_post_ids, "csrf_token": placeholder, "url": url,
                    "reader_id": user.pk, "owner_id": owner_pk, "reader_is_moderator": getattr(user, "is_moderator", False),
                    "reply_url": url("forum:reply", topic.pk), "topic_accepts_replies": topic.accepts_replies,
                    "reltime": page_reltime(now),
                }
            html = render(template, {**page, "post": post})
            fresh[key] = html
        rendered.append(html)
    if fresh and cached:
        cache.set_many(fresh, timeout=TIMEOUT)
    if not keep_csrf_placeholder and any(placeholder in html for html in rendered):
        token = get_token(request)
        rendered = [html.replace(placeholder, token) for html in rendered]
    versions = [version for _key, version in keyed]
    if citation_numbers is not None:
        numbered = [citation_numbers_apply(html, citation_numbers) for html in rendered]
        # An open page (forum/live/pages.py) replaces a post whose numbers changed, as when it changed.
        versions = [version if new == old else
                    hashlib.blake2b(f"{version}{citation_numbers_shown(new)}".encode(), digest_size=8).hexdigest()
                    for version, old, new in zip(versions, rendered, numbered)]
        rendered = numbered
    # Each fragment is the output of an autoescaping template.
    return [(version, SafeString(html)) for version, html in zip(versions, rendered)]
