"""Study citations in posts: `[@doi:10.…]`, `[@pmid:38226027]`, `[@bibtexkey]` and bare doi.org links.

A bracketed citation may end with the author's stance, one word after a space:
`[@doi:10.1097/PR9.0000000000001080 supports]`, `contradicts` or `mentions` (any case). A word
that is not a stance makes the whole bracket plain text, as typed, so a typo never passes for a
stance nobody meant (evidence/alerts.py tells the author after posting).

Each becomes a numbered chip linking to the study page, with a card (title, journal, year,
design and status) shown on hover and focus, and the post ends with a formatted reference list.
What a citation says about its study comes from a resolver supplied by the caller (the service
layer, which knows the database); this module only parses and renders. The chips are our own
markup, so like quote asides they are put in after sanitising (see pipeline.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from typing import Callable

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from .url_policy import href_attribute

# `[@doi:…]`, `[@pmid:…]` or `[@key]`, optionally followed by a stance word; a key is what BibTeX
# allows in practice.
CITE_PATTERN = (r"\[@(?:(?P<kind>(?i:doi|pmid))\s*:\s*)?(?P<value>[^\]\s]{1,250})"
                r"(?:[ \t]+(?P<stance>[A-Za-z]{1,20}))?[ \t]*\]")
# What a citing post says the study does for its claim. The order is the order shown.
STANCES = {"supports": "supports", "contradicts": "contradicts", "mentions": "mentions"}
STANCE_LABELS = {"supports": "Supports", "contradicts": "Contradicts", "mentions": "Mentions", "": "No stance given"}
# A bare link to doi.org, as people paste them into prose.
DOI_LINK_PATTERN = r"\bhttps?://(?:dx\.|www\.)?doi\.org/(?P<doi>10\.\d{4,9}/[^\s<>\"\]]+)"
_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_:.+/-]{0,119}$")


@dataclass(frozen=True)
class CitationRef:
    kind: str  # "doi", "pmid" or "key"
    value: str  # as typed (the resolver normalises)
    # The whole citation as written, so quoting the post can write it back; not part of identity.
    typed: str = field(default="", compare=False)
    # "supports", "contradicts", "mentions", or "" when the author gave none.
    stance: str = field(default="", compare=False)
    # Inside a quote: the quoted author's citation, shown as theirs but never this post's own
    # (not counted, not looked up, not "by the author" of this post).
    quoted: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class CitedStudy:
    """What the site knows about a cited study, at the moment the post is rendered."""

    number: int
    state: str  # "resolved", "pending", "delayed" (registry unreachable, will retry) or "unresolved"
    label: str  # the identifier, shown while pending or unresolved
    url: str = ""
    title: str = ""
    journal: str = ""
    year: int | None = None
    design: str = ""
    design_label: str = ""
    status: str = ""
    status_label: str = ""
    reference_html: str = ""  # formatted entry; escaped by the formatter
    # (kind, label) per registered trial: "Completed 2023, results posted" (forum.references.clinicaltrials).
    registry_chips: tuple[tuple[str, str], ...] = ()
    open_access_label: str = ""  # "Open access (gold)" (forum.references.unpaywall)
    open_access_url: str = ""  # the best free copy, or PubMed Central
    # The study's id, when the site has one: the page renumbers by topic (forum/markup/citation_numbers.py).
    study_id: int | None = None
    # The post's author is one of the study's authors (their verified ORCID iD is among its authors').
    by_author: bool = False


CitationResolver = Callable[[CitationRef], CitedStudy]


def _trim_doi(doi: str) -> str:
    """Drop sentence punctuation glued to a pasted link, keeping balanced brackets that are part
    of the DOI, as in 10.1016/S2665-9913(23)00278-3."""
    while doi and doi[-1] in ".,;:!?'":
        doi = doi[:-1]
    while doi.endswith(")") and doi.count(")") > doi.count("("):
        doi = doi[:-1]
    return doi


_STANCE_TYPO = re.compile(CITE_PATTERN)


def unknown_stances(raw: str) -> list[tuple[str, str]]:
    """(citation as typed, word) for each bracketed citation whose last word is not a stance:
    those stay plain text, and the composer says why. A quote's citations are its author's
    business, not the quoter's."""
    from .quotes import quotes_left_out

    found = []
    for match in _STANCE_TYPO.finditer(quotes_left_out(raw or "")):
        word = match.group("stance")
        if word and word.lower() not in STANCES:
            found.append((match.group(0), word))
    return found


