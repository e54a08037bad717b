"""Quotes: looking up what a post quotes, checking the words against the source, and keeping the
Quote rows, notifications and stored HTML in step when either side changes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from html import unescape

import markdown

from django.utils.html import strip_tags

from forum.common.per_thread import per_thread
from forum.live.change_events import topic_changed
from forum.markup import Cooked
from forum.markup.quotes import QuoteRef, QuoteSource, quotes_left_out
from forum.models import Post, Quote, QuoteStatus, Topic

_QUOTE_TAG = re.compile(r"\[/?quote(?:=[^\]\n]*)?\]", re.IGNORECASE)
_plain_markdown = per_thread(lambda: markdown.Markdown(extensions=["tables", "sane_lists", "fenced_code"]))


def plain_text(raw: str) -> str:
    """The words of some markdown, for comparing: no markup, no quote tags, one space between words,
    case and Unicode compatibility forms folded."""
    html = _plain_markdown().reset().convert(_QUOTE_TAG.sub("\n", raw or ""))
    text = unescape(strip_tags(html))
    text = unicodedata.normalize("NFKC", text).casefold()
    # Curly and straight quotes and dashes differ between what was typed and what a browser copies.
    text = text.translate(str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"}))
    return " ".join(text.split())


@dataclass
class Resolution:
    ref: QuoteRef
    post: Post | None
    status: str


def _is_public(post: Post) -> bool:
    return post.deleted_at is None and post.hidden_at is None and post.topic.deleted_at is None


# "...", "…" (NFKC makes it "..."), "[...]" or "(...)": words left out.
_ELLIPSIS = re.compile(r"\s*[\[(]?\s*\.\.\.+\s*[\])]?\s*")


def quoted_pieces(quoted: str) -> list[str]:
    """The runs of words a quote keeps, in order: an ellipsis stands for words left out."""
    return [piece for piece in _ELLIPSIS.split(plain_text(quoted)) if piece]


def contains_in_order(text: str, pieces: list[str]) -> bool:
    """Whether every piece occurs in `text`, in order, none cutting a word in two: "effective
    treatment" is not in "an ineffective treatment", though it is a substring of it."""
    position = 0
    for piece in pieces:
        before = r"(?<!\w)" if piece[:1].isalnum() else ""
        after = r"(?!\w)" if piece[-1:].isalnum() else ""
        match = re.compile(f"{before}{re.escape(piece)}{after}").search(text, position)
        if match is None:
            return False
        position = match.end()
    return True


def _own_words(raw: str) -> str:
    # What a post quotes is not its author's words: a quote of them is checked against the source
    # it came from (the browser attributes words selected inside a quote to that quote's author).
    return plain_text(quotes_left_out(raw, marker=""))


def _misattributed(ref: QuoteRef, source: Post) -> bool:
    return bool(ref.username) and ref.username.lower() != source.author.username.lower()


def _status(ref: QuoteRef, source: Post) -> str:
    if _misattributed(ref, source):
        return QuoteStatus.UNMATCHED
    # Quotes nested in this quote are left out ("…"), as a whole-post quote leaves them.
    pieces = quoted_pieces(quotes_left_out(ref.text))
    if contains_in_order(_own_words(source.raw), pieces):
        return QuoteStatus.VERIFIED
    if any(contains_in_order(_own_words(old), pieces) for old in source.revisions.values_list("raw", flat=True)):
        return QuoteStatus.MODIFIED
    return QuoteStatus.UNMATCHED


class QuoteResolver:
    """Looks up each attributed quote once per rendering and remembers what it found."""

    def __init__(self, *, topic: Topic | None):
        self.topic = topic
        self.resolutions: list[Resolution] = []
        self._posts: dict[tuple[int, int], Post | None] = {}

    def _find(self, topic_id: int, post_number: int) -> Post | None:
        key = (topic_id, post_number)
        if key not in self._posts:
            self._posts[key] = (
                Post.objects.select_related("author", "topic")
                .filter(topic_id=topic_id, post_number=post_number)
                .first()
            )
        return self._posts[key]

    def __call__(self, ref: QuoteRef) -> QuoteSource | None:
        topic_id = ref.topic_id or (self.topic.pk if self.topic else None)
        source = self._find(topic_id, ref.post_number)
        if source is None or not _is_public(source):
            # Say nothing about a post the public cannot read: not its author, not its topic,
            # not even whether the words match.
            self.resolutions.append(Resolution(ref, source, QuoteStatus.MISSING))
            return QuoteSource(author_name=ref.username or "", role_badge="", url="", status=QuoteStatus.MISSING)
        status = _status(ref, source)
        self.resolutions.append(Resolution(ref, source, status))
        return QuoteSource(
            author_name=source.author.name,
            role_badge=source.author.role_badge,
            url=source.topic.post_url(source.post_number),
            status=status,
            topic_title=source.topic.title if self.topic is None or source.topic_id != self.topic.pk else "",
            history_url=source.revisions_url() if status == QuoteStatus.MODIFIED else "",
            author_username=source.author.username,
            # A quote naming the wrong author is unmatched as attributed; its label also says
            # whether the words themselves are in the post.
            words_status=_status(replace(ref, username=None), source) if _misattributed(ref, source) else "",
        )

    def outermost(self, cooked: Cooked) -> list[Resolution]:
        """Resolutions for this post's own quotes (nested quotes were resolved for display only)."""
        own = {id(ref) for ref in cooked.quotes}
        seen, result = set(), []
        for resolution in self.resolutions:
            if id(resolution.ref) in own and id(resolution.ref) not in seen:
                seen.add(id(resolution.ref))
                result.append(resolution)
        return result


def quotes_record(*, post: Post, resolutions: list[Resolution], new: bool = False) -> None:
    """Replace the post's Quote rows (telling quoted authors is notifying.notify_post_written's job).
    A `new` post has none to replace."""
    # Quoted posts show "Quoted in" lines: their topics' cached pages change with these rows.
    quoted_topics = {r.post.topic_id for r in resolutions if r.post is not None}
    if not new:
        previous = Quote.objects.filter(quoting_post=post)
        quoted_topics |= set(previous.exclude(quoted_post=None).values_list("quoted_post__topic_id", flat=True))
        previous.delete()
    topic_changed(*quoted_topics)
    Quote.objects.bulk_create([
        Quote(
            quoting_post=post,
            quoted_post=r.post,
            quoted_username=r.ref.username or "",
            quoted_topic_id=r.ref.topic_id or post.topic_id,
            quoted_post_number=r.ref.post_number,
            text=r.ref.text,
            full=r.ref.full,
            status=r.status,
        )
        for r in resolutions
    ])


def full_quote(post: Post) -> str:
    """The markup that quotes a whole post, as the no-JavaScript Quote link inserts it. What the
    post itself quotes is left out with a "…", as Discourse does (and static/js/quote.js): those
    are other people's words, and the citations in them theirs."""
    body = quotes_left_out(post.raw).strip()
    return (f'[quote="{post.author.username}, post:{post.post_number}, topic:{post.topic_id}, full:true"]\n'
            f"{body}\n[/quote]\n\n")
