"""Discourse-compatible quote blocks: `[quote="name, post:N, topic:M"] ... [/quote]`, and quotes of
a study's abstract: `[quote="doi:10.1097/PR9.0000000000001080"] ... [/quote]` or `[quote="pmid:…"]`.

Parsing is line-based, like Discourse's: an opening tag starts a line, a closing tag ends one.
Each outermost quote's body is rendered and sanitised by a fresh pipeline (so nested quotes
nest), wrapped in our own `<aside class="quote">`, and swapped in for a placeholder only after
the surrounding post has been sanitised. The sanitiser does not allow `aside` or its data
attributes, so hand-typed HTML can never pass itself off as a checked quote. Anything that does
not parse - an unclosed tag, attributes we do not recognise - stays as the literal text typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Callable

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from .url_policy import href_attribute

# Up to three leading spaces, as for any markdown block; four would make it an indented code block.
_OPEN = re.compile(r"^ {0,3}\[quote(?:=(?P<attrs>\"[^\"\n]*\"|'[^'\n]*'|[^\]\n]*))?\](?P<rest>.*)$", re.IGNORECASE)
_USERNAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,29}$")
# A study quote names its source by DOI or PMID, nothing else.
_STUDY_SOURCE = re.compile(r"^(?P<kind>doi|pmid)\s*:\s*(?P<value>[^\s,\"']{1,250})$", re.IGNORECASE)
_PARAM = re.compile(r"^(?P<key>post|topic|full|username)\s*:\s*(?P<value>\S+)$", re.IGNORECASE)
# Post numbers are stored in 32-bit columns (Post.post_number, Quote.quoted_post_number): a larger
# number cannot name a post, and PostgreSQL would refuse to record it.
_MAX_POST_NUMBER = 2**31 - 1
# Quotes inside quotes inside quotes: each level is a fresh rendering of its body, so depth costs
# stack and time. Discourse threads rarely pass three; deeper quote tags stay literal text.
MAX_QUOTE_DEPTH = 10


@dataclass(frozen=True)
class QuoteRef:
    """What the markup says: who is quoted, which post, and the quoted text as typed."""

    username: str | None
    post_number: int | None
    topic_id: int | None
    full: bool
    text: str
    # A quote of a study's abstract: "doi" or "pmid" and the identifier as typed.
    study_kind: str = ""
    study_value: str = ""

    @property
    def is_attributed(self) -> bool:
        return self.username is not None and self.post_number is not None

    @property
    def is_study(self) -> bool:
        return bool(self.study_kind)


@dataclass(frozen=True)
class QuoteSource:
    """What the site knows about the quoted post, looked up when the quoting post is saved."""

    author_name: str
    role_badge: str
    url: str
    status: str  # one of forum.models.QuoteStatus
    topic_title: str = ""  # set only when the source is in another topic
    history_url: str = ""
    author_username: str = ""  # to tell a quote that names the wrong author
    words_status: str = ""  # for such a quote: whether its words are in the post all the same


@dataclass(frozen=True)
class StudyQuoteSource:
    """What the site knows about a quoted study, and whether the words are in its abstract."""

    label: str  # the identifier, or the title once known
    url: str
    status: str  # a key of STUDY_STATUS_LABELS
    section: str = ""  # the structured abstract's heading the words are under ("Conclusion")


QuoteResolver = Callable[[QuoteRef], "QuoteSource | None"]
StudyQuoteResolver = Callable[[QuoteRef], "StudyQuoteSource | None"]


def parse_study_source(attrs: str | None) -> tuple[str, str] | None:
    """`"doi:10.1097/PR9.0000000000001080"` -> ("doi", "10.1097/PR9.0000000000001080")."""
    if not attrs:
        return None
    attrs = attrs.strip()
    if len(attrs) >= 2 and attrs[0] == attrs[-1] and attrs[0] in "\"'":
        attrs = attrs[1:-1].strip()
    match = _STUDY_SOURCE.match(attrs)
    return (match.group("kind").lower(), match.group("value")) if match else None


def parse_attributes(attrs: str | None) -> tuple[str | None, int | None, int | None, bool] | None:
    """`"name, post:1, topic:2, full:true"` -> (username, post, topic, full); None if malformed."""
    if attrs is None:
        return None, None, None, False
    attrs = attrs.strip()
    if len(attrs) >= 2 and attrs[0] == attrs[-1] and attrs[0] in "\"'":
        attrs = attrs[1:-1]
    parts = [p.strip() for p in attrs.split(",")]
    name, params = parts[0], parts[1:]
    username, post, topic, full = (name or None), None, None, False
    for param in params:
        match = _PARAM.match(param)
        if not match:
            return None
        key, value = match.group("key").lower(), match.group("value")
        if key in {"post", "topic"}:
            if not value.isdigit() or len(value) > 12:
                return None
            if key == "post":
                post = int(value)
                if post > _MAX_POST_NUMBER:
                    return None
            else:
                topic = int(value)
        elif key == "full":
            full = value.lower() == "true"
        elif key == "username":
            username = value
    if username is not None and not _USERNAME.match(username):
        # Discourse puts a display name first when `username:` is given; anything else that is
        # not a username is kept as plain text rather than trusted.
        return None
    return username, post, topic, full


_TRAILING_CLOSES = re.compile(r"(?:\[/quote\]\s*)+$", re.IGNORECASE)
_LAST_CLOSE = re.compile(r"\[/quote\]\s*$", re.IGNORECASE)


def _trailing_closes(text: str) -> int:
    match = _TRAILING_CLOSES.search(text)
    return match.group(0).lower().count("[/quote]") if match else 0


def _find_blocks(lines: list[str]):
    """Yield (start, end, attrs, first_rest) for each outermost well-formed quote."""
    index = 0
    while index < len(lines):
        opened = _OPEN.match(lines[index])
        if not opened:
            index += 1
            continue
        depth = 0
        for cursor in range(index, len(lines)):
            nested = _OPEN.match(lines[cursor])
            text = nested.group("rest") if nested else lines[cursor]
            depth += 1 if nested else 0
            depth -= _trailing_closes(text)
            if depth <= 0:
                yield index, cursor, opened.group("attrs"), opened.group("rest")
                index = cursor + 1
                break
        else:
            index += 1  # unclosed: the line stays as typed


# A fence opens with three or more backticks or tildes; what it holds is code, never a quote tag.
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
# What stands for a quote left out of a quote, as Discourse writes it.
LEFT_OUT = "…"


def _outside_code(lines: list[str]) -> list[str]:
    """`lines` with those of fenced code blocks blanked, so their `[quote]` lines are not tags."""
    visible, fence = [], ""
    for line in lines:
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group("fence")[0] == fence[0] and len(opened.group("fence")) >= len(fence):
                fence = ""
            visible.append("")
        elif opened:
            fence = opened.group("fence")
            visible.append("")
        else:
            visible.append(line)
    return visible


def quotes_left_out(raw: str, *, marker: str = LEFT_OUT) -> str:
    """`raw` with each outermost quote (of a post or of a study's abstract) replaced by a paragraph
    holding `marker`: only the words the text's own author wrote.

    Quoting a whole post that itself quotes someone would otherwise put the other person's words
    under the quoted author's name, and make the citations inside count as the quoter's. Blocks are
    found exactly as the renderer finds them (line-based, malformed ones stay text, fenced code is
    code); `marker=""` leaves a paragraph break in their place."""
    lines = (raw or "").split("\n")
    out: list[str] = []
    last, found = 0, False

    def keep(segment: list[str]) -> None:
        # A gap already ends in a blank line: the blank lines that followed the quote add nothing.
        while found and out and not out[-1].strip() and segment and not segment[0].strip():
            segment = segment[1:]
        out.extend(segment)

    for start, end, attrs, _rest in _find_blocks(_outside_code(lines)):
        if parse_study_source(attrs) is None and parse_attributes(attrs) is None:
            continue  # stays literal text when rendered, so it is the author's own words
        keep(lines[last:start])
        # Two quotes in a row are one gap, not "… …"; the marker is a paragraph of its own.
        previous = next((line for line in reversed(out) if line.strip()), None)
        if marker and previous != marker:
            out.extend(["", marker] if out and out[-1].strip() else [marker])
        if end + 1 < len(lines) and lines[end + 1].strip():
            out.append("")
        last, found = end + 1, True
    if not found:
        return raw or ""
    keep(lines[last:])
    return "\n".join(out)


class QuotePreprocessor(Preprocessor):
    def __init__(self, md, render_fragment, stash, resolver: QuoteResolver | None, refs: list[QuoteRef],
                 depth: int = 0, study_resolver: StudyQuoteResolver | None = None):
        super().__init__(md)
        self.render_fragment = render_fragment
        self.stash = stash
        self.resolver = resolver
        self.study_resolver = study_resolver
        self.refs = refs
        self.depth = depth

    def run(self, lines: list[str]) -> list[str]:
        if self.depth >= MAX_QUOTE_DEPTH:
            return lines
        out: list[str] = []
        last = 0
        for start, end, attrs, first_rest in _find_blocks(lines):
            study = parse_study_source(attrs)
            parsed = None if study else parse_attributes(attrs)
            if study is None and parsed is None:
                continue  # malformed attributes: the whole block stays literal text
            out.extend(lines[last:start])
            body_lines = [first_rest] + lines[start + 1:end + 1]
            body_lines[-1] = _LAST_CLOSE.sub("", body_lines[-1], count=1)
            body = "\n".join(body_lines).strip("\n")
            if study:
                ref = QuoteRef(username=None, post_number=None, topic_id=None, full=False, text=body,
                               study_kind=study[0], study_value=study[1])
                self.refs.append(ref)
                study_source = self.study_resolver(ref) if self.study_resolver else None
                html = render_study_quote(ref, study_source, self.render_fragment(body))
                out.extend(["", self.stash(html, block=True), ""])
                last = end + 1
                continue
            username, post, topic, full = parsed
            ref = QuoteRef(username=username, post_number=post, topic_id=topic, full=full, text=body)
            self.refs.append(ref)
            source = self.resolver(ref) if (self.resolver and ref.is_attributed) else None
            html = render_quote(ref, source, self.render_fragment(body))
            out.extend(["", self.stash(html, block=True), ""])
            last = end + 1
        out.extend(lines[last:])
        return out


STATUS_LABELS = {
    "verified": "Matches the source",
    "modified": "The source has changed since",
    "unmatched": "Not found in the source",
    "missing": "The source was removed or is not visible",
}


# A study quote is checked against the abstract the site stores (full texts are not stored).
STUDY_STATUS_LABELS = {
    "verified": "Matches the abstract",
    "unmatched": "Not found in the abstract",
    "pending": "Checked when the study's details arrive",
    "no_abstract": "No abstract stored to check against",
    "unresolved": "Study not found",
}


def render_study_quote(ref: QuoteRef, source: StudyQuoteSource | None, inner_html: str) -> str:
    identifier = f"{ref.study_kind}:{ref.study_value}"
    attrs = ['class="quote quote--study"', f'data-study="{escape(identifier)}"']
    if source is None:
        title = f'<span class="quote__author">From {escape(identifier)}</span>'
    else:
        attrs.append(f'data-status="{escape(source.status)}"')
        link = f'<a class="quote__source"{href_attribute(source.url)}>{escape(source.label)}</a>'
        section = (f' <span class="quote__section">{escape(source.section)}</span>' if source.section else "")
        status = (f' <span class="quote__status quote__status--{escape(source.status)}">'
                  f'{escape(STUDY_STATUS_LABELS.get(source.status, ""))}</span>')
        title = f'<span class="quote__author">From the abstract of</span> {link}{section}{status}'
    return f'<aside {" ".join(attrs)}><div class="quote__title">{title}</div><blockquote>{inner_html}</blockquote></aside>'


def render_quote(ref: QuoteRef, source: QuoteSource | None, inner_html: str) -> str:
    attrs = ['class="quote"']
    if ref.username:
        attrs.append(f'data-username="{escape(ref.username)}"')
    if ref.post_number:
        attrs.append(f'data-post="{ref.post_number}"')
    if ref.topic_id:
        attrs.append(f'data-topic="{ref.topic_id}"')
    if ref.full:
        attrs.append('data-full="true"')
    title = _title(ref, source)
    if source is not None:
        attrs.append(f'data-status="{escape(source.status)}"')
    title_html = f'<div class="quote__title">{title}</div>' if title else ""
    return f'<aside {" ".join(attrs)}>{title_html}<blockquote>{inner_html}</blockquote></aside>'


def _title(ref: QuoteRef, source: QuoteSource | None) -> str:
    if not ref.username:
        return ""
    if source is None or source.status == "missing":
        name = f'<span class="quote__author">{escape(ref.username)}</span>'
        status = '<span class="quote__status quote__status--missing">The source was removed or is not visible</span>' if source else ""
        return f"{name}{status}"
    badge = f' <span class="badge badge--role">{escape(source.role_badge)}</span>' if source.role_badge else ""
    where = escape(source.topic_title) if source.topic_title else f"#{ref.post_number}"
    link = f'<a class="quote__source"{href_attribute(source.url)}>{where}</a>'
    status_text = escape(STATUS_LABELS.get(source.status, ""))
    if source.author_username and source.author_username.lower() != ref.username.lower():
        # The markup names one member and the post is another's: say exactly that, rather than
        # a title that puts the real author's name over words attributed to someone else.
        misattributed = (f'<span class="quote__status quote__status--misattributed">attributed to '
                         f'{escape(ref.username)}, but {link} is by {escape(source.author_name)}</span>')
        words_status = source.words_status or source.status
        words = "" if words_status == "verified" else (
            f' <span class="quote__status quote__status--{escape(words_status)}">'
            f'{escape(STATUS_LABELS.get(words_status, ""))}</span>')
        return f'<span class="quote__author">{escape(ref.username)}</span>: {misattributed}{words}'

    if source.status == "modified" and source.history_url:
        status_html = (f'<a class="quote__status quote__status--modified"{href_attribute(source.history_url)}>'
                       f"{status_text}</a>")
    else:
        status_html = f'<span class="quote__status quote__status--{escape(source.status)}">{status_text}</span>'
    return f'<span class="quote__author">{escape(source.author_name)}</span>{badge}: {link} {status_html}'


class QuoteExtension(Extension):
    def __init__(self, *, render_fragment, stash, resolver: QuoteResolver | None = None, refs: list | None = None,
                 depth: int = 0, study_resolver: StudyQuoteResolver | None = None):
        super().__init__()
        self.render_fragment = render_fragment
        self.stash = stash
        self.resolver = resolver
        self.study_resolver = study_resolver
        self.refs = refs if refs is not None else []
        self.depth = depth  # how many quotes this text is inside

    def extendMarkdown(self, md):
        # After fenced code is set aside (25), so `[quote]` inside code stays code, and before raw
        # HTML blocks are collected (20).
        md.preprocessors.register(
            QuotePreprocessor(md, self.render_fragment, self.stash, self.resolver, self.refs, self.depth,
                              self.study_resolver),
            "evident_quote", 22,
        )