# One pattern for both forms: Markdown runs each inline pattern over the whole paragraph before
# the next, so two patterns would number every `[@…]` before any bare link, not by appearance.
CITATION_PATTERN = f"(?:{CITE_PATTERN})|(?:{DOI_LINK_PATTERN})"


class _CitationProcessor(InlineProcessor):
    def __init__(self, pattern, md, extension):
        super().__init__(pattern, md)
        self.extension = extension

    def handleMatch(self, m, data):
        if m.group("doi"):
            return self._doi_link(m, data)
        kind = (m.group("kind") or "").lower()
        value = m.group("value")
        stance = (m.group("stance") or "").lower()
        if stance and stance not in STANCES:
            return None, None, None  # not a stance: the bracket stays as typed
        if not kind:
            kind = "doi" if value.startswith("10.") else "key"
            if kind == "key" and not _KEY.match(value):
                return None, None, None
        return (self.extension.chip(CitationRef(kind, value, m.group(0), stance, quoted=self.extension.quoted)),
                m.start(0), m.end(0))

    def _doi_link(self, m, data):
        start = m.start(0)
        # This runs before links and raw HTML are parsed, so a doi.org address that is the target
        # of `[text](…)`, `![alt](…)` or `<a href="…">` must stay a link: a chip there would be
        # pasted into the attribute after sanitising and break the markup.
        if data[:start].endswith(("](", '"', "'", "=")):
            return None, None, None
        doi = _trim_doi(m.group("doi"))
        end = m.start("doi") + len(doi)
        # `<https://doi.org/…>` is a bare link in angle brackets: the chip replaces the brackets too.
        if data[start - 1:start] == "<":
            if data[end:end + 1] != ">":
                return None, None, None
            start, end = start - 1, end + 1
        ref = CitationRef("doi", doi, data[start:end].strip("<>"), quoted=self.extension.quoted)
        return self.extension.chip(ref), start, end


class CitationExtension(Extension):
    def __init__(self, *, resolver: CitationResolver | None, stash, scope: str, cited: dict,
                 own: set | None = None, quoted: bool = False):
        super().__init__()
        self.resolver = resolver
        self.stash = stash
        self.scope = scope
        self.cited = cited  # number -> CitedStudy, shared with nested quote bodies
        # Numbers the post cites in its own words, shared likewise; the rest are only quoted.
        self.own = own if own is not None else set()
        self.quoted = quoted  # this text is a quote's body

    def chip(self, ref: CitationRef) -> str:
        if self.resolver is None:
            study = CitedStudy(number=0, state="unresolved", label=ref.value)
        else:
            study = self.resolver(ref)
            # The reference list lists quoted studies too, so a reader can follow the quote's chips.
            self.cited.setdefault(study.number, study)
            if not ref.quoted:
                self.own.add(study.number)
        return self.stash(render_chip(study, self.scope, typed=ref.typed, stance=ref.stance), text=ref.typed)

    def extendMarkdown(self, md):
        # Above links (160) so `[@key]` is never read as a reference link; below code spans
        # (190) so citations inside backticks stay code.
        md.inlinePatterns.register(_CitationProcessor(CITATION_PATTERN, md, self), "evident_cite", 175)


def _chips(study: CitedStudy) -> str:
    parts = []
    if study.design_label:
        parts.append(f'<span class="chip chip--design chip--{escape(study.design)}">{escape(study.design_label)}</span>')
    if study.status and study.status != "published":
        parts.append(f'<span class="chip chip--status chip--{escape(study.status)}">{escape(study.status_label)}</span>')
    for kind, label in study.registry_chips:
        parts.append(f'<span class="chip chip--registry chip--registry-{escape(kind)}">{escape(label)}</span>')
    if study.open_access_label:
        parts.append(f'<span class="chip chip--access">{escape(study.open_access_label)}</span>')
    return " ".join(parts)


def _read_link(study: CitedStudy) -> str:
    """A link to the free copy, for the reference list (the hover card holds no links)."""
    if not study.open_access_url or not href_attribute(study.open_access_url):
        return ""
    return f' <a class="references__read" rel="noopener"{href_attribute(study.open_access_url)}>Read free copy</a>'


