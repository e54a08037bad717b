"""URLs of one shape filled in by string formatting, from a pattern reversed once.

A 100-post topic page links every post to its author, its permalink and up to eight actions;
a topic list links every topic, its category and its last poster. Reversing each link through
the URL resolver cost more than the rest of the page. A `UrlPattern` reverses its URL once, with
stand-ins for the parts that vary, and then only formats: for the numbers, slugs and usernames
these URLs take (digits; letters, digits, `_ . -`: see accounts.models.username_validator and
Django's slug converter) that gives exactly what `reverse()` gives, since none of those
characters is ever quoted in a path.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.urls import NoReverseMatch, get_script_prefix, reverse

# Stand-ins no real argument equals, each found exactly once in the reversed URL.
_STAND_INS = {int: (987654321, 987654322, 987654323), str: ("zstandinz1", "zstandinz2", "zstandinz3")}


class UrlPattern:
    """`UrlPattern("forum:post_vote", int)(42)` == `reverse("forum:post_vote", args=[42])`.
    Arguments given as a type (`int`, `str`) vary; others are fixed: `UrlPattern("forum:reply", 7)()`."""

    def __init__(self, name: str, *args):
        reversed_args, stand_ins, used = [], [], {int: 0, str: 0}
        for arg in args:
            if arg is int or arg is str:
                stand_in = _STAND_INS[arg][used[arg]]
                used[arg] += 1
                stand_ins.append(str(stand_in))
                reversed_args.append(stand_in)
            else:
                reversed_args.append(arg)
        rest = reverse(name, args=reversed_args)
        self._heads: list[str] = []
        for stand_in in stand_ins:
            head, rest = rest.split(stand_in)
            self._heads.append(head)
        self._tail = rest
        # One str.format call: "/p/{}/vote/", braces in the fixed parts doubled.
        self._arity = len(self._heads)
        self._format = "".join(_literal(head) + "{}" for head in self._heads) + _literal(self._tail)

    def __call__(self, *values) -> str:
        if len(values) != self._arity:
            raise TypeError(f"{self._arity} values expected, {len(values)} given")
        return self._format.format(*values)


def _literal(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


@lru_cache(maxsize=256)
def _url_pattern(prefix: str, name: str, args: tuple) -> UrlPattern | None:
    try:
        return UrlPattern(name, *args)
    except NoReverseMatch:
        # A URL whose converter refuses the stand-ins (a fixed choice, say): not formattable.
        return None


# Path characters reverse() never quotes: the slugs and usernames these URLs carry.
_UNQUOTED = re.compile(r"[A-Za-z0-9_.\-]+\Z")


def fast_reverse(name: str, *args) -> str:
    """`reverse(name, args=args)`, formatted from a cached pattern when every argument is a
    number or a path-safe string (slugs, usernames), through the resolver otherwise."""
    return _reverse(get_script_prefix(), name, args)


def page_reverse():
    """`fast_reverse` for one page or response: the script prefix (a context-local look-up, as
    costly as the formatting) is read once, not for each of a topic page's hundreds of links."""
    prefix = get_script_prefix()

    def url(name: str, *args) -> str:
        return _reverse(prefix, name, args)

    return url


def _reverse(prefix: str, name: str, args: tuple) -> str:
    for arg in args:
        if not (type(arg) is int or (type(arg) is str and _UNQUOTED.match(arg))):
            return reverse(name, args=args)
    pattern = _url_pattern(prefix, name, tuple([type(arg) for arg in args]))
    if pattern is None:
        return reverse(name, args=args)
    return pattern(*args)
