"""The parts of a shared page that belong to one reader, marked so they can be taken out and put back.

A members' topic page is rendered once for every member of the same kind and stored
(forum/caching/member_pages.py); what only this member sees (their name and bell, their watch
level, their draft, their own posts' controls) sits between slot markers. Splitting the
rendered page at the markers gives a skeleton of shared text and named slots; filling it puts
this reader's parts back and drops the markers, so no marker ever reaches a browser.

The markers and the CSRF placeholder are derived from SECRET_KEY: every worker process reads the
same stored skeleton and fragments, and nobody who can post text can forge a marker or a
placeholder into a post (their text would otherwise be cut out of the page, or carry a token).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import cache

from django.conf import settings


@cache
def _secret(purpose: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), purpose.encode(), hashlib.sha256).hexdigest()[:24]


def csrf_placeholder() -> str:
    """Stands for the reader's CSRF token in HTML shared between readers; swapped on the way out."""
    return "csrf-" + _secret("csrf-placeholder")


def submit_token_placeholder() -> str:
    """Stands for a composer's one-time submit token (forum/discussion/submissions.py) in HTML
    shared between readers: each page served gets a fresh one, or two tabs would be one submit."""
    return "submit-" + _secret("submit-token-placeholder")


def _marker() -> str:
    return "slot-" + _secret("personal-slot")


def slot_wrap(name: str, content: str) -> str:
    marker = _marker()
    return f"<!--{marker}:{name}-->{content}<!--/{marker}:{name}-->"


_SLOT_NAME = re.compile(r"[\w:.-]+")


def slots_split(html: str) -> tuple[list, dict[str, str]]:
    """(skeleton, contents): the skeleton is a list of shared text and ("slot name", rendered
    content) pairs in page order; `contents` maps each slot name to what this render put there."""
    # Found with str.find, not a regular expression: a slot holds most of a page (its posts), and
    # a lazy `(.*?)` up to the closing marker stepped through it a character at a time (0.7 ms
    # of a member's page).
    marker = _marker()
    opening = f"<!--{marker}:"
    skeleton, contents, position, search = [], {}, 0, 0
    while (start := html.find(opening, search)) != -1:
        name_end = html.find("-->", start + len(opening))
        name = html[start + len(opening):name_end] if name_end != -1 else ""
        closing = f"<!--/{marker}:{name}-->"
        end = html.find(closing, name_end + 3) if _SLOT_NAME.fullmatch(name) else -1
        if end == -1:  # not a slot: look on from the next character, as for any other text
            search = start + 1
            continue
        skeleton.append(html[position:start])
        skeleton.append((name, content := html[name_end + 3:end]))
        contents[name] = content
        position = search = end + len(closing)
    skeleton.append(html[position:])
    return skeleton, contents


def slots_fill(skeleton: list, values: dict[str, str]) -> str:
    """The page with each slot holding `values[name]`, or what it held when stored."""
    return "".join(part if isinstance(part, str) else values.get(part[0], part[1]) for part in skeleton)


def skeleton_without(skeleton: list, names) -> list:
    """The skeleton to store: the named slots emptied (they are filled for every reader anyway,
    and what they held belongs to the reader who rendered it)."""
    names = set(names)
    return [(part[0], "") if not isinstance(part, str) and part[0] in names else part for part in skeleton]
