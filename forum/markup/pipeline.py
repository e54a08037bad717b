import hashlib
import re
from dataclasses import dataclass

import markdown

from .quotes import QuoteExtension
from .sanitize import sanitize

COOKED_VERSION = 1


@dataclass(frozen=True)
class Cooked:
    html: str
    version: int = COOKED_VERSION


def _markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[
            "fenced_code",
            "tables",
            "footnotes",
            "sane_lists",
            "nl2br",
            QuoteExtension(),
        ],
        extension_configs={
            "tables": {"use_align_attribute": True},
            "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
        },
        output_format="html",
    )


# Several posts share one page, so footnote anchors get a prefix derived from the text to
# keep "#fn:1" of one post from jumping into another.
_FOOTNOTE_ANCHOR = re.compile(r'(id="|href="#)(fn|fnref):')


def _scope_footnotes(html: str, raw: str) -> str:
    if "fn:" not in html:
        return html
    scope = hashlib.sha1(raw.encode()).hexdigest()[:8]
    return _FOOTNOTE_ANCHOR.sub(lambda m: f"{m.group(1)}{m.group(2)}-{scope}-", html)


def cook(raw: str) -> Cooked:
    html = _markdown().convert(raw or "")
    html = _scope_footnotes(html, raw or "")
    return Cooked(html=sanitize(html))
