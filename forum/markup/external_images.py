"""Images from other sites become a link until the reader asks for them.

A picture hotlinked from another host would send every reader's address and browser to that
host as the page loads. So after sanitising, an image whose address is not one of this site's
uploads becomes `<a class="external-image">Image from example.org - show</a>`, a link to the
page that shows that one picture at the reader's request (forum/discussion/views/external_images.py): the
CSP of every other page allows images from this site only. The URL policy has already run, so
what is left in `src` is an address the site would allow.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode, urlsplit

from bleach.html5lib_shim import Filter
from django.urls import reverse

# The only images the site shows straight away: its own uploads (forum/markup/uploads.py).
_OWN_UPLOAD = re.compile(r"^/uploads/[0-9a-f]{64}\.(?:png|jpg|webp|gif)$")


def image_host(src: str) -> str:
    try:
        host = urlsplit(unescape(src).strip()).hostname
    except ValueError:
        host = None
    return host or "another address"


class ExternalImageFilter(Filter):
    def __iter__(self):
        links_open = 0
        for token in super().__iter__():
            kind, name = token["type"], token.get("name")
            if name == "a" and kind == "StartTag":
                links_open += 1
            elif name == "a" and kind == "EndTag":
                links_open = max(0, links_open - 1)
            if not (name == "img" and kind in {"EmptyTag", "StartTag"}):
                yield token
                continue
            attrs = token.get("data") or {}
            src = attrs.get((None, "src"), "")
            if not src or _OWN_UPLOAD.match(src):
                yield token
                continue
            alt = attrs.get((None, "alt"), "")
            host = image_host(src)
            if links_open:
                # Inside a link already: a second link cannot nest, so the picture is named only.
                yield {"type": "Characters", "data": f"{alt or 'Image'} (image from {host})"}
                continue
            query = {"src": unescape(src)} | ({"alt": unescape(alt)} if alt else {})
            href = f"{reverse('forum:external_image')}?{urlencode(query)}"
            link = {(None, "href"): href, (None, "class"): "external-image", (None, "rel"): "nofollow ugc noopener"}
            if alt:
                link[(None, "title")] = alt
            yield {"type": "StartTag", "name": "a", "namespace": token.get("namespace"), "data": link}
            yield {"type": "Characters", "data": f"Image from {host} - show"}
            yield {"type": "EndTag", "name": "a", "namespace": token.get("namespace")}
