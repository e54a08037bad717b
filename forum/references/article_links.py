"""The identifier an article's web address carries, read from the address alone.

A member often has a link rather than a DOI: a PubMed page, a PMC article, a preprint, a
publisher's page. Where the address itself names the article (doi.org, PubMed, PMC, Europe PMC,
medRxiv/bioRxiv, arXiv, and publisher paths with `/doi/10.…`), this gives the identifier to cite;
nothing is fetched, so the server never sends a request to a host a member chose. Any other
address gives None, and the dialog offers a title search instead.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from .identifiers import (
    Identifier,
    IdentifierKind,
    InvalidIdentifier,
    normalize_doi,
    normalize_pmcid,
    normalize_pmid,
)

# arXiv's own DOIs (DataCite, 10.48550/arXiv.<id>) cite a preprint as well as a DOI would.
ARXIV_DOI_PREFIX = "10.48550/arxiv."
# medRxiv and bioRxiv share Cold Spring Harbor's prefix; their paths end in "v2", ".full", ".pdf".
_RXIV_PATH = re.compile(r"^/content/(10\.1101/[\w.\-]+?)(?:v\d+)?(?:\.full|\.abstract|\.pdf|\.full\.pdf|\.full-text)?(?:/|$)")
_ARXIV_ID = re.compile(r"^/(?:abs|pdf|html)/(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?/?$")
# "/doi/10.1002/art.37734", "/doi/full/10.…", "/doi/abs/…", "/doi/pdf/…", "/doi/epdf/…".
_DOI_IN_PATH = re.compile(r"/doi/(?:(?:abs|full|pdf|epdf|pdfdirect|reader|figure|suppl)/)?(10\.\d{4,9}/.+)$", re.IGNORECASE)
_PMC_PATH = re.compile(r"^/(?:pmc/)?articles/(PMC\d+)(?:/|$)", re.IGNORECASE)
_PUBMED_PATH = re.compile(r"^/(?:pubmed/)?(\d{1,8})/?$")
# Europe PMC: /article/MED/19453963, /abstract/MED/…, /article/PMC/PMC1234567, /article/PPR/… (preprints: no identifier).
_EUROPEPMC_PATH = re.compile(r"^/(?:article|abstract|api/fulltextRepo)/(MED|PMC)/([A-Z]*\d+)", re.IGNORECASE)
# Trailing parts a DOI never needs but publisher addresses add.
_DOI_TAIL = re.compile(r"(?:/(?:full|abstract|pdf|epdf|fulltext|suppl_file/.*))$", re.IGNORECASE)


def _doi(raw: str) -> Identifier | None:
    raw = _DOI_TAIL.sub("", unquote(raw).rstrip("/"))
    try:
        return Identifier(IdentifierKind.DOI, normalize_doi(raw))
    except InvalidIdentifier:
        return None


def _host(netloc: str) -> str:
    host = netloc.lower().rsplit("@", 1)[-1].split(":", 1)[0]
    return host.removeprefix("www.")


def identifier_from_link(text: str) -> Identifier | None:
    """The DOI, PMID or PMCID that an article address names, or None.

    Only the address is read. A PMC address gives its PMCID (cited through the PMCID's DOI or PMID
    later is not attempted here: it is returned as a PMCID so the caller can say so).
    """
    if not isinstance(text, str):
        return None
    text = text.strip().strip("<>").strip()
    if not text or len(text) > 2000 or any(c.isspace() for c in text):
        return None
    if not re.match(r"^https?://", text, re.IGNORECASE):
        if re.match(r"^(?:www\.|dx\.)?doi\.org/|^(?:pubmed|pmc)\.ncbi\.nlm\.nih\.gov/", text, re.IGNORECASE):
            text = f"https://{text}"
        else:
            return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    host, path = _host(parts.netloc), parts.path

    if host in ("doi.org", "dx.doi.org"):
        return _doi(path.lstrip("/"))
    if host == "pubmed.ncbi.nlm.nih.gov" or (host == "ncbi.nlm.nih.gov" and path.startswith("/pubmed/")):
        if match := _PUBMED_PATH.match(path):
            return _pmid(match.group(1))
        return None
    if host in ("pmc.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov") or host.endswith(".pmc.ncbi.nlm.nih.gov"):
        if match := _PMC_PATH.match(path):
            return _pmcid(match.group(1))
        return None
    if host == "europepmc.org":
        if match := _EUROPEPMC_PATH.match(path):
            source, value = match.group(1).upper(), match.group(2)
            return _pmid(value) if source == "MED" else _pmcid(value)
        return None
    if host in ("medrxiv.org", "biorxiv.org"):
        if match := _RXIV_PATH.match(path):
            return _doi(match.group(1))
        return None
    if host in ("arxiv.org", "export.arxiv.org"):
        if match := _ARXIV_ID.match(path):
            return _doi(ARXIV_DOI_PREFIX + match.group(1))
        return None
    if match := _DOI_IN_PATH.search(path):
        return _doi(match.group(1))
    return None


def _pmid(value: str) -> Identifier | None:
    try:
        return Identifier(IdentifierKind.PMID, normalize_pmid(value))
    except InvalidIdentifier:
        return None


def _pmcid(value: str) -> Identifier | None:
    try:
        return Identifier(IdentifierKind.PMCID, normalize_pmcid(value))
    except InvalidIdentifier:
        return None


def looks_like_link(text: str) -> bool:
    return bool(re.match(r"^\s*(?:https?://|www\.)\S+\s*$", text or "", re.IGNORECASE))
