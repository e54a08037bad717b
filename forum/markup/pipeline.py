import hashlib
import re
import secrets
from dataclasses import dataclass, field
from html import escape

import markdown

from .citations import CitationExtension, CitationResolver, CitedStudy, render_reference_list
from .guards import GuardExtension
from .mentions import MentionExtension, MentionResolver
from .quotes import QuoteExtension, QuoteRef, QuoteResolver, StudyQuoteResolver
from .sanitize import sanitize
from .uploads import UPLOAD_PREFIX, UploadExtension, UploadResolver

# Bump when the same raw text would now render differently; `manage.py rebake` catches up.
COOKED_VERSION = 17  # 17: citations inside a quote are not the quoting post's (no Citation row, no "author" chip); 16: "Image from host - show" opens the page that shows it; 15: a large uploaded picture shows its thumbnail, linked to the full size; 14: quotes of a study's abstract ([quote="doi:…"]); 13: citation numbers carry their study, for per-topic numbering; 12: a citation may state its stance ([@doi:… supports]); 11: a quote naming the wrong author says so; 10: a post's reference list is no longer a named landmark


@dataclass(frozen=True)
class Cooked:
    html: str
    version: int = COOKED_VERSION
    # The outermost attributed and anonymous quotes, in order (nested ones belong to their source).
    quotes: tuple[QuoteRef, ...] = field(default_factory=tuple)
    # Every study the post cites in its own words (not only inside a quote), by its number in the
    # post's reference list.
    citations: tuple[CitedStudy, ...] = field(default_factory=tuple)
    # Usernames of existing members mentioned with @name, in order of first mention.
    mentions: tuple[str, ...] = field(default_factory=tuple)
    # Names of the uploaded files the post shows or links to (upload://name), in order.
    uploads: tuple[str, ...] = field(default_factory=tuple)


class _Render:
    """One rendering: the resolvers, and what the post cites, shared by nested quote bodies."""

    def __init__(self, raw: str, quote_resolver: QuoteResolver | None, citation_resolver: CitationResolver | None,
                 mention_resolver: MentionResolver | None = None, upload_resolver: UploadResolver | None = None,
                 study_quote_resolver: StudyQuoteResolver | None = None):
        self.quote_resolver = quote_resolver
        self.study_quote_resolver = study_quote_resolver
        self.upload_resolver = upload_resolver
        self.uploads: list[str] = []
        self.citation_resolver = citation_resolver
        self.mention_resolver = mention_resolver
        self.mentioned: list[str] = []
        self.scope = hashlib.sha1(raw.encode()).hexdigest()[:8]
        self.cited: dict[int, CitedStudy] = {}
        self.own_citations: set[int] = set()

    def html(self, raw: str, *, quotes: list[QuoteRef], collect_mentions: bool = True, depth: int = 0) -> str:
        """Markdown -> sanitised HTML, with our own markup (quote asides, citation chips) put back
        afterwards."""
        # Our markup is exactly what the sanitiser (rightly) refuses from a user, so it waits under
        # random placeholders nobody can guess or type, and goes in after sanitising.
        nonce = secrets.token_hex(8)
        fragments: dict[str, str] = {}
        typed: dict[str, str] = {}
        blocks: set[str] = set()

        def stash(html: str, *, block: bool = False, text: str = "") -> str:
            key = f"evidentmarkup{nonce}n{len(fragments)}"
            fragments[key] = html
            typed[key] = text
            if block:
                blocks.add(key)
            return key

        md = markdown.Markdown(
            extensions=[
                "fenced_code",
                "tables",
                "footnotes",
                "sane_lists",
                "nl2br",
                GuardExtension(size=len(raw)),
                QuoteExtension(
                    # A quote's body goes through this same rendering, so quotes nest; the quotes it
                    # contains are the source's business, not this post's, so they are not collected.
                    render_fragment=lambda body: self.html(body, quotes=[], collect_mentions=False, depth=depth + 1),
                    stash=stash,
                    resolver=self.quote_resolver,
                    refs=quotes,
                    depth=depth,
                    study_resolver=self.study_quote_resolver,
                ),
                # Citations inside a quote are the quoted author's: shown, never this post's own.
                CitationExtension(resolver=self.citation_resolver, stash=stash, scope=self.scope, cited=self.cited,
                                  own=self.own_citations, quoted=depth > 0),
                # Mentions inside a quoted body are rendered but not collected: the quote is not
                # this post's author speaking to them.
                MentionExtension(resolver=self.mention_resolver, stash=stash,
                                 mentioned=self.mentioned if collect_mentions else []),
                # Only texts that name an upload pay for the walk over the tree.
                *([UploadExtension(resolver=self.upload_resolver, used=self.uploads)] if UPLOAD_PREFIX in raw else []),
            ],
            extension_configs={
                "tables": {"use_align_attribute": True},
                "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
            },
            output_format="html",
        )
        html = sanitize(_scope_footnotes(md.convert(raw), self.scope))
        if fragments:
            html = _TAG.sub(lambda tag: _typed_back(tag.group(0), nonce, typed), html)
        for key, fragment in fragments.items():
            # A quote aside replaces the paragraph markdown wrapped its placeholder in; a citation
            # chip is inline, so a line holding only a chip keeps its paragraph.
            if key in blocks:
                html = html.replace(f"<p>{key}</p>", fragment)
            html = html.replace(key, fragment)
        return html


