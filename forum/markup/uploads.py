"""`upload://<name>` in an image or link: a file uploaded to this site (forum/uploads/storing.py).

The address is swapped for the site's own serving URL before sanitising, and only for names
the resolver knows, so the URL policy (url_policy.py) never has to allow an `upload:` scheme:
an unknown name keeps `upload://…`, which the policy refuses like any other unknown scheme
(the image then shows its alt text, the link its text).

A large picture has a thumbnail: the post shows the thumbnail inside a link to the full size,
which opens as a plain link without JavaScript and in a lightbox with it (static/js/uploads.js).
Uploads from before thumbnails existed, and small ones, show the file itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from xml.etree import ElementTree

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

UPLOAD_PREFIX = "upload://"



@dataclass(frozen=True)
class ResolvedUpload:
    url: str
    width: int | None = None
    height: int | None = None
    thumbnail_url: str | None = None
    thumbnail_width: int | None = None
    thumbnail_height: int | None = None


# name -> where it is served (a URL alone will do), None when unknown
UploadResolver = Callable[[str], "ResolvedUpload | str | None"]

_ATTRIBUTE = {"img": "src", "a": "href"}


class _UploadTreeprocessor(Treeprocessor):
    def __init__(self, md, extension):
        super().__init__(md)
        self.extension = extension

    def run(self, root):
        parents = {child: parent for parent in root.iter() for child in parent}
        for element in list(root.iter()):
            attribute = _ATTRIBUTE.get(element.tag)
            if attribute is None:
                continue
            value = (element.get(attribute) or "").strip()
            if not value.startswith(UPLOAD_PREFIX) or self.extension.resolver is None:
                continue
            name = value[len(UPLOAD_PREFIX):]
            found = self.extension.resolver(name)
            if found is None:
                continue
            resolved = ResolvedUpload(url=found) if isinstance(found, str) else found
            if name not in self.extension.used:
                self.extension.used.append(name)
            if element.tag == "a":
                element.set("href", resolved.url)
                continue
            if resolved.thumbnail_url:
                element.set("src", resolved.thumbnail_url)
                _set_size(element, resolved.thumbnail_width, resolved.thumbnail_height)
                if not _inside_link(element, parents):
                    _wrap_in_link(element, parents, resolved.url)
            else:
                element.set("src", resolved.url)
                _set_size(element, resolved.width, resolved.height)


def _set_size(image, width, height) -> None:
    # The space is kept while the picture loads, so the text below does not jump.
    if width and height:
        image.set("width", str(width))
        image.set("height", str(height))


def _inside_link(element, parents) -> bool:
    while (element := parents.get(element)) is not None:
        if element.tag == "a":
            return True
    return False


def _wrap_in_link(image, parents, href: str) -> None:
    parent = parents[image]
    link = ElementTree.Element("a", {"href": href})
    link.tail, image.tail = image.tail, None
    parent.insert(list(parent).index(image), link)
    parent.remove(image)
    link.append(image)
    parents[link], parents[image] = parent, link


class UploadExtension(Extension):
    def __init__(self, *, resolver: UploadResolver | None, used: list[str]):
        super().__init__()
        self.resolver = resolver
        self.used = used

    def extendMarkdown(self, md):
        # After the inline patterns (20) have made the <img> and <a> elements.
        md.treeprocessors.register(_UploadTreeprocessor(md, self), "uploads", 5)
