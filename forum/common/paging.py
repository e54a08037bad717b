"""Pages of a long list without counting it.

Django's Paginator counts every row to print "page 3 of 2,000"; on a forum with 60,000 topics
that count costs more than the page itself and grows with the forum. Lists here read one row
more than a page to know whether there is a next one, and count only when someone asks for a
page past the end (an old link), to send them to the last real page instead.

A page number no list could reach (over a million: thirty million topics) is not an old link
but a made-up one, and is not found. Past 2**63 rows the databases could not even be asked
(SQLite refuses the offset, PostgreSQL says "bigint out of range"), which was a 500.
"""

import math
from dataclasses import dataclass
from typing import Callable

from django.http import Http404

LAST_POSSIBLE_PAGE = 1_000_000


@dataclass
class Page:
    object_list: list
    number: int
    has_next_page: bool

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self) -> bool:
        return self.has_next_page

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next_page or self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def _page_number(value) -> int:
    text = str(value or "").strip()
    # Python's int() refuses thousands of digits (a ValueError), which is no reason for page 1.
    if text.isascii() and text.isdigit() and len(text.lstrip("0")) > len(str(LAST_POSSIBLE_PAGE)):
        raise Http404("There is no such page in this list.")
    try:
        number = max(1, int(text))
    except ValueError:
        return 1
    if number > LAST_POSSIBLE_PAGE:
        raise Http404("There is no such page in this list.")
    return number


def page_of(rows: Callable[[slice], list], number, per_page: int, *, count: Callable[[], int]) -> Page:
    """Page `number` (any string: a mangled one means the first page) of a list: `rows(slice)`
    reads the list's rows in a slice of it, `count()` counts them all and is asked only for a
    page past the end. A number beyond LAST_POSSIBLE_PAGE raises Http404."""
    number = _page_number(number)
    start = (number - 1) * per_page
    found = rows(slice(start, start + per_page + 1))
    if not found and number > 1:
        last = max(1, math.ceil(count() / per_page))
        return page_of(rows, last, per_page, count=count) if last < number else Page([], number, False)
    return Page(found[:per_page], number, len(found) > per_page)
