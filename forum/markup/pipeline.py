import hashlib
import re
import secrets
from dataclasses import dataclass, field

import markdown

from .quotes import QuoteExtension, QuoteRef, QuoteResolver
from .sanitize import sanitize

# Bump when the same raw text would now render differently; `manage.py rebake` catches up.
COOKED_VERSION = 2


@dataclass(frozen=True)
class Cooked:
    html: str
    version: int = COOKED_VERSION
    # The outermost attributed and anonymous quotes, in order (nested ones belong to their source).
    quotes: tuple[QuoteRef, ...] = field(default_factory=tuple)


def _render(raw: str, *, resolver: QuoteResolver | None, refs: list[QuoteRef]) -> str:
    """Markdown -> sanitised HTML, with quote blocks rendered separately and put back afterwards."""
    # Quote asides are our own markup, which the sanitiser would (rightly) refuse from a user.
    # They wait under random placeholders a user cannot guess or type, and go in after sanitising.
    nonce = secrets.token_hex(8)
    fragments: dict[str, str] = {}

    def stash(html: str) -> str:
        key = f"evidentquote{nonce}n{len(fragments)}"
        fragments[key] = html
        return key

    md = markdown.Markdown(
        extensions=[
            "fenced_code",
            "tables",
            "footnotes",
            "sane_lists",
            "nl2br",
            QuoteExtension(
                # A quote's body goes through this same function, so quotes nest; the quotes it
                # contains are the source's business, not this post's, so they are not collected.
                render_fragment=lambda body: _render(body, resolver=resolver, refs=[]),
                stash=stash,
                resolver=resolver,
                refs=refs,
            ),
        ],
        extension_configs={
            "tables": {"use_align_attribute": True},
            "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
        },
        output_format="html",
    )
    html = sanitize(_scope_footnotes(md.convert(raw), raw))
    for key, fragment in fragments.items():
        html = html.replace(f"<p>{key}</p>", fragment).replace(key, fragment)
    return html


# Several posts share one page, so footnote anchors get a prefix derived from the text to
# keep "#fn:1" of one post from jumping into another.
_FOOTNOTE_ANCHOR = re.compile(r'(id="|href="#)(fn|fnref):')


def _scope_footnotes(html: str, raw: str) -> str:
    if "fn:" not in html:
        return html
    scope = hashlib.sha1(raw.encode()).hexdigest()[:8]
    return _FOOTNOTE_ANCHOR.sub(lambda m: f"{m.group(1)}{m.group(2)}-{scope}-", html)


def cook(raw: str, *, quote_resolver: QuoteResolver | None = None) -> Cooked:
    """Render raw markdown to sanitised HTML. `quote_resolver` looks up quoted posts (title bar
    and source check); without one, quotes render with the name as typed and no status."""
    refs: list[QuoteRef] = []
    html = _render(raw or "", resolver=quote_resolver, refs=refs)
    return Cooked(html=html, quotes=tuple(refs))
