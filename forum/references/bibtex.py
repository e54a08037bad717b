"""Import pasted BibTeX (several entries at once) and export one study as BibTeX.

Parsing uses bibtexparser 2; LaTeX in values (`{\\"o}`, `{\\o}`, `\\&`) is decoded with pylatexenc,
which bibtexparser itself uses for its LatexDecodingMiddleware. Names are split before decoding
so a braced group author (`{World Health Organization}`) stays one literal name. `and others`
sets `more_authors` (the list is incomplete), which references print as "et al." and exports
write back as `and others`.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

import bibtexparser
from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import DuplicateFieldKeyBlock, Entry
from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexencode import (
    RULE_CALLABLE,
    UnicodeToLatexConversionRule,
    UnicodeToLatexEncoder,
)

from .identifiers import (
    InvalidIdentifier,
    clean_doi,
    find_registrations,
    normalize_doi,
    normalize_pmcid,
    normalize_pmid,
)
from .metadata import ImportProblem, ImportResult, StudyMetadata, normalize_pages

logger = logging.getLogger(__name__)

_DECODER = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
_PLAIN_ENCODER = UnicodeToLatexEncoder(
    non_ascii_only=False, replacement_latex_protection="braces-all", unknown_char_policy="keep"
)


@lru_cache(maxsize=4096)
def _reads_back(char: str) -> bool:
    return decode_latex(_PLAIN_ENCODER.unicode_to_latex(char)) == char


def _keep_what_latex_would_change(text: str, pos: int):
    # Characters LaTeX would change on the way back stay UTF-8, which biber and modern BibTeX
    # read: symbols it only has in math mode (−, ≤, ×) and the Unicode hyphen (‐), all of which
    # decode as something else ("-").
    char = text[pos]
    if ord(char) > 127 and not _reads_back(char):
        return (1, char)
    return None


_ENCODER = UnicodeToLatexEncoder(
    non_ascii_only=False,
    replacement_latex_protection="braces-all",
    unknown_char_policy="keep",
    conversion_rules=[UnicodeToLatexConversionRule(RULE_CALLABLE, _keep_what_latex_would_change), "defaults"],
)
_ENTRY_START_RE = re.compile(r"@\s*(\w+)\s*[{(]\s*([^,\s{}()]*)")

# BibTeX/biblatex entry types to Crossref's vocabulary, and back.
ENTRY_TYPE_TO_CROSSREF = {
    "article": "journal-article",
    "inproceedings": "proceedings-article",
    "conference": "proceedings-article",
    "book": "book",
    "inbook": "book-chapter",
    "incollection": "book-chapter",
    "phdthesis": "dissertation",
    "mastersthesis": "dissertation",
    "thesis": "dissertation",
    "techreport": "report",
    "report": "report",
    "unpublished": "posted-content",
    "online": "posted-content",
    "dataset": "dataset",
}
CROSSREF_TO_ENTRY_TYPE = {
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "book": "book",
    "book-chapter": "incollection",
    "dissertation": "phdthesis",
    "report": "techreport",
    "posted-content": "unpublished",
}


def decode_latex(value: str) -> str:
    try:
        text = _DECODER.latex_to_text(value)
    except Exception:  # pylatexenc is lenient, but a paste must never crash the import
        logger.debug("references: could not decode LaTeX %r", value, exc_info=True)
        text = value.replace("{", "").replace("}", "")
    # pylatexenc renders \textasciicircum (how a caret is escaped) as the modifier letter.
    return text.replace("\u02c6", "^").strip()


def _decode_paragraphs(value: str) -> str:
    paragraphs = re.split(r"\n\s*\n", value)
    return "\n\n".join(p for p in (" ".join(decode_latex(p).split()) for p in paragraphs) if p)


def _decode_line(value: str) -> str:
    return " ".join(decode_latex(value).split())


def _parse_names(
    raw: str, key: str, problems: list[ImportProblem]
) -> tuple[list[dict[str, str]], bool]:
    """The named authors, and whether the list ends with `and others`."""
    authors: list[dict[str, str]] = []
    more = False
    for name in split_multiple_persons_names(" ".join(raw.split())):
        if name.strip().lower() == "others":
            more = True
            continue
        stripped = name.strip()
        if stripped.startswith("{") and stripped.endswith("}") and stripped.count("{") == 1:
            authors.append({"literal": _decode_line(stripped[1:-1])})
            continue
        try:
            parts = parse_single_name_into_parts(stripped, strict=True)
        except InvalidNameError as exc:
            problems.append(
                ImportProblem(f"author name {stripped!r} could not be read ({exc})", entry=key)
            )
            continue
        family = _decode_line(" ".join(parts.von + parts.last))
        given = _decode_line(" ".join(parts.first))
        if parts.jr:
            family = f"{family} {_decode_line(' '.join(parts.jr))}".strip()
        if not family and given:
            family, given = given, ""
        author = {"family": family}
        if given:
            author["given"] = given
        authors.append(author)
    return authors, more


def _field(entry: Entry, *names: str) -> str:
    for name in names:
        field = entry.fields_dict.get(name)
        if field is not None and isinstance(field.value, str) and field.value.strip():
            return field.value
    return ""


def _entry_to_metadata(entry: Entry, problems: list[ImportProblem]) -> StudyMetadata | None:
    key = entry.key
    # Field names are case-insensitive in BibTeX.
    for field in entry.fields:
        field.key = field.key.lower()
    title = _decode_line(_field(entry, "title"))
    if not title:
        problems.append(ImportProblem("has no title", entry=key, line=entry.start_line + 1))
        return None
    authors, more_authors = _parse_names(_field(entry, "author"), key, problems)
    metadata = StudyMetadata(
        title=title,
        authors=authors,
        more_authors=more_authors,
        container_title=_decode_line(_field(entry, "journal", "journaltitle", "booktitle")),
        container_title_short=_decode_line(_field(entry, "shortjournal", "journal-abbreviation")),
        volume=_decode_line(_field(entry, "volume")),
        issue=_decode_line(_field(entry, "number", "issue")),
        pages=normalize_pages(_decode_line(_field(entry, "pages"))),
        abstract=_decode_paragraphs(_field(entry, "abstract")),
        url=unescape_verbatim(_field(entry, "url")).strip(),
        crossref_type=ENTRY_TYPE_TO_CROSSREF.get(entry.entry_type.lower(), ""),
        source="bibtex",
        bibtex_key=key,
    )
    year_match = re.search(r"\d{4}", _field(entry, "year", "date"))
    metadata.year = int(year_match.group(0)) if year_match else None

    identifiers = (
        ("doi", normalize_doi, _field(entry, "doi")),
        (
            "pmid",
            normalize_pmid,
            _field(entry, "pmid")
            or (_field(entry, "eprint") if _field(entry, "eprinttype").lower() == "pubmed" else ""),
        ),
        ("pmcid", normalize_pmcid, _field(entry, "pmcid")),
    )
    for name, normalizer, raw in identifiers:
        if not raw:
            continue
        try:
            normalizer(unescape_verbatim(raw))
        except InvalidIdentifier:
            problems.append(
                ImportProblem(f"{name} {raw.strip()!r} is not valid; left out", entry=key)
            )
            continue
        if name == "doi":
            metadata.doi = clean_doi(unescape_verbatim(raw))
        else:
            setattr(metadata, name, normalizer(raw))
    metadata.registrations = find_registrations(_decode_line(_field(entry, "note", "registration")))
    return metadata


_VERBATIM_ESCAPES_RE = re.compile(r"\{?\\(?:(_|%|&|#|\$)|text(underscore|percent))\}?")


def unescape_verbatim(value: str) -> str:
    """A DOI or URL as written, from a BibTeX value some tools escaped as text (`{\\_}`, `\\%`).

    biblatex reads `doi` and `url` verbatim, so an escape there is part of the value; but no DOI
    contains a backslash, and reading `10.3892/ijo{\\_}00000353` literally makes a new study.
    """
    named = {"underscore": "_", "percent": "%"}
    return _VERBATIM_ESCAPES_RE.sub(lambda m: m.group(1) or named[m.group(2)], value or "")


def clean_bibtex_key(key: str) -> str:
    """A citation key BibTeX can read back unchanged: no spaces, braces, commas, quotes, `#%'=\\`."""
    return re.sub(r"[\s,{}()\"#%'=\\]", "", key or "")[:120]


def _failed_block_key(block) -> str:
    match = _ENTRY_START_RE.search(block.raw or "")
    return match.group(2) if match else ""


def parse_bibtex(text: str) -> ImportResult:
    """Studies from pasted BibTeX, and a problem for each entry that could not be read.

    Never raises: garbage input gives no studies and a problem saying so.
    """
    studies: list[StudyMetadata] = []
    problems: list[ImportProblem] = []
    if not isinstance(text, str) or not text.strip():
        return ImportResult(studies, [ImportProblem("nothing to import")])
    try:
        library = bibtexparser.parse_string(text)
    except Exception as exc:  # the parser's own failure modes are not all documented
        logger.info("references: BibTeX parse failed", exc_info=True)
        return ImportResult(
            studies, [ImportProblem(f"could not read BibTeX ({exc.__class__.__name__})")]
        )

    for block in library.failed_blocks:
        key = _failed_block_key(block)
        if isinstance(block, DuplicateFieldKeyBlock):
            message = (
                f"has a field more than once ({block.error})"
                if getattr(block, "error", None)
                else "has a field more than once"
            )
        else:
            message = "is not valid BibTeX (unbalanced braces or a missing comma?)"
        problems.append(ImportProblem(message, entry=key, line=(block.start_line or 0) + 1))

    seen_keys: set[str] = set()
    for entry in library.entries:
        if entry.entry_type.lower() in ("comment", "preamble", "string"):
            continue
        if entry.key in seen_keys:
            problems.append(
                ImportProblem(
                    "key used twice; second entry skipped",
                    entry=entry.key,
                    line=entry.start_line + 1,
                )
            )
            continue
        seen_keys.add(entry.key)
        try:
            metadata = _entry_to_metadata(entry, problems)
        except Exception as exc:  # one odd entry must not lose the others
            logger.info("references: BibTeX entry %s failed", entry.key, exc_info=True)
            problems.append(
                ImportProblem(f"could not be read ({exc.__class__.__name__})", entry=entry.key)
            )
            continue
        if metadata is not None:
            studies.append(metadata)

    if not studies and not problems:
        problems.append(ImportProblem("no BibTeX entries found"))
    return ImportResult(studies, problems)


# -- export -------------------------------------------------------------------------------


def encode_latex(value: str) -> str:
    """Escape text for a BibTeX value: specials (`& % $ # _ { } ~ ^ \\`) and non-ASCII letters."""
    return _ENCODER.unicode_to_latex(value)


_KEY_STOPWORDS = {"a", "an", "the", "of", "on", "in", "for", "and", "to", "with"}


def make_bibtex_key(metadata: StudyMetadata) -> str:
    """`bested2023low`-style key: first author's family name, year, first significant title word."""
    family = re.sub(r"[^a-z0-9]", "", _ascii(metadata.first_author_family).lower()) or "anon"
    words = [
        w
        for w in re.findall(r"[a-z0-9]+", _ascii(metadata.title).lower())
        if w not in _KEY_STOPWORDS
    ]
    return f"{family}{metadata.year or ''}{words[0] if words else ''}"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _format_name(author: dict[str, str]) -> str:
    if author.get("literal"):
        return "{" + encode_latex(author["literal"]) + "}"
    family = encode_latex(author.get("family", ""))
    if " " in author.get("family", "").strip():
        family = "{" + family + "}"  # keep multi-word family names ("van der Berg") together
    given = author.get("given", "")
    return f"{family}, {encode_latex(given)}" if given else family


