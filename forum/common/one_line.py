"""One-line text: topic titles, display names, tags, category names, expert credentials, the
reasons shown on one line, study titles typed by hand, and every mail header built from them.

`one_line` is applied where such text enters, by the form field (so length limits count what is
stored) and again by the service (so nothing that skips the form stores a line break). It turns
each run of line breaks and tabs into one space and removes what cannot be seen but can mislead:
control characters (C0, DEL, C1), bidirectional embeddings, overrides and isolates, zero-width
spaces and joiners, word joiners, the byte-order mark, soft hyphens and stray tag characters.

Two invisible characters have honest uses between letters: ZWNJ and ZWJ shape Persian and Indic
words and join emoji into one picture (👩‍⚕️). They are kept between two characters outside ASCII
and removed elsewhere, where all they can do is make "a‍lice" look like "alice". Tag characters
are kept only where they spell a flag after 🏴.
"""

from __future__ import annotations

import re

from django import forms

# A Windows line ending is one break, and spaces around breaks go with them: "a \r\n b" -> "a b".
_BREAKS = re.compile(r" *(?:\r\n|[\r\n\t\x0b\x0c\x1c-\x1e\x85\u2028\u2029])(?:\r\n|[\r\n\t\x0b\x0c\x1c-\x1e\x85\u2028\u2029 ])*")
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u00ad\u061c\u180e\u200b\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0001]"
)
_JOINER = re.compile(r"[\u200c\u200d]")
_TAG_CHARACTERS = re.compile(r"[\U000e0020-\U000e007f]+")
_FLAG = "\U0001f3f4"


def _joiner_kept(match: re.Match) -> str:
    text, at = match.string, match.start()
    before, after = text[at - 1:at], text[at + 1:at + 2]
    return match.group(0) if before > "\x7f" and after > "\x7f" else ""


def _tags_kept(match: re.Match) -> str:
    return match.group(0) if match.string[:match.start()].endswith(_FLAG) else ""


def one_line(text: str | None) -> str:
    """`text` on one line, without invisible controls, trimmed."""
    if not text:
        return ""
    text = _BREAKS.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    text = _JOINER.sub(_joiner_kept, text)
    text = _TAG_CHARACTERS.sub(_tags_kept, text)
    return text.strip()


class OneLineField(forms.CharField):
    """A form field whose value is `one_line`d before validation, so `max_length` and
    `min_length` count the characters that will be stored."""

    def to_python(self, value):
        value = super().to_python(value)
        return one_line(value) if value not in self.empty_values else value
