"""What must never be found in a page, whatever users typed: the parsed-HTML half of the hostile
markup tests (the browser half traps the calls themselves).

Each check looks at elements as a parser builds them, not at substrings, so escaped text such as
`&lt;script&gt;` (harmless, and expected: it is how a payload is shown back) never counts.
"""

from __future__ import annotations

import re

from tests.parsed_html import parse

DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
# What the site's URL policy allows; any other scheme a browser would read is a problem, so that
# `javascript:123` counts as much as `javascript:alert(1)`. (Worked out here independently of
# forum/markup/url_policy.py, from how a browser parses a URL.)
ALLOWED_SCHEMES = ("http", "https", "mailto")
_BROWSER_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
# Every attribute a browser follows or loads as a URL.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "data",
                  "longdesc", "ping", "cite", "srcset", "codebase", "dynsrc", "lowsrc"}
# Tags that load or run something, or change how the page is read, and that no template uses.
# (Templates do draw inline SVG icons, so <svg> itself is allowed; what could make an SVG load or
# run something is not.)
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "math",
                  "style", "noscript", "template", "xmp", "plaintext", "noembed", "noframes", "marquee",
                  "video", "audio", "source", "picture", "foreignobject", "use", "animate", "set",
                  "animatetransform", "animatemotion", "image", "feimage", "maction", "annotation-xml"}
_CSS_URL = re.compile(r"url\s*\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
# Browsers drop ASCII tab and newline anywhere in a URL, and C0 controls and spaces around it.
_URL_IGNORED = re.compile(r"[\t\n\r]")
_URL_LEADING = re.compile(r"^[\x00-\x20]+")


def url_scheme_is_dangerous(value: str | None) -> bool:
    if not value:
        return False
    url = _URL_LEADING.sub("", _URL_IGNORED.sub("", value)).lower()
    scheme = _BROWSER_SCHEME.match(url)
    return url.startswith(DANGEROUS_SCHEMES) or bool(scheme and scheme.group(1) not in ALLOWED_SCHEMES)


def _is_same_site_path(value: str | None) -> bool:
    return not value or (value.startswith("/") and not value.startswith("//") and "\\" not in value)


def problems_in(html: str | bytes) -> list[str]:
    """Everything in a page that could run script or load from elsewhere; empty when safe."""
    found = []
    for element in parse(html).elements:
        tag, attrs = element.tag, element.attrs
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs.items())[:200]}>"
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"event handler {name} on {where}")
            if name in URL_ATTRIBUTES and url_scheme_is_dangerous(value):
                found.append(f"dangerous URL in {name} on {where}")
            if name == "srcset" and value and any(url_scheme_is_dangerous(part) for part in value.split(",")):
                found.append(f"dangerous URL in srcset on {where}")
            if name == "style":
                found.append(f"style attribute on {where}")
                if any(url_scheme_is_dangerous(url) for url in _CSS_URL.findall(value or "")):
                    found.append(f"dangerous url() in style on {where}")
            if name in {"formaction", "srcdoc"}:
                found.append(f"{name} on {where}")
        if tag == "script":
            if not (attrs.get("src") or "").startswith("/static/js/"):
                found.append(f"script that is not one of our static files: {where}")
            if element.text.strip():
                found.append(f"inline script: {where} {element.text[:80]!r}")
        if tag in FORBIDDEN_TAGS:
            found.append(f"forbidden element {where}")
        if tag == "form" and not _is_same_site_path(attrs.get("action")):
            found.append(f"form posting elsewhere: {where}")
        if tag == "meta" and "http-equiv" in attrs:
            found.append(f"meta http-equiv: {where}")
        if tag == "link" and not _is_same_site_path(attrs.get("href")):
            found.append(f"link to another site: {where}")
    return found


def assert_safe(html: str | bytes, *, context: str) -> None:
    found = problems_in(html)
    assert not found, f"{context}: {len(found)} problem(s):\n  " + "\n  ".join(found[:20])
