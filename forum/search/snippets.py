"""Highlighted snippets: the database marks matches with control characters, we escape the text
and only then turn the markers into <mark> tags, so a post's own markup can never come back live.

Snippets are cut from the post as typed, so markdown's punctuation is taken out first: a result
reads "the **largest** trial" as "the largest trial", a link as its words, and a quote's bounds as
quotation marks rather than words run together.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Stripped from the indexed text (schema.py), so in a snippet they can only be our markers.
START = "\x02"
STOP = "\x03"


_MARKDOWN = [
    (re.compile(r"\[quote(?:=[^\]\n]*)?\]", re.IGNORECASE), " “"),
    (re.compile(r"\[/quote\]", re.IGNORECASE), "” "),
    (re.compile(r"!?\[([^\]\n]*)\]\((?:[^)\s]*)(?:\s+\"[^\"]*\")?\)"), r"\1"),  # [words](url) -> words
    (re.compile(r"(?m)^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d{1,9}[.)]\s+)"), ""),  # headings, quotes, lists
    (re.compile(r"(\*\*|__|~~|`+)"), ""),  # strong, strike, code
    (re.compile(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])"), ""),  # *emphasis*
    (re.compile(r"(?<![\w_])_(?=\S)|(?<=\S)_(?![\w_])"), ""),  # _emphasis_
]


def plain(snippet: str) -> str:
    """A snippet of markdown as the words a reader sees."""
    for pattern, replacement in _MARKDOWN:
        snippet = pattern.sub(replacement, snippet)
    return snippet


def highlight(snippet: str | None) -> SafeString:
    text = escape(plain(snippet or ""))
    # Whitespace runs (markdown line breaks, indentation) read as one space in a result line.
    text = " ".join(text.split())
    # An unclosed marker (a fragment cut mid-match) must not leave a <mark> open.
    if text.count(START) != text.count(STOP):
        text = text.replace(START, "").replace(STOP, "")
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))
