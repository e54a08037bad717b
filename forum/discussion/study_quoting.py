"""Quotes of a study's abstract: `[quote="doi:…"] … [/quote]` and `[quote="pmid:…"]`.

The words are checked against the abstract the site stores, the way quotes of posts are checked
against their source (quoting.plain_text: case, whitespace, curly quotes and dashes folded, a
word never cut in two); an ellipsis in the quote stands for words left out. When the abstract is
structured ("Results: …", "Conclusion: …", as PubMed and Crossref abstracts are stored) the quote
says which section its words are under. A study not stored yet is looked up like a citation, and
the quote is checked when its details arrive: posting never waits for a registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from forum.markup import Cooked
from forum.markup.citations import CitationRef
from forum.markup.quotes import QuoteRef, StudyQuoteSource
from forum.models import LookupState, Post, Study, StudyQuote, StudyQuoteStatus
from forum.references.abstracts import abstract_sections

from forum.discussion.quoting import contains_in_order, plain_text, quoted_pieces
from forum.evidence.referencing import schedule_study_lookup, study_find, study_get_or_create_pending


def abstract_quote_check(abstract: str, quoted: str) -> tuple[str, str]:
    """(status, section) of quoted words against a stored abstract."""
    if not (abstract or "").strip():
        return StudyQuoteStatus.NO_ABSTRACT, ""
    pieces = quoted_pieces(quoted)
    if not pieces:
        return StudyQuoteStatus.UNMATCHED, ""
    sections = abstract_sections(abstract)
    for label, text in sections:
        if contains_in_order(plain_text(text), pieces):
            return StudyQuoteStatus.VERIFIED, label
    # Words running across two sections (or quoting a heading) still match, without a section.
    whole = plain_text("\n\n".join(f"{label}: {text}" if label else text for label, text in sections))
    if contains_in_order(whole, pieces):
        return StudyQuoteStatus.VERIFIED, ""
    return StudyQuoteStatus.UNMATCHED, ""


@dataclass
class StudyQuoteResolution:
    ref: QuoteRef
    study: Study | None
    status: str
    section: str


class StudyQuoteResolver:
    """Finds (or, when posting, creates as "looking up") the study each quote names and checks the
    words; remembers what it found so the post's StudyQuote rows match its HTML."""

    def __init__(self, *, create_missing: bool = True):
        self.create_missing = create_missing
        self.resolutions: list[StudyQuoteResolution] = []
        self.created: list[Study] = []

    def __call__(self, ref: QuoteRef) -> StudyQuoteSource:
        cited = CitationRef(ref.study_kind, ref.study_value)
        if self.create_missing:
            study, created = study_get_or_create_pending(cited)
            if created:
                self.created.append(study)
        else:
            study = study_find(cited)
        label = f"{ref.study_kind}:{ref.study_value}"
        if study is None:
            self.resolutions.append(StudyQuoteResolution(ref, None, StudyQuoteStatus.PENDING, ""))
            return StudyQuoteSource(label=label, url="", status=StudyQuoteStatus.PENDING)
        if study.lookup_state == LookupState.FAILED:
            status, section = StudyQuoteStatus.UNRESOLVED, ""
        elif study.lookup_state != LookupState.RESOLVED:
            status, section = StudyQuoteStatus.PENDING, ""
        else:
            status, section = abstract_quote_check(study.as_metadata().abstract, ref.text)
        self.resolutions.append(StudyQuoteResolution(ref, study, status, section))
        return StudyQuoteSource(label=study.title or study.identifier_label, url=study.get_absolute_url(),
                                status=status, section=section)

    def outermost(self, cooked: Cooked) -> list[StudyQuoteResolution]:
        """This post's own study quotes (those inside a quoted post belong to that post)."""
        own = {id(ref) for ref in cooked.quotes}
        return [resolution for resolution in self.resolutions if id(resolution.ref) in own]


def study_quotes_record(*, post: Post, resolutions: list[StudyQuoteResolution], created: list[Study],
                        new: bool = False) -> None:
    """Replace the post's StudyQuote rows and start the look-up of studies it named first."""
    if not new:
        StudyQuote.objects.filter(quoting_post=post).delete()
    StudyQuote.objects.bulk_create([
        StudyQuote(quoting_post=post, study=r.study, text=r.ref.text, status=r.status, section=r.section[:60])
        for r in resolutions
    ])
    for study in created:
        schedule_study_lookup(study)


def study_quote_markup(study: Study, text: str) -> str:
    """What the study page's Quote button puts in a composer: the selected words of the abstract,
    attributed to the study by DOI (or PMID)."""
    if study.doi:
        source = f"doi:{study.as_metadata().doi or study.doi}"
    elif study.pmid:
        source = f"pmid:{study.pmid}"
    else:
        return ""
    # The words come from the page; a closing tag among them would end the quote early.
    words = re.sub(r"\[/?quote[^\]]*\]", "", text or "", flags=re.IGNORECASE).strip()
    return f'[quote="{source}"]\n{words}\n[/quote]\n\n' if words else ""


def _not_in_abstract(study: Study | None, text: str) -> str:
    words = " ".join(text.split())
    words = words if len(words) <= 80 else words[:79] + "…"
    title = (study.title or study.identifier_label) if study else ""
    title = title if len(title) <= 120 else title[:119] + "…"
    return (f"“{words}” is not in the abstract of “{title}”: quote its words as they are written, "
            "or say it in your own words outside the quote.")


def study_quote_warnings(resolutions: list[StudyQuoteResolution]) -> list[str]:
    """For the composer's "Check what you cite": each quote of an abstract whose words are not in
    it, which would be posted marked "Not found in the abstract"."""
    return [_not_in_abstract(r.study, r.ref.text) for r in resolutions if r.status == StudyQuoteStatus.UNMATCHED]


def post_study_quote_warnings(post: Post) -> list[str]:
    """The same, for a saved post (one query)."""
    quotes = StudyQuote.objects.filter(quoting_post=post, status=StudyQuoteStatus.UNMATCHED).select_related("study")
    return [_not_in_abstract(quote.study, quote.text) for quote in quotes.order_by("pk")]
