"""Turn the markup that sources put in titles, names and abstracts into clean plain text.

Crossref titles carry HTML (`<i>`, `<sub>`) and entities; abstracts are JATS XML fragments with
undeclared `jats:` prefixes; some records escape their markup twice. The output is plain text
with no tags at all (script and style contents are dropped), which templates then escape.
"""

from __future__ import annotations

import html
import re
from html.entities import name2codepoint

from lxml import etree

from forum.common.per_thread import per_thread

_DROP_CONTENT = {"script", "style", "object", "iframe", "noscript", "template", "head"}
_BLOCKS = {
    "p",
    "sec",
    "div",
    "list",
    "list-item",
    "li",
    "ul",
    "ol",
    "disp-quote",
    "blockquote",
    "def-list",
    "def-item",
    "table-wrap",
    "fig",
    "boxed-text",
    "br",
    "abstract",
    "trans-abstract",
}
_HEADINGS = {"title", "h1", "h2", "h3", "h4", "h5", "h6", "label"}
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_PREFIXED_TAG_RE = re.compile(r"<(/?)[A-Za-z][\w.-]*:(?=[A-Za-z])")
_ENTITY_RE = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_BARE_AMPERSAND_RE = re.compile(r"&(?!#\d+;|#x[0-9A-Fa-f]+;|[A-Za-z][A-Za-z0-9]*;)")
_STRAY_LT_RE = re.compile(r"<(?![A-Za-z/!?])")
_TAG_LIKE_RE = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b\ue000-\uf8ff]")
# Private-use characters mark structure while walking the tree; input is scrubbed of them first.
_TITLE_JOIN = "\ue001"
_PARAGRAPH = "\ue002"
_parser = per_thread(lambda: etree.XMLParser(
    recover=True, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
))


def _numeric_entities(text: str) -> str:
    # HTML entities (&nbsp;, &eacute;) are undefined in XML; turn them into character references
    # so the XML parser keeps them instead of dropping them.
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _XML_ENTITIES:
            return match.group(0)
        codepoint = name2codepoint.get(name)
        return f"&#{codepoint};" if codepoint else f"&amp;{name};"

    return _ENTITY_RE.sub(replace, text)


_OPEN_TAG_RE = re.compile(r"<[A-Za-z][^<>]*>")
_UNQUOTED_VALUE_RE = re.compile(r"""(\s[\w.-]+\s*=\s*)([^\s"'>/][^\s"'>]*)""")


def _quote_attributes(match: re.Match[str]) -> str:
    # Escaped markup is usually HTML (`<iframe src=x>`), which XML cannot read unquoted.
    return _UNQUOTED_VALUE_RE.sub(r'\1"\2"', match.group(0))


def _parse_fragment(markup: str) -> etree._Element | None:
    text = _PREFIXED_TAG_RE.sub(r"<\1", markup)
    text = _numeric_entities(_BARE_AMPERSAND_RE.sub("&amp;", text))
    text = _STRAY_LT_RE.sub("&lt;", text)
    text = re.sub(r"<!DOCTYPE[^>]*>|<\?xml[^>]*\?>", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\s[A-Za-z][\w.-]*:[\w.-]+\s*=", " x-attr=", text)  # xlink:href= etc.
    text = _OPEN_TAG_RE.sub(_quote_attributes, text)
    try:
        return etree.fromstring(f"<root>{text}</root>".encode(), _parser())
    except etree.XMLSyntaxError:
        return None


def _local_name(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):  # comments, processing instructions
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _walk(element: etree._Element, out: list[str]) -> None:
    name = _local_name(element)
    if name in _DROP_CONTENT or not isinstance(element.tag, str):
        if element.tail:
            out.append(element.tail)
        return
    block = name in _BLOCKS
    heading = name in _HEADINGS
    if block or heading:
        out.append(_PARAGRAPH)
    if heading:
        heading_text = " ".join("".join(_text_only(element)).split())
        if heading_text and heading_text.lower().rstrip(":.") not in ("abstract", "summary"):
            out.append(heading_text + _TITLE_JOIN)
    else:
        if element.text:
            out.append(element.text)
        for child in element:
            _walk(child, out)
    if block or heading:
        out.append(_PARAGRAPH)
    if element.tail:
        out.append(element.tail)


def _text_only(element: etree._Element) -> list[str]:
    parts: list[str] = []
    if _local_name(element) in _DROP_CONTENT:
        return parts
    if element.text:
        parts.append(element.text)
    for child in element:
        parts.extend(_text_only(child))
        if child.tail:
            parts.append(child.tail)
    return parts


def _strip_tags_once(markup: str) -> list[str]:
    markup = _CONTROL_RE.sub("", markup)
    root = _parse_fragment(markup)
    if root is None:
        # Unparseable even in recovery mode: fall back to removing anything tag-shaped.
        return [_TAG_LIKE_RE.sub(" ", html.unescape(markup))]
    out: list[str] = []
    _walk(root, out)
    return out


def _paragraphs(pieces: list[str]) -> list[str]:
    paragraphs: list[str] = []
    pending_heading = ""
    for chunk in "".join(pieces).split(_PARAGRAPH):
        if _TITLE_JOIN in chunk:
            heading, _, rest = chunk.partition(_TITLE_JOIN)
            if pending_heading:
                paragraphs.append(pending_heading)
            pending_heading = " ".join(heading.split())
            chunk = rest
        text = " ".join(chunk.split())
        if not text:
            continue
        if pending_heading:
            separator = " " if pending_heading.endswith((":", ".", "?")) else ": "
            text = f"{pending_heading}{separator}{text}"
            pending_heading = ""
        paragraphs.append(text)
    if pending_heading:
        paragraphs.append(pending_heading)
    return paragraphs


def _still_has_markup(text: str) -> bool:
    return bool(
        _TAG_LIKE_RE.search(text) or re.search(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", text, re.I)
    )


def _one_line(markup: str) -> str:
    return " ".join(_paragraphs(_strip_tags_once(markup)))


def markup_to_text(markup: str | None) -> str:
    """One line of plain text from a title, name or journal that may contain markup/entities.

    Inline tags vanish without a trace ("<i>KRAS</i>/<i>NRAS</i>" reads "KRAS/NRAS"). A record
    that escaped its markup (`&lt;i&gt;`) still holds tags after the first reading: that text
    is markup too and is read once more, the same way. Never a third time: what is left then
    is what the source wrote, so `&amp;amp;lt;` is not decoded down to "<".
    """
    if not markup:
        return ""
    text = _one_line(str(markup))
    return _one_line(text) if _still_has_markup(text) else text


def jats_to_text(jats: str | None) -> str:
    """Plain-text paragraphs (separated by a blank line) from a JATS or HTML abstract.

    A leading "Abstract" heading is dropped; section headings are joined to their first
    paragraph ("Methods: …"), as printed abstracts read.
    """
    if not jats:
        return ""
    paragraphs = _paragraphs(_strip_tags_once(str(jats)))
    # Escaped markup (`&lt;p&gt;`) is read once more, as in markup_to_text.
    reread = [_paragraphs(_strip_tags_once(p)) if _still_has_markup(p) else [p] for p in paragraphs]
    return "\n\n".join(p for group in reread for p in group if p)
