"""A Discourse post's HTML (`cooked`) made back into Markdown, for posts that came without `raw`.

Discourse leaves `raw` out of some responses (and some saved exports never had it). Stripping the
tags lost images, link targets and the breaks between blocks, so quotes of such a post no longer
matched it. markdownify does the general work (links, images, lists, code, emphasis); this
module teaches it Discourse's own shapes: its quote boxes become `[quote=...]` again (so they
are checked like any other), mentions become `@name`, lightbox wrappers and onebox previews
become plain images and links, and addresses on the site are made absolute.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from markdownify import MarkdownConverter

_SIZE_SUFFIX = re.compile(r"\|\d+x\d+(?:,\s*\d+%)?$")


class _DiscourseConverter(MarkdownConverter):
    def __init__(self, *, base_url: str, **options):
        self.base_url = base_url.rstrip("/") + "/" if base_url else ""
        super().__init__(heading_style="ATX", bullets="*", code_language_callback=_code_language, **options)

    def _absolute(self, address: str) -> str:
        if self.base_url and address.startswith("/") and not address.startswith("//"):
            return urljoin(self.base_url, address)
        return address

    def convert_a(self, el, text, parent_tags):
        classes = el.get("class") or []
        if "mention" in classes:
            return text
        if "lightbox" in classes:  # the image inside says it all; the link is to its full size
            return text
        if el.get("href"):
            el["href"] = self._absolute(el["href"])
        return super().convert_a(el, text, parent_tags)

    def convert_img(self, el, text, parent_tags):
        if "emoji" in (el.get("class") or []):
            return el.get("alt") or ""  # :smile: reads as it was written
        if el.get("src"):
            el["src"] = self._absolute(el["src"])
        if el.get("alt"):
            el["alt"] = _SIZE_SUFFIX.sub("", el["alt"])
        return super().convert_img(el, text, parent_tags)

    def convert_aside(self, el, text, parent_tags):
        classes = el.get("class") or []
        if "quote" in classes:
            quote = el.find("blockquote")
            body = "" if quote is None else "".join(
                self.process_element(child, parent_tags) for child in quote.children).strip()
            attributes = [el.get("data-username") or ""]
            if el.get("data-post") and el.get("data-topic"):
                attributes += [f"post:{el['data-post']}", f"topic:{el['data-topic']}"]
            if el.get("data-full") == "true":
                attributes.append("full:true")
            return f'\n\n[quote="{", ".join(a for a in attributes if a)}"]\n{body}\n[/quote]\n\n'
        if "onebox" in classes:  # a preview of a linked page: the link is what was written
            address = el.get("data-onebox-src") or (el.find("a", href=True) or {}).get("href")
            return f"\n\n<{self._absolute(address)}>\n\n" if address else text
        return text

    def convert_details(self, el, text, parent_tags):
        summary = el.find("summary")
        title = summary.get_text(" ", strip=True) if summary is not None else ""
        body = "".join(self.process_element(child, parent_tags) for child in el.children
                       if getattr(child, "name", None) != "summary").strip()
        return f"\n\n**{title}**\n\n{body}\n\n" if title else f"\n\n{body}\n\n"


def _code_language(el):
    for name in el.get("class") or []:
        if name.startswith("lang-") and name != "lang-auto":
            return name.removeprefix("lang-")
    code = el.find("code")
    if code is not None:
        for name in code.get("class") or []:
            if name.startswith("lang-") and name != "lang-auto":
                return name.removeprefix("lang-")
    return None


def cooked_to_markdown(cooked: str, *, base_url: str = "") -> str:
    markdown = _DiscourseConverter(base_url=base_url).convert(cooked or "")
    return re.sub(r"\n{3,}", "\n\n", markdown).strip()
