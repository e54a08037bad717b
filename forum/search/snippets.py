"""Highlighted snippets: the database marks matches with control characters, we escape the text
and only then turn the markers into <mark> tags, so a post's own markup can never come back live.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Stripped from the indexed text (schema.py), so in a snippet they can only be our markers.
START = "\x02"
STOP = "\x03"


def highlight(snippet: str | None) -> SafeString:
    text = escape(snippet or "")
    # Whitespace runs (markdown line breaks, indentation) read as one space in a result line.
    text = " ".join(text.split())
    # An unclosed marker (a fragment cut mid-match) must not leave a <mark> open.
    if text.count(START) != text.count(STOP):
        text = text.replace(START, "").replace(STOP, "")
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))
