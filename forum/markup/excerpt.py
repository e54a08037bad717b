"""A short plain-text excerpt of a post's own words, for previews (accepted answer, emails, feeds)."""

import re
from html import unescape

import markdown
from django.utils.html import strip_tags
from django.utils.text import Truncator

_QUOTE_BLOCK = re.compile(r"^ {0,3}\[quote(?:=[^\]\n]*)?\].*?\[/quote\]\s*$", re.IGNORECASE | re.MULTILINE | re.DOTALL)
_CITATION = re.compile(r"\[@[^\]\s]{1,250}\]")
_QUOTE_OPEN = re.compile(r"\[quote(?:=[^\]\n]*)?\]\s*", re.IGNORECASE)
_QUOTE_CLOSE = re.compile(r"\s*\[/quote\]", re.IGNORECASE)


def excerpt(raw: str, *, words: int = 60, quotes: bool = False) -> str:
    """Quoted words belong to someone else, so a preview leaves them out; with `quotes` (a
    moderator reviewing the whole post) they stay, inside quotation marks, never run into the
    writer's own words. Citation markup is noise in either."""
    text = raw or ""
    if quotes:
        text = _QUOTE_CLOSE.sub("”", _QUOTE_OPEN.sub("“", text))
    else:
        text = _QUOTE_BLOCK.sub("", text)
    text = _CITATION.sub("", text)
    plain = unescape(strip_tags(markdown.markdown(text, extensions=["fenced_code", "tables", "sane_lists"])))
    return Truncator(" ".join(plain.split())).words(words)
