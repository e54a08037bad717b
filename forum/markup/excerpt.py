"""A short plain-text excerpt of a post's own words, for previews (accepted answer, emails, feeds)."""

import re
from html import unescape

import markdown
from django.utils.html import strip_tags
from django.utils.text import Truncator

_QUOTE_BLOCK = re.compile(r"^ {0,3}\[quote(?:=[^\]\n]*)?\].*?\[/quote\]\s*$", re.IGNORECASE | re.MULTILINE | re.DOTALL)
_CITATION = re.compile(r"\[@[^\]\s]{1,250}\]")


def excerpt(raw: str, *, words: int = 60) -> str:
    # Quoted words belong to someone else, and citation markup is noise in a preview.
    text = _CITATION.sub("", _QUOTE_BLOCK.sub("", raw or ""))
    plain = unescape(strip_tags(markdown.markdown(text, extensions=["fenced_code", "tables", "sane_lists"])))
    return Truncator(" ".join(plain.split())).words(words)
