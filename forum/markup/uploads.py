"""`upload://<name>` in an image or link: a file uploaded to this site (forum/services/uploads.py).

The address is swapped for the site's own serving URL before sanitising, and only for names
the resolver knows, so the URL policy (url_policy.py) never has to allow an `upload:` scheme:
an unknown name keeps `upload://…`, which the policy refuses like any other unknown scheme
(the image then shows its alt text, the link its text).
"""

from __future__ import annotations

from typing import Callable

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

UPLOAD_PREFIX = "upload://"

UploadResolver = Callable[[str], "str | None"]  # name -> serving URL, None when unknown

_ATTRIBUTE = {"img": "src", "a": "href"}


class _UploadTreeprocessor(Treeprocessor):
    def __init__(self, md, extension):
        super().__init__(md)
        self.extension = extension

    def run(self, root):
        for element in root.iter():
            attribute = _ATTRIBUTE.get(element.tag)
            if attribute is None:
                continue
            value = (element.get(attribute) or "").strip()
            if not value.startswith(UPLOAD_PREFIX) or self.extension.resolver is None:
                continue
            name = value[len(UPLOAD_PREFIX):]
            url = self.extension.resolver(name)
            if url is None:
                continue
            element.set(attribute, url)
            if name not in self.extension.used:
                self.extension.used.append(name)


class UploadExtension(Extension):
    def __init__(self, *, resolver: UploadResolver | None, used: list[str]):
        super().__init__()
        self.resolver = resolver
        self.used = used

    def extendMarkdown(self, md):
        # After the inline patterns (20) have made the <img> and <a> elements.
        md.treeprocessors.register(_UploadTreeprocessor(md, self), "uploads", 5)
