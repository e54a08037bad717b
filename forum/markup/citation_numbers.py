"""A topic's citation numbers put into one post's HTML, as in a paper: a study keeps the number of
its first citation in the topic in every post and in every post's reference list.

A post's stored HTML (and its cached fragment) is the post alone: its chips and reference list
carry the post's own numbers, each marked with its study (forum/markup/citations.py writes them).
A page puts the topic's numbers in their place on the way out, the way the CSRF placeholder is
swapped, so a citation in a later post renumbers no stored HTML and no fragment. This module only
rewrites that HTML, given the topic's {study id: number}; the map itself is read by
forum/evidence/citation_numbers.py, so the post-fragment cache can renumber without knowing how.

Where a post is read alone (a feed, the API, an email) it keeps its own numbers: it brings its own
reference list, so it reads correctly by itself.
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r'<span class="cite__n" data-study="(\d*)">(\d+)</span>( ?)')
# A post's reference list is the last thing cooked HTML holds (forum/markup/citations.py), once:
# found by plain string search, which costs a page of twenty posts far less than a regex would.
_REFERENCES_OPEN = '<section class="references"><h2 class="references__heading">References</h2><ol>'
_REFERENCES_CLOSE = "</ol></section>"
_ITEM_HEAD = re.compile(r'(<li id="ref-[0-9a-f]+-\d+") value="\d+"( data-study="(\d*)">)')


def citation_numbers_apply(html: str, numbers: dict[int, int]) -> str:
    """`html` (one post's) with its citations numbered by the topic. A study the topic's map does
    not know (a preview citing something new) takes the next free numbers in order of appearance;
    a reference the site has no study for goes unnumbered, since any number could be another's."""
    if "cite__n" not in html:
        return html
    extra: dict[int, int] = {}

    def number_of(study_id: str) -> int | None:
        if not study_id:
            return None
        key = int(study_id)
        if key in numbers:
            return numbers[key]
        if key not in extra:
            extra[key] = max([*numbers.values(), *extra.values(), 0]) + 1
        return extra[key]

    def chip(match: re.Match) -> str:
        number = number_of(match[1])
        if number is None:
            return ""
        return f'<span class="cite__n" data-study="{match[1]}">{number}</span>{match[3]}'

    html = _NUMBER.sub(chip, html)
    start = html.rfind(_REFERENCES_OPEN)
    if start < 0:
        return html
    body = start + len(_REFERENCES_OPEN)
    end = html.find(_REFERENCES_CLOSE, body)
    if end < 0:
        return html
    return html[:body] + _renumber_items(html[body:end], number_of) + html[end:]


def _renumber_items(items_html: str, number_of) -> str:
    items = []
    for position, item in enumerate(part + "</li>" for part in items_html.split("</li>")[:-1]):
        head = _ITEM_HEAD.match(item)
        if head is None:
            return items_html  # not a list this module wrote: left as it is
        number = number_of(head[3])
        shown = ' class="references__unnumbered"' if number is None else f' value="{number}"'
        item = head[1] + shown + head[2] + item[head.end():]
        items.append((number is None, number or 0, position, item))
    return "".join(item for *_order, item in sorted(items))


def citation_numbers_shown(html: str) -> tuple:
    """The (study, number) pairs a post's HTML shows, in order: what its numbering looks like."""
    return tuple((m[1], m[2]) for m in _NUMBER.finditer(html))


def topic_number_label(numbers: dict[int, int]):
    """An excerpt's `label_for` (forum/markup/excerpt.py) beside the topic: a citation reads as the
    topic's "[3]"; one the topic does not number keeps the post's own number."""
    def label_for(study_id: int) -> str | None:
        return f"[{numbers[study_id]}]" if study_id in numbers else None

    return label_for
