"""The one place user HTML is sanitised. Everything rendered from user text passes here.

The allowlist covers what our markdown produces (paragraphs, emphasis, lists, code, tables,
footnotes, quotes, links, images). Anything else - scripts, styles, event handlers, iframes,
forms - is stripped or escaped. Every URL left in an attribute then passes the one URL policy
(url_policy.py): an address with a scheme outside its allowlist loses its attribute and the link
keeps its text. Links get `rel="nofollow ugc noopener"` because they are user content, and bare
URLs are linked here (outside code) so markdown needs no extension for it.
"""

import re
from functools import partial

import bleach
from bleach.html5lib_shim import Filter
from bleach.linkifier import LinkifyFilter

from forum.common.per_thread import per_thread

from .external_images import ExternalImageFilter
from .url_policy import URL_ATTRIBUTES, url_allowed

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p",
    "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
})

# Bleach's own scheme check, kept as a first pass; UrlPolicyFilter below has the last word.
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Class names our own markdown extensions emit; user-written classes could restyle the page.
# (Quote asides are added after sanitising, see pipeline.py, so they need no allowance here.)
_ALLOWED_CLASS = re.compile(r"^(language-[A-Za-z0-9_+-]{1,30}|footnote|footnote-ref|footnote-backref)$")
_FOOTNOTE_ID = re.compile(r"^(fn|fnref)-[0-9a-f]{8}-[A-Za-z0-9_-]{1,40}$")
_FOOTNOTE_HREF = re.compile(r"^#(fn|fnref)-[0-9a-f]{8}-[A-Za-z0-9_-]{1,40}$")


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if name == "class":
        return all(_ALLOWED_CLASS.match(part) for part in value.split())
    if name == "id":
        return tag in {"li", "sup"} and bool(_FOOTNOTE_ID.match(value))
    if tag == "a":
        if name == "href":
            return True  # the scheme is checked afterwards, by bleach and then by UrlPolicyFilter
        return name in {"title", "rel"}
    if tag == "img":
        return name in {"src", "alt", "title", "width", "height"}
    if tag in {"td", "th"}:
        return name == "align" and value in {"left", "right", "center"}
    if tag == "ol":
        return name == "start" and value.isdigit()
    return False


def _link_rel(attrs, new=False):
    href_key = (None, "href")
    href = attrs.get(href_key, "")
    if href.startswith("#") and _FOOTNOTE_HREF.match(href):
        attrs.pop((None, "rel"), None)
        return attrs
    attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


class UrlPolicyFilter(Filter):
    """Drops every URL attribute the policy refuses. It runs on the sanitised token stream, after
    linkifying, so it also sees the links bleach made; attribute values there still hold their
    character references, which the policy decodes as a browser would."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in {"StartTag", "EmptyTag"} and token.get("data"):
                for key in [key for key in token["data"] if _attribute_name(key) in URL_ATTRIBUTES]:
                    if not url_allowed(token["data"][key]):
                        del token["data"][key]
            yield token


def _attribute_name(key) -> str:
    namespace, name = key if isinstance(key, tuple) else (None, key)
    return f"xlink:{name}" if namespace and namespace.endswith("xlink") else name.lower()


# One allowlist, one cleaner per thread: bleach says a Cleaner must not be shared between threads.
_cleaner = per_thread(lambda: bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allow_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_link_rel], skip_tags={"pre", "code"}, parse_email=False),
             UrlPolicyFilter, ExternalImageFilter],
))


def sanitize(html: str) -> str:
    return _cleaner().clean(html)