def _verbatim(value: str) -> str:
    # DOIs and URLs are verbatim in biblatex; only a brace would end the value early, and a
    # percent-encoded brace reads back as the same DOI (clean_doi decodes it).
    return value.replace("{", "%7B").replace("}", "%7D")


def to_bibtex(metadata: StudyMetadata, *, key: str | None = None) -> str:
    """One BibTeX entry for `metadata` (UTF-8 safe: non-ASCII letters become LaTeX commands)."""
    entry_type = CROSSREF_TO_ENTRY_TYPE.get(
        metadata.crossref_type, "article" if metadata.container_title else "misc"
    )
    cite_key = clean_bibtex_key(key or metadata.bibtex_key or make_bibtex_key(metadata)) or "study"
    fields: list[tuple[str, str]] = []
    if metadata.authors:
        names = [_format_name(a) for a in metadata.authors]
        fields.append(("author", " and ".join(names + (["others"] if metadata.more_authors else []))))
    fields.append(("title", encode_latex(metadata.title)))
    if metadata.container_title:
        fields.append(("journal", encode_latex(metadata.container_title)))
    if metadata.container_title_short:
        fields.append(("shortjournal", encode_latex(metadata.container_title_short)))
    if metadata.year:
        fields.append(("year", str(metadata.year)))
    for name, value in (("volume", metadata.volume), ("number", metadata.issue)):
        if value:
            fields.append((name, encode_latex(value)))
    if metadata.pages:
        fields.append(("pages", encode_latex(metadata.pages).replace("-", "--")))
    if metadata.doi:
        # Verbatim, as biblatex and reference managers read it: `{\\_}` would be part of the DOI.
        fields.append(("doi", _verbatim(metadata.doi)))
    if metadata.pmid:
        fields.append(("pmid", metadata.pmid))
    if metadata.pmcid:
        fields.append(("pmcid", metadata.pmcid))
    if metadata.url:
        fields.append(("url", _verbatim(metadata.url)))
    if metadata.registrations:
        fields.append(
            ("note", "Trial registration: " + encode_latex("; ".join(metadata.registrations)))
        )
    if metadata.abstract:
        paragraphs = metadata.abstract.split("\n\n")
        fields.append(("abstract", "\n\n".join(encode_latex(p) for p in paragraphs)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{cite_key},\n{body}\n}}\n"