def _stance_html(stance: str) -> str:
    # In words, inside the link, so the chip's accessible name says it ("[2] RCT, supports");
    # the comma is for screen readers and hidden on screen.
    if not stance:
        return ""
    return (f'<span class="cite__stance cite__stance--{stance}"><span class="visually-hidden">, </span>'
            f'{STANCES[stance]}</span>')


def _number_html(study: CitedStudy) -> str:
    # The post's own number, marked with the study so that a topic page can put the topic's
    # number in its place (forum/markup/citation_numbers.py); data-study="" marks a reference the site
    # has no study for, which a topic leaves unnumbered.
    return f'<span class="cite__n" data-study="{study.study_id or ""}">{study.number}</span>'


def _author_html(study: CitedStudy) -> str:
    # In words, inside the link, like the stance: "[3] RCT, author".
    if not study.by_author:
        return ""
    return '<span class="cite__author"><span class="visually-hidden">, </span>author</span>'


_AUTHORED = re.compile(r' data-authored="(\d+)-(\d+)"')


def authored_citations(cooked: str) -> list[str]:
    """The numbers ([3]) of the studies a post's author wrote, as its chips say, once each, in
    order: the post states "Dr Rivera is an author of [3]" under it. Marked like the chips' numbers,
    so a topic page renumbers them with the rest (forum/markup/citation_numbers.py)."""
    seen, numbers = set(), []
    for study_id, number in _AUTHORED.findall(cooked or ""):
        if study_id not in seen:
            seen.add(study_id)
            numbers.append(f'[<span class="cite__n" data-study="{study_id}">{number}</span>]')
    return numbers


def render_chip(study: CitedStudy, scope: str, *, typed: str = "", stance: str = "") -> str:
    # data-cite keeps the markup as written, so selecting the chip to quote it gives it back.
    cite = f' data-cite="{escape(typed)}"' if typed else ""
    stance = stance if stance in STANCES else ""
    stance_attr = f' data-stance="{stance}"' if stance else ""
    if study.state != "resolved":
        text = {"pending": f"looking up {study.label}",
                "delayed": f"look-up delayed, will retry: {study.label}"}.get(study.state,
                                                                             f"unresolved reference: {study.label}")
        number = f"{_number_html(study)} " if study.number else ""
        return (f'<span class="cite cite--{study.state}"{cite}{stance_attr}>[{number}{escape(text)}]'
                f'{_stance_html(stance)}</span>')
    card_id = f"cite-{scope}-{study.number}"
    source = ", ".join(p for p in (escape(study.journal), str(study.year or "")) if p)
    source_html = f'<span class="cite-card__source">{source}</span>' if source else ""
    card = (
        f'<span class="cite-card" role="tooltip" id="{card_id}">'
        f'<span class="cite-card__title">{escape(study.title)}</span>{source_html}'
        f'<span class="cite-card__chips">{_chips(study)}</span></span>'
    )
    flag = f" cite--{escape(study.status)}" if study.status in {"protocol", "retracted", "preprint", "corrected"} else ""
    label = f"{study.design_label}" if study.design_label else "study"
    authored = f' data-authored="{study.study_id}-{study.number}"' if study.by_author and study.study_id else ""
    return (
        f'<span class="cite{flag}"{cite}{stance_attr}{authored}><a class="cite__link"{href_attribute(study.url)} aria-describedby="{card_id}">'
        f'[{_number_html(study)}]<span class="cite__design"> {escape(label)}</span>{_stance_html(stance)}{_author_html(study)}</a>{card}</span>'
    )


def render_reference_list(cited: dict[int, CitedStudy], scope: str) -> str:
    if not cited:
        return ""
    items = []
    for number in sorted(cited):
        study = cited[number]
        if study.state == "resolved":
            body = f'{study.reference_html} <a class="references__study"{href_attribute(study.url)}>Study page</a>{_read_link(study)} {_chips(study)}'
        elif study.state == "pending":
            body = f'<span class="muted">Looking up {escape(study.label)}…</span>'
        elif study.state == "delayed":
            body = f'<span class="muted">Look-up delayed, will retry: {escape(study.label)}</span>'
        else:
            body = f'<span class="muted">Unresolved reference: {escape(study.label)}</span>'
        items.append(f'<li id="ref-{scope}-{number}" value="{number}" data-study="{study.study_id or ""}">{body}</li>')
    # Not a named region: every post has one, and landmarks with the same name cannot be told apart.
    return f'<section class="references"><h2 class="references__heading">References</h2><ol>{"".join(items)}</ol></section>'
