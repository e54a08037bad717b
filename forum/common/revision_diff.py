"""What changed between two versions of a post, word by word, for the revision history.

A line diff shows a one-word edit as the whole paragraph struck out and written again; here the
text is split into words and the whitespace between them and compared with difflib, so the
history marks just the words that changed. Runs of unchanged words come through whole, so the
reader sees the change in its sentence; a lone space between two changes joins them, so
"two small" -> "three tiny" reads as one change, not two.
"""

import difflib
import re
from dataclasses import dataclass

_WORDS = re.compile(r"\s+|\S+")


@dataclass(frozen=True)
class Chunk:
    kind: str  # "same", "added" or "removed"
    text: str


@dataclass(frozen=True)
class WordDiff:
    chunks: list[Chunk]
    added: int
    removed: int


def _words(text: str) -> list[str]:
    return _WORDS.findall(text)


def _count(words: list[str]) -> int:
    return sum(1 for word in words if word.strip())


def word_diff(before: str, after: str) -> WordDiff:
    old, new = _words(before), _words(after)
    # Changes as (removed words, added words) between runs of unchanged text.
    parts: list[Chunk | tuple[list[str], list[str]]] = []
    added = removed = 0
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(Chunk("same", "".join(new[j1:j2])))
            continue
        removed += _count(old[i1:i2])
        added += _count(new[j1:j2])
        change = (old[i1:i2], new[j1:j2])
        if (len(parts) >= 2 and isinstance(parts[-2], tuple) and isinstance(parts[-1], Chunk)
                and not parts[-1].text.strip()):
            # Only whitespace since the last change: one change, not two.
            space = parts.pop().text
            went, came = parts.pop()
            change = ([*went, space, *change[0]], [*came, space, *change[1]])
        elif parts and isinstance(parts[-1], tuple):
            went, came = parts.pop()
            change = ([*went, *change[0]], [*came, *change[1]])
        parts.append(change)
    chunks: list[Chunk] = []
    for part in parts:
        if isinstance(part, Chunk):
            chunks.append(part)
            continue
        went, came = part
        # A replacement reads as what went, then what came in its place.
        if went:
            chunks.append(Chunk("removed", "".join(went)))
        if came:
            chunks.append(Chunk("added", "".join(came)))
    return WordDiff(chunks=chunks, added=added, removed=removed)
