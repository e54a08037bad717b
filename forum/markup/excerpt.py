"""The one excerpt of a post, wherever its words are shown outside the post itself: the accepted
answer's card, the review queue and flag pages, notification mails and digests, search results,
feeds and the API.

It is read from the cooked HTML, not the raw text: the pipeline has already decided what is a
quote, a citation or a code span, and a second reading of the markup by regular expressions is how
`[@doi:10.1111/… supports]` and `[quote="lena, post:1, topic:1"]` reached people before. A citation
chip becomes one label the caller chooses (the topic's "[3]" beside the topic, the study's short
name where no topic numbering applies), a quote becomes `quoting lena: “…”`, and the reference list,
footnotes and hover cards, which repeat what the text already says, are left out.

The text is cut at a word boundary, with "…" where words were left out. A citation is one unit
that is never cut in half; given a study (a flag about one citation) or words (a search's matches),
the window is centred on the first place they occur, so the excerpt shows what it is shown for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

from lxml import etree
from lxml import html as lxml_html

ELLIPSIS = "…"
# Elements whose start and end separate words, as a browser lays them out.
_BLOCKS = frozenset({
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "pre", "blockquote", "table", "thead", "tbody", "tr",
    "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "br", "aside", "section",
})
_UNRESOLVED_VALUE = re.compile(r"\[@(?:(doi|pmid)\s*:\s*)?([^\]\s]{1,250})", re.IGNORECASE)
_DOI_LINK = re.compile(r"doi\.org/(10\.\S+)", re.IGNORECASE)
# Punctuation a cut leaves dangling before "…".
_DANGLING = ",;:–—-(“\"'"

# study id -> its label in this excerpt ("[3]", "[Bested 2023]"), or None for the post's own number.
CitationLabel = Callable[[int], "str | None"]


@dataclass(frozen=True)
class _Word:
    text: str
    space_before: bool
    study_id: int | None = None


class _Reader:
    """Walks the cooked tree into words, each knowing whether a space comes before it."""

    def __init__(self, label_for: CitationLabel | None):
        self.label_for = label_for
        self.words: list[_Word] = []
        self.space = False

    def text(self, text: str | None) -> None:
        if not text:
            return
        for match in re.finditer(r"\S+", text):
            gap = match.start() > 0 or self.space
            self.words.append(_Word(match.group(), gap and bool(self.words)))
            self.space = False
        self.space = text[-1].isspace()

    def glued(self, text: str) -> None:
        """Punctuation of our own that sticks to the word before it (a closing quotation mark)."""
        if self.words:
            last = self.words[-1]
            self.words[-1] = _Word(last.text + text, last.space_before, last.study_id)
        self.space = False

    def unit(self, text: str, study_id: int | None) -> None:
        self.words.append(_Word(text, self.space and bool(self.words), study_id))
        self.space = False

    def gap(self) -> None:
        self.space = True

    def element(self, element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        classes = set((element.get("class") or "").split())
        if not tag:  # a comment or processing instruction: only its tail is text
            pass
        elif tag == "section" and "references" in classes or "footnote" in classes:
            pass  # the reference list and footnotes repeat what the text already says
        elif tag == "sup" and element.find(".//a[@class='footnote-ref']") is not None:
            pass
        elif tag == "span" and "cite" in classes:
            self.citation(element)
        elif tag == "aside" and "quote" in classes:
            self.quote(element, classes)
        elif tag == "a" and "external-image" in classes:
            self.gap()
            self.text("[image]")  # an outside picture held back until asked for
            self.gap()
        elif tag == "img":
            alt = " ".join((element.get("alt") or "").split())
            self.gap()
            self.text(f"[image: {alt}]" if alt else "[image]")
            self.gap()
        else:
            block = tag in _BLOCKS
            if block:
                self.gap()
            self.text(element.text)
            for child in element:
                self.element(child)
            if block:
                self.gap()
        self.text(element.tail)

    def citation(self, element) -> None:
        number = element.find(".//span[@class='cite__n']")
        study = (number.get("data-study") or "") if number is not None else ""
        study_id = int(study) if study.isdigit() else None
        label = self.label_for(study_id) if (study_id is not None and self.label_for) else None
        if label is None and number is not None and number.text and element.find(".//a") is not None:
            label = f"[{number.text}]"  # a resolved chip, read without a label: the post's own number
        if label is None:
            label = _identifier_label(element.get("data-cite") or "")
        self.unit(label, study_id)

    def quote(self, element, classes: set[str]) -> None:
        if "quote--study" in classes:
            lead = "quoting a study's abstract:"
        elif element.get("data-username"):
            lead = f"quoting {element.get('data-username')}:"
        else:
            lead = "quoting:"
        self.gap()
        self.text(lead)
        self.space = True
        body = element.find("blockquote")
        before = len(self.words)
        if body is not None:
            self.text("“")
            self.space = False
            self.text(body.text)
            for child in body:
                self.element(child)
            if len(self.words) > before + 1:
                self.glued("”")
                self._open_quote(before)
            else:
                del self.words[before:]  # an empty quote says nothing
        self.gap()

    def _open_quote(self, at: int) -> None:
        # The opening mark was its own word: join it to the quote's first word.
        mark, first = self.words[at], self.words[at + 1]
        self.words[at:at + 2] = [_Word(mark.text + first.text, mark.space_before, first.study_id)]


def _identifier_label(typed: str) -> str:
    """A citation the site could not (yet) name, as the reader would recognise it: its DOI, PMID or key."""
    if found := _UNRESOLVED_VALUE.match(typed):
        return f"[PMID {found.group(2)}]" if (found.group(1) or "").lower() == "pmid" else f"[{found.group(2)}]"
    found = _DOI_LINK.search(typed)
    return f"[{found.group(1)}]" if found else "[reference]"


def _words(cooked: str, label_for: CitationLabel | None) -> list[_Word]:
    if not (cooked or "").strip():
        return []
    try:
        root = lxml_html.fragment_fromstring(cooked, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    reader = _Reader(label_for)
    reader.text(root.text)
    for child in root:
        reader.element(child)
    return reader.words


def _joined(words: list[_Word]) -> str:
    return "".join((" " if word.space_before and index else "") + word.text for index, word in enumerate(words))


def _length(word: _Word) -> int:
    return len(word.text) + (1 if word.space_before else 0)


def _focus_index(words: list[_Word], study_id: int | None, terms: Iterable[str]) -> int | None:
    if study_id is not None:
        for index, word in enumerate(words):
            if word.study_id == study_id:
                return index
    wanted = [term.casefold() for term in terms if term]
    if wanted:
        for index, word in enumerate(words):
            folded = word.text.casefold()
            if any(term in folded for term in wanted):
                return index
    return None


def excerpt(cooked: str, *, limit: int = 300, label_for: CitationLabel | None = None,
            focus_study: int | None = None, focus_terms: Iterable[str] = ()) -> str:
    """A post's cooked HTML as one line of readable text of at most about `limit` characters.

    `label_for(study_id)` names a citation ("[3]", "[Bested 2023]"); without it, or when it
    returns None, the post's own number is shown. `focus_study` (a study id) or `focus_terms`
    (words) centre the cut on their first occurrence."""
    words = _words(cooked, label_for)
    if not words:
        return ""
    total = sum(_length(word) for word in words)
    if total <= limit:
        return _joined(words)
    focus = _focus_index(words, focus_study, focus_terms)
    start, end = (focus, focus + 1) if focus is not None else (0, 1)
    used = len(words[start].text)
    budget = max(limit - 2, 1)  # room for an ellipsis at each end
    grew = True
    while grew:
        grew = False
        # Words after the focus first, then one before: a centred window that reads forwards.
        if end < len(words) and used + _length(words[end]) <= budget:
            used += _length(words[end])
            end += 1
            grew = True
        if focus is not None and start > 0 and used + len(words[start - 1].text) + 1 <= budget:
            used += len(words[start - 1].text) + 1
            start -= 1
            grew = True
    shown = words[start:end]
    if len(shown) == 1 and len(shown[0].text) > budget:
        # One "word" longer than the whole excerpt (a pasted address): cut it, there is no other way.
        return (ELLIPSIS if start else "") + shown[0].text[:budget] + ELLIPSIS
    text = _joined([_Word(shown[0].text, False, shown[0].study_id), *shown[1:]])
    if start > 0:
        text = ELLIPSIS + text
    if end < len(words):
        text = text.rstrip(_DANGLING).rstrip() + ELLIPSIS
    return text


def cut_at_word(text: str, limit: int) -> str:
    """Plain `text` on one line, cut at a word boundary with "…" when longer than `limit`."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:max(limit - 1, 1)]
    if text[len(cut)] != " " and " " in cut:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(_DANGLING).rstrip() + ELLIPSIS
