"""Parse, validate and normalise study identifiers: DOI, PMID, PMCID, NCT and EudraCT.

Each `normalize_*` function accepts what people paste (prefixes, resolver links, stray
whitespace and trailing punctuation) and returns the canonical form used for storage and
comparison, or raises `InvalidIdentifier`. DOIs are case-insensitive, so their canonical form is
lowercase; keep the publisher's spelling (from Crossref) for display.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote


class InvalidIdentifier(ValueError):
    """The text is not a well-formed identifier of the expected kind."""


class IdentifierKind(StrEnum):
    DOI = "doi"
    PMID = "pmid"
    PMCID = "pmcid"
    NCT = "nct"
    EUDRACT = "eudract"


@dataclass(frozen=True)
class Identifier:
    kind: IdentifierKind
    value: str  # canonical form

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
# For finding DOIs inside running text (the markup extension's bare links); stops at whitespace
# and at characters that cannot end a DOI pasted into prose.
DOI_IN_TEXT_RE = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;:!?)\]]")
PMID_RE = re.compile(r"^[1-9]\d{0,7}$")  # PubMed IDs have at most 8 digits
PMCID_RE = re.compile(r"^PMC\d{1,9}$")
NCT_RE = re.compile(r"^NCT\d{8}$")
EUDRACT_RE = re.compile(r"^\d{4}-\d{6}-\d{2}$")
NCT_IN_TEXT_RE = re.compile(r"\bNCT\d{8}\b", re.IGNORECASE)
EUDRACT_IN_TEXT_RE = re.compile(r"\b(?:19|20)\d{2}-\d{6}-\d{2}\b")

_DOI_PREFIX_RE = re.compile(
    r"^(?:https?://(?:www\.|dx\.)?doi\.org/|doi\.org/|doi\s*:\s*|doi\s+)", re.IGNORECASE
)
_PMID_PREFIX_RE = re.compile(
    r"^(?:https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/"
    r"|pmid\s*:?\s*|pubmed\s*:?\s*)",
    re.IGNORECASE,
)
_PMCID_PREFIX_RE = re.compile(
    r"^(?:https?://(?:www\.)?(?:ncbi\.nlm\.nih\.gov/pmc/articles/|pmc\.ncbi\.nlm\.nih\.gov/articles/)"
    r"|pmcid\s*:?\s*)",
    re.IGNORECASE,
)
_NCT_PREFIX_RE = re.compile(
    r"^(?:https?://(?:www\.)?clinicaltrials\.gov/(?:ct2/show/|study/)|clinicaltrials\.gov\s*:?\s*)",
    re.IGNORECASE,
)
_EUDRACT_PREFIX_RE = re.compile(r"^(?:eudract(?:\s*(?:number|no\.?))?\s*:?\s*)", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:"


def _tidy(raw: str, prefix_re: re.Pattern[str]) -> str:
    if not isinstance(raw, str):
        raise InvalidIdentifier(f"not text: {raw!r}")
    text = raw.strip().strip("<>").strip()
    text = prefix_re.sub("", text, count=1).strip()
    # Trailing slashes and query strings come from pasted resolver links.
    text = text.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return text.rstrip(_TRAILING_PUNCTUATION)


def clean_doi(raw: str) -> str:
    """The DOI with prefixes and link parts removed, in its original case."""
    if not isinstance(raw, str):
        raise InvalidIdentifier(f"not text: {raw!r}")
    text = raw.strip().strip("<>").strip()
    text = _DOI_PREFIX_RE.sub("", text, count=1).strip()
    if "%" in text:
        text = unquote(text)
    text = text.rstrip(_TRAILING_PUNCTUATION)
    if not DOI_RE.match(text):
        raise InvalidIdentifier(f"not a DOI: {raw!r}")
    return text


def normalize_doi(raw: str) -> str:
    """Canonical DOI for storage and comparison: prefixes stripped, validated, lowercase."""
    return clean_doi(raw).lower()


def normalize_pmid(raw: str | int) -> str:
    text = _tidy(str(raw), _PMID_PREFIX_RE)
    if not PMID_RE.match(text):
        raise InvalidIdentifier(f"not a PMID: {raw!r}")
    return text


def normalize_pmcid(raw: str) -> str:
    text = _tidy(raw, _PMCID_PREFIX_RE).upper()
    if text.isdigit():
        text = f"PMC{text}"
    if not PMCID_RE.match(text):
        raise InvalidIdentifier(f"not a PMCID: {raw!r}")
    return text


def normalize_nct(raw: str) -> str:
    text = _tidy(raw, _NCT_PREFIX_RE).upper()
    if not NCT_RE.match(text):
        raise InvalidIdentifier(f"not a ClinicalTrials.gov number: {raw!r}")
    return text


def normalize_eudract(raw: str) -> str:
    text = _tidy(raw, _EUDRACT_PREFIX_RE)
    if not EUDRACT_RE.match(text):
        raise InvalidIdentifier(f"not a EudraCT number: {raw!r}")
    return text


_ORCID_DIGITS = re.compile(r"^\d{15}[\dX]$")


def normalize_orcid(raw: str) -> str:
    """The bare 0000-0002-1825-0097 form of an ORCID iD, from that form, an orcid.org address
    (as Crossref gives it) or the 16 characters without hyphens (as some PubMed records do).
    The last character is a check digit (ISO 7064 11,2), so a mistyped iD matches nobody."""
    text = (raw or "").strip().rstrip("/").rsplit("/", 1)[-1].replace("-", "").replace(" ", "").upper()
    if not _ORCID_DIGITS.match(text):
        raise InvalidIdentifier(f"not an ORCID iD: {raw!r}")
    total = 0
    for digit in text[:15]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    if text[15] != ("X" if check == 10 else str(check)):
        raise InvalidIdentifier(f"not an ORCID iD (check digit): {raw!r}")
    return "-".join(text[i:i + 4] for i in range(0, 16, 4))


_NORMALIZERS = {
    IdentifierKind.DOI: normalize_doi,
    IdentifierKind.PMID: normalize_pmid,
    IdentifierKind.PMCID: normalize_pmcid,
    IdentifierKind.NCT: normalize_nct,
    IdentifierKind.EUDRACT: normalize_eudract,
}


def normalize(kind: IdentifierKind | str, raw: str) -> str:
    return _NORMALIZERS[IdentifierKind(kind)](raw)


def is_valid(kind: IdentifierKind | str, raw: str) -> bool:
    try:
        normalize(kind, raw)
    except InvalidIdentifier:
        return False
    return True


def detect_identifier(raw: str) -> Identifier | None:
    """Which identifier an arbitrary pasted string is, or None.

    Explicit prefixes win (`pmid:123`, `doi:10.…`, a PubMed link); otherwise the shape decides.
    A bare number is taken as a PMID, since that is what people paste from PubMed.
    """
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = raw.strip()
    lowered = text.lower()
    # Order matters: a DOI can contain anything after its slash, so shapes are tried from the
    # most to the least specific.
    if lowered.startswith(("pmid", "pubmed", "https://pubmed", "http://pubmed")) or (
        "ncbi.nlm.nih.gov/pubmed" in lowered
    ):
        order = [IdentifierKind.PMID]
    elif lowered.startswith("pmc") or "/pmc" in lowered or "pmc.ncbi" in lowered:
        order = [IdentifierKind.PMCID]
    else:
        order = [
            IdentifierKind.DOI,
            IdentifierKind.NCT,
            IdentifierKind.EUDRACT,
            IdentifierKind.PMID,  # a bare number; PMCIDs need their "PMC" (handled above)
        ]
    for kind in order:
        try:
            return Identifier(kind, _NORMALIZERS[kind](text))
        except InvalidIdentifier:
            continue
    return None


def find_registrations(text: str) -> list[str]:
    """NCT and EudraCT numbers mentioned in free text (an abstract, a BibTeX note), in order."""
    if not text:
        return []
    found: list[str] = []
    for match in NCT_IN_TEXT_RE.finditer(text):
        value = match.group(0).upper()
        if value not in found:
            found.append(value)
    for match in EUDRACT_IN_TEXT_RE.finditer(text):
        if match.group(0) not in found:
            found.append(match.group(0))
    return found


def normalize_registration(raw: str) -> str:
    """A trial registration number in canonical form; unknown registries are kept as given."""
    text = (raw or "").strip()
    for normalizer in (normalize_nct, normalize_eudract):
        try:
            return normalizer(text)
        except InvalidIdentifier:
            continue
    return text
