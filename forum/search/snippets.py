"""Highlighted snippets: the database marks matches with control characters, we escape the text
and only then turn the markers into <mark> tags, so a post's own markup can never come back live.

A result shows the post's excerpt (forum/following/post_excerpts.py, read from the cooked HTML like every
other excerpt), centred on the first word the database marked, with each marked word in <mark>:
the database knows which words match (stemming, phrases), the excerpt knows how the post reads
(a citation as "[Bested 2023]", a quote as "quoting lena: “…”"). `highlight` turns the database's
own snippet, cut from the post as typed, into readable text where no cooked HTML is at hand.
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


_MARKED = re.compile(f"{START}([^{START}{STOP}]+){STOP}")


def matched_terms(snippet: str | None) -> list[str]:
    """The words the database marked in its snippet, once each, in order."""
    return list(dict.fromkeys(" ".join(term.split()) for term in _MARKED.findall(snippet or "") if term.strip()))


def marked_excerpt(post, snippet: str | None, *, names: dict[int, str]) -> SafeString:
    """`post`'s excerpt around the words its database `snippet` marked, escaped, those words in <mark>."""
    from forum.following.post_excerpts import post_excerpt

    terms = matched_terms(snippet)
    text = escape(post_excerpt(post, limit=240, names=names, focus_terms=terms))
    if not terms:
        return mark_safe(text)
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(escape(term))}(?!\w)"
                                  for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    return mark_safe(pattern.sub(lambda match: f"<mark>{match.group(0)}</mark>", text))


def highlight(snippet: str | None) -> SafeString:
    text = escape(plain(snippet or ""))
    # Whitespace runs (markdown line breaks, indentation) read as one space in a result line.
    text = " ".join(text.split())
    # An unclosed marker (a fragment cut mid-match) must not leave a <mark> open.
    if text.count(START) != text.count(STOP):
        text = text.replace(START, "").replace(STOP, "")
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))
