"""The one URL policy: which addresses may sit in an attribute a browser follows or loads.

Every URL the site renders from something a person or a bibliographic source supplied passes
`url_allowed` - links and images in posts and bios (after bleach, see sanitize.py), the links our
own markup emits (quote sources, citation chips, mentions) and a study's publisher URL. A URL
passes when it is relative or its scheme is in ALLOWED_SCHEMES; anything else with a scheme is
refused, and the caller drops the attribute and keeps the text.

The scheme is worked out the way a browser would find it, and then more suspiciously: character
references are decoded (twice, so `&amp;#106;` counts too), whitespace, control and invisible
format characters are removed wherever they stand (browsers drop tabs and newlines anywhere and
controls at the ends), percent-escapes are decoded and compatibility forms folded (a full-width
colon is a colon here). Whatever then comes before the first colon, if no `/`, `?` or `#` comes
earlier, is the scheme. Bleach's own check reads `javascript:123` as a host and port with no
scheme, which is why this runs after it rather than trusting it.
"""

from __future__ import annotations

import re
import unicodedata
from html import escape, unescape
from urllib.parse import unquote

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})

# Attributes a browser follows or loads as a URL (a few only exist in old browsers: they are
# refused by the sanitiser anyway, and listed so this stays the one list).
URL_ATTRIBUTES = frozenset({
    "href", "src", "cite", "action", "formaction", "poster", "background", "data", "longdesc", "ping",
    "srcset", "codebase", "dynsrc", "lowsrc", "usemap", "manifest", "icon", "profile", "classid", "archive",
    "xlink:href",
})

# Whitespace, C0/C1 controls and the invisible format characters (zero-width, bidirectional
# controls, BOM, soft hyphen): none of them can be part of a scheme a browser honours, and each
# has been used to hide one from a filter.
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]+")
_SCHEME = re.compile(r"^([^/?#]*):")


def url_scheme(url: str) -> str | None:
    """The scheme a browser could read in `url` (lowercase), or None for a relative URL."""
    text = unescape(unescape(url or ""))
    for _ in range(3):  # %256A -> %6A -> j; three rounds cover what any real link needs
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    match = _SCHEME.match(text)
    return match.group(1).lower() if match else None


def url_allowed(url: str) -> bool:
    scheme = url_scheme(url)
    return scheme is None or scheme in ALLOWED_SCHEMES


def checked_url(url: str) -> str:
    """`url` if the policy allows it, else "" (for values stored or sent out as data)."""
    return url if url_allowed(url) else ""


def href_attribute(url: str) -> str:
    """` href="…"` for our own markup, or nothing when the policy refuses the URL: the link then
    renders as its text."""
    return f' href="{escape(url)}"' if url and url_allowed(url) else ""
