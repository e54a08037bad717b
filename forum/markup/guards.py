"""Bounds on what a post's markup may cost to render, so that no text of the allowed size can
tie up a worker or overflow the stack.

Python-Markdown is a recursive, backtracking parser. Three shapes of text, each easy to type,
make it slow or crash it:

* containers nested on one line (`- - - - x`, `> > > x`, `1. 1. 1. x`): every marker is one
  more level of recursion, and a few hundred end in RecursionError;
* many `[` or `(` that never close: for each one the link parser scans to the end of the
  paragraph looking for its partner, so 16,000 of them take minutes;
* many references to one footnote: each is numbered against all the earlier ones.

Each is cut off at a depth or count no real post reaches; whatever lies beyond stays the
literal text typed, as malformed markup does everywhere else in the pipeline.
"""

import re

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

# Lists and blockquotes opened on one line; deeper markers are escaped and shown as typed.
MAX_BLOCK_NESTING = 16
# Footnote references in one text; later ones are shown as typed.
MAX_FOOTNOTE_REFERENCES = 100
# Characters the link parser may scan, in total, per character of text (plus a floor), and at
# most per link: a link whose text or address runs longer is shown as typed.
LINK_SCAN_BUDGET_PER_CHAR = 20
LINK_SCAN_BUDGET_FLOOR = 20_000
MAX_LINK_SCAN = 4_000

_CONTAINER_MARKER = re.compile(r"[ \t]*(?:>|(?:[-+*]|\d{1,9}\.)(?=[ \t]))")
_FOOTNOTE_REFERENCE = re.compile(r"\[\^")
_LINK_PROCESSORS = ("reference", "link", "image_link", "image_reference", "short_reference", "short_image_ref")


def _limit_line_nesting(line: str) -> str:
    position = 0
    for _ in range(MAX_BLOCK_NESTING):
        marker = _CONTAINER_MARKER.match(line, position)
        if not marker:
            return line
        position = marker.end()
    marker = _CONTAINER_MARKER.match(line, position)
    if not marker:
        return line
    symbol = position + len(marker.group(0)) - len(marker.group(0).lstrip(" \t"))
    if line[symbol].isdigit():  # `1.` is escaped at its dot
        symbol = line.index(".", symbol)
    return line[:symbol] + "\\" + line[symbol:]


def _limit_footnote_references(text: str) -> str:
    count = 0

    def escape_beyond_limit(match):
        nonlocal count
        count += 1
        return match.group(0) if count <= MAX_FOOTNOTE_REFERENCES else "\\[^"

    return _FOOTNOTE_REFERENCE.sub(escape_beyond_limit, text)


class NestingPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        lines = [_limit_line_nesting(line) for line in lines]
        text = "\n".join(lines)
        if text.count("[^") > MAX_FOOTNOTE_REFERENCES * 2:  # definitions count too: `[^1]: ...`
            lines = _limit_footnote_references(text).split("\n")
        return lines


class _ScanBudget:
    def __init__(self, chars: int):
        self.remaining = chars


def _bounded(scan, budget: _ScanBudget, *, not_handled):
    """Wrap a link processor's getText or getLink: it sees at most the rest of the budget (and at
    most MAX_LINK_SCAN characters), and what it scanned is taken off the budget."""

    def bounded_scan(data: str, index: int):
        window = min(budget.remaining, MAX_LINK_SCAN)
        if window <= 0:
            return not_handled(index)
        result = scan(data[:index + window], index)
        budget.remaining -= max(1, result[-2] - index)
        return result

    return bounded_scan


class GuardExtension(Extension):
    """Registers the nesting preprocessor, and puts the link parsers on a budget proportional to
    `size` (the length of the text being rendered)."""

    def __init__(self, *, size: int):
        super().__init__()
        self.size = size

    def extendMarkdown(self, md):
        # First of all preprocessors (normalize_whitespace is 30), so nothing sees deeper nesting.
        md.preprocessors.register(NestingPreprocessor(md), "evident_nesting", 35)
        budget = _ScanBudget(LINK_SCAN_BUDGET_FLOOR + LINK_SCAN_BUDGET_PER_CHAR * self.size)
        for name in _LINK_PROCESSORS:
            if name not in md.inlinePatterns:
                continue
            processor = md.inlinePatterns[name]
            # Markdown 3.11 finds every bracket's end in one pass over the text and keeps it for
            # the next call with the same string: a window cut out of the text would be a new
            # string each time, rescanned from its start, so that linear parse is left whole.
            if not hasattr(processor, "_findBracketEnds"):
                processor.getText = _bounded(processor.getText, budget, not_handled=lambda i: ("", i, False))
            if hasattr(processor, "getLink"):
                processor.getLink = _bounded(processor.getLink, budget, not_handled=lambda i: ("", None, i, False))
