"""Reading rendered HTML as elements, so tests assert on what a browser would build rather than
on substrings that happen to appear somewhere in the markup."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""
    children: list["Element"] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)

    def descendants(self) -> list["Element"]:
        found = []
        for child in self.children:
            found.append(child)
            found.extend(child.descendants())
        return found


class ParsedHTML(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self._text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        if self._open:
            self._open[-1].children.append(element)
        self.elements.append(element)
        if tag not in _VOID:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self._open.pop()

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                return

    def handle_data(self, data):
        for element in self._open:
            element.text += data
        self._text.append(data)

    @property
    def text(self) -> str:
        """All text a reader would see, whitespace collapsed."""
        return " ".join("".join(self._text).split())

    @property
    def tags(self) -> set[str]:
        return {element.tag for element in self.elements}

    def find_all(self, tag: str | None = None, *, class_: str | None = None, **attrs) -> list[Element]:
        return [
            element for element in self.elements
            if (tag is None or element.tag == tag)
            and (class_ is None or class_ in element.classes)
            and all(element.attrs.get(name.rstrip("_")) == value for name, value in attrs.items())
        ]

    def find(self, tag: str | None = None, *, class_: str | None = None, **attrs) -> Element:
        found = self.find_all(tag, class_=class_, **attrs)
        assert len(found) == 1, f"expected one <{tag or '*'}> (class={class_}, {attrs}), found {len(found)}"
        return found[0]


def parse(html: str | bytes) -> ParsedHTML:
    if isinstance(html, bytes):
        html = html.decode()
    return ParsedHTML(html)