# Inline patterns also match inside raw HTML such as `<a title="@lena">`, and our markup pasted
# into an attribute value would close it early (dropping the rel="nofollow ugc" the sanitiser
# added after it). Inside a tag a placeholder therefore becomes the text as typed, escaped. The
# sanitiser quotes every attribute value and escapes "<" in them, so this finds every tag.
_TAG = re.compile(r"<[A-Za-z/][^<>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^<>\"']*)*>")


def _typed_back(tag: str, nonce: str, typed: dict[str, str]) -> str:
    if nonce not in tag:
        return tag
    # Markdown puts a backslash before a placeholder it finds inside raw inline HTML.
    return re.sub(rf"\\?(evidentmarkup{nonce}n\d+)", lambda m: escape(typed.get(m.group(1), "")), tag)


def _plain_text_html(raw: str) -> str:
    paragraphs = (p for p in re.split(r"\n{2,}", raw.strip()) if p.strip())
    return "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


# Several posts share one page, so footnote anchors get a prefix derived from the text to
# keep "#fn:1" of one post from jumping into another.
_FOOTNOTE_ANCHOR = re.compile(r'(id="|href="#)(fn|fnref):')


def _scope_footnotes(html: str, scope: str) -> str:
    if "fn:" not in html:
        return html
    return _FOOTNOTE_ANCHOR.sub(lambda m: f"{m.group(1)}{m.group(2)}-{scope}-", html)


def cook(raw: str, *, quote_resolver: QuoteResolver | None = None,
         citation_resolver: CitationResolver | None = None, mention_resolver: MentionResolver | None = None,
         upload_resolver: UploadResolver | None = None,
         study_quote_resolver: StudyQuoteResolver | None = None) -> Cooked:
    """Render raw markdown to sanitised HTML.

    `quote_resolver` looks up quoted posts (title bar and source check); `citation_resolver`
    looks up cited studies (chips and reference list); `mention_resolver` says which @names are
    members. Without them, quotes show the name as typed, citations show as unresolved and
    mentions stay plain text. `upload_resolver` gives the serving URL of an uploaded file's name;
    without it (or for an unknown name) `upload://` addresses are dropped by the URL policy.
    `study_quote_resolver` looks up the study a `[quote="doi:…"]` quotes and checks the words
    against its abstract; without it such a quote shows the identifier, unchecked.
    """
    raw = raw or ""
    render = _Render(raw, quote_resolver, citation_resolver, mention_resolver, upload_resolver, study_quote_resolver)
    quotes: list[QuoteRef] = []
    try:
        html = render.html(raw, quotes=quotes)
    except RecursionError:
        # guards.py bounds the nesting we know of; should some other shape still nest deeper than
        # the parser can follow, the post is shown as the plain text typed rather than failing.
        return Cooked(html=_plain_text_html(raw))
    html += render_reference_list(render.cited, render.scope)
    return Cooked(html=html, quotes=tuple(quotes),
                  citations=tuple(render.cited[n] for n in sorted(render.own_citations)),
                  mentions=tuple(render.mentioned), uploads=tuple(render.uploads))
