"""Rendering a post with everything it refers to: the posts it quotes, the studies it cites and
the members it mentions.

Every place that turns a post's raw text into stored HTML goes through here (posting, editing,
re-checks after a source changes, rebake), so quotes and citations are always resolved the
same way and the Quote and Citation rows always match the stored HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from forum.markup import Cooked, cook
from forum.markup.uploads import ResolvedUpload
from forum.models import Post, Topic, Upload

from forum.discussion.quoting import QuoteResolver, Resolution, quotes_record
from forum.discussion.study_quoting import StudyQuoteResolution, StudyQuoteResolver, study_quotes_record
from forum.evidence.referencing import CitationResolver, citations_record


@dataclass
class RenderedPost:
    cooked: Cooked
    quotes: list[Resolution]
    citations: CitationResolver
    mentioned_user_ids: list[int] = field(default_factory=list)
    upload_ids: list[int] = field(default_factory=list)
    study_quotes: list[StudyQuoteResolution] = field(default_factory=list)
    study_quote_resolver: StudyQuoteResolver | None = None


class MentionResolver:
    """Which @names are members (case-insensitive), looked up once each per rendering."""

    def __init__(self):
        self.users: dict[str, object] = {}

    def __call__(self, name: str):
        key = name.lower()
        if key not in self.users:
            self.users[key] = get_user_model().objects.by_username(name).filter(is_active=True).first()
        user = self.users[key]
        return (user.username, user.get_absolute_url()) if user else None


class UploadResolver:
    """Serving URLs of uploaded files by name, looked up once each per rendering."""

    def __init__(self):
        self.found: dict[str, Upload | None] = {}

    def __call__(self, name: str) -> ResolvedUpload | None:
        if name not in self.found:
            self.found[name] = Upload.objects.filter(name=name).first()
        upload = self.found[name]
        if upload is None:
            return None
        return ResolvedUpload(url=upload.get_absolute_url(), width=upload.width, height=upload.height,
                              thumbnail_url=upload.get_thumbnail_url(), thumbnail_width=upload.thumbnail_width,
                              thumbnail_height=upload.thumbnail_height)


def post_render(*, raw: str, topic: Topic | None, author=None, preview: bool = False,
                cited_anew: bool = True) -> RenderedPost:
    """`topic` is None for a new topic's preview; `preview` renders without creating anything.
    `author` (who wrote it; not a moderator editing it) is told apart on chips of studies they
    are an author of, by their verified ORCID iD.
    `cited_anew`: someone wrote this text now, so a cited study whose look-up failed is tried
    again (a re-render after the study changed passes False)."""
    quote_resolver = QuoteResolver(topic=topic)
    citation_resolver = CitationResolver(create_missing=not preview, retry_failed=cited_anew and not preview,
                                         author_orcid=getattr(author, "orcid", "") or "")
    mention_resolver = MentionResolver()
    upload_resolver = UploadResolver()
    study_quote_resolver = StudyQuoteResolver(create_missing=not preview)
    cooked = cook(raw, quote_resolver=quote_resolver, citation_resolver=citation_resolver,
                  mention_resolver=mention_resolver, upload_resolver=upload_resolver,
                  study_quote_resolver=study_quote_resolver)
    mentioned = [mention_resolver.users[name.lower()].pk for name in cooked.mentions]
    return RenderedPost(cooked=cooked, quotes=quote_resolver.outermost(cooked), citations=citation_resolver,
                        mentioned_user_ids=mentioned,
                        upload_ids=[upload_resolver.found[name].pk for name in cooked.uploads],
                        study_quotes=study_quote_resolver.outermost(cooked), study_quote_resolver=study_quote_resolver)


def post_references_record(*, post: Post, rendered: RenderedPost, new: bool = False) -> None:
    """Store what the post quotes and cites (call inside the write's transaction). A `new` post
    has no rows to replace."""
    quotes_record(post=post, resolutions=rendered.quotes, new=new)
    citations_record(post=post, resolver=rendered.citations, new=new)
    if rendered.study_quotes or not new:
        study_quotes_record(post=post, resolutions=rendered.study_quotes,
                            created=rendered.study_quote_resolver.created if rendered.study_quote_resolver else [],
                            new=new)
    # Who may fetch an upload follows from the posts that show it (forum/uploads/views.py).
    if rendered.upload_ids or not new:
        post.uploads.set(rendered.upload_ids)


def post_recook(*, post: Post) -> Post:
    """Re-render one post against the current state of what it quotes and cites (no notifications)."""
    rendered = post_render(raw=post.raw, topic=post.topic, author=post.author, cited_anew=False)
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(cooked=rendered.cooked.html, cooked_version=rendered.cooked.version)
        post_references_record(post=post, rendered=rendered)
    post.cooked, post.cooked_version = rendered.cooked.html, rendered.cooked.version
    return post
