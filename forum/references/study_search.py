"""Searching the registries for a study by words, for members who know its title but not its DOI.

- Crossref: `GET {CROSSREF_API_URL}/works?query.bibliographic=…&select=…&rows=…`; the answer's
  `message.items` are work records with only the selected fields.
- PubMed: `esearch.fcgi?db=pubmed&term=…&retmode=json&sort=relevance` for PMIDs, then
  `esummary.fcgi?db=pubmed&id=PMID,PMID&retmode=json` for their summaries.

Each result is classified with the same rules as a looked-up study, so the design and status a
member sees before citing are those the stored study will show. Results are read-only: citing
one stores it the ordinary way (a pending study looked up in the background).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from .classification import STATUS_LABELS, classify
from .crossref import parse_work
from .http import LookupFailed, ReferenceLookupError, ReferencesClient, contact_email
from .identifiers import InvalidIdentifier, normalize_doi
from .metadata import StudyMetadata
from .pubmed import _params, parse_esummary

logger = logging.getLogger(__name__)

SOURCE_LABELS = {"library": "Library", "crossref": "Crossref", "pubmed": "PubMed", "link": "What you pasted"}
# Only what a result line shows (and what classification reads): Crossref answers faster and
# smaller with a select.
CROSSREF_FIELDS = ("DOI", "title", "subtitle", "author", "container-title", "short-container-title", "issued",
                   "published-print", "published-online", "type", "updated-by", "clinical-trial-number")
# A search result line never needs more than this; the rest waits for the look-up.
MAX_QUERY_CHARS = 200


@dataclass
class FoundStudy:
    """One search result as the dialog shows it."""

    title: str
    first_author: str = ""
    more_authors: bool = False
    year: int | None = None
    journal: str = ""
    doi: str = ""  # canonical (lowercase) for merging; `doi_display` keeps the publisher's case
    doi_display: str = ""
    pmid: str = ""
    design: str = ""
    design_label: str = ""
    status: str = ""
    status_label: str = ""
    sources: list[str] = field(default_factory=list)
    study_id: int | None = None
    study_url: str = ""
    cited_in_topics: int = 0

    @property
    def cite(self) -> str:
        if self.doi:
            return f"[@doi:{self.doi_display or self.doi}]"
        return f"[@pmid:{self.pmid}]" if self.pmid else ""

    @property
    def authors_label(self) -> str:
        return f"{self.first_author} et al." if self.more_authors and self.first_author else self.first_author

    @property
    def source_label(self) -> str:
        return ", ".join(SOURCE_LABELS.get(source, source) for source in self.sources)

    def merge(self, other: FoundStudy) -> None:
        """The same study from another source: keep what this one has, add what it lacks.
        PubMed's publication types classify better, so its design wins over Crossref's guess."""
        for source in other.sources:
            if source not in self.sources:
                self.sources.append(source)
        for name in ("title", "first_author", "year", "journal", "doi", "doi_display", "pmid"):
            if not getattr(self, name) and getattr(other, name):
                setattr(self, name, getattr(other, name))
        self.more_authors = self.more_authors or other.more_authors
        if self.study_id is None and "pubmed" in other.sources and other.design and other.design != "other":
            self.design, self.design_label = other.design, other.design_label
        if self.study_id is None and other.status not in ("", "published") and self.status in ("", "published"):
            self.status, self.status_label = other.status, other.status_label

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title, "authors": self.authors_label, "year": self.year, "journal": self.journal,
            "doi": self.doi_display or self.doi, "pmid": self.pmid, "design": self.design,
            "design_label": self.design_label, "status": self.status, "status_label": self.status_label,
            "sources": self.sources, "source_label": self.source_label, "study_id": self.study_id,
            "url": self.study_url, "cited_in_topics": self.cited_in_topics, "cite": self.cite,
        }


def _first_author(metadata: StudyMetadata) -> str:
    if not metadata.authors:
        return ""
    author = metadata.authors[0]
    return author.get("family") or author.get("literal") or ""


def found_from_metadata(metadata: StudyMetadata, source: str) -> FoundStudy:
    verdict = classify(metadata)
    try:
        doi = normalize_doi(metadata.doi) if metadata.doi else ""
    except InvalidIdentifier:
        doi = ""
    return FoundStudy(
        title=metadata.title, first_author=_first_author(metadata),
        more_authors=len(metadata.authors) > 1 or metadata.more_authors, year=metadata.year,
        journal=metadata.container_title_short or metadata.container_title, doi=doi,
        doi_display=metadata.doi if doi else "", pmid=metadata.pmid,
        design=verdict.design.value, design_label=verdict.design_label,
        status=verdict.status.value, status_label=STATUS_LABELS[verdict.status], sources=[source],
    )


def search_crossref(text: str, *, client: ReferencesClient, rows: int = 6) -> list[FoundStudy]:
    """Crossref's best matches for a reference-like string; `LookupFailed` if it cannot answer."""
    params = {"query.bibliographic": text[:MAX_QUERY_CHARS], "select": ",".join(CROSSREF_FIELDS), "rows": rows}
    if contact_email():
        params["mailto"] = contact_email()
    payload = client.get_json(f"{client.crossref_url}/works", params=params)
    try:
        items = payload["message"]["items"]
    except (KeyError, TypeError) as exc:
        raise LookupFailed("Crossref answered a search without a list of works") from exc
    found = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        metadata = parse_work(item)
        # Crossref also holds journal issues, book series and components: only citable works.
        if metadata.title and metadata.doi and metadata.crossref_type not in ("component", "journal-issue", "journal"):
            found.append(found_from_metadata(metadata, "crossref"))
    return found


def search_pubmed(text: str, *, client: ReferencesClient, rows: int = 6) -> list[FoundStudy]:
    """PubMed's best matches (esearch, then esummary for their summaries)."""
    payload = client.get_json(f"{client.pubmed_url}/esearch.fcgi", params=_params(
        term=text[:MAX_QUERY_CHARS], retmode="json", retmax=str(rows), sort="relevance"))
    try:
        pmids = [str(pmid) for pmid in payload["esearchresult"]["idlist"]][:rows]
    except (KeyError, TypeError) as exc:
        raise LookupFailed("PubMed answered a search without an id list") from exc
    if not pmids:
        return []
    summaries = client.get_json(f"{client.pubmed_url}/esummary.fcgi",
                                params=_params(id=",".join(pmids), retmode="json"))
    found = []
    for pmid in pmids:
        try:
            metadata = parse_esummary(summaries, pmid)
        except ReferenceLookupError:
            continue  # one missing summary does not spoil the others
        if metadata.title:
            found.append(found_from_metadata(metadata, "pubmed"))
    return found


def pubmed_by_pmcid(pmcid: str, *, client: ReferencesClient) -> FoundStudy | None:
    """The PubMed record of a PubMed Central article (a PMC address names only its PMCID, which
    cannot be cited): esearch for the PMCID, accepted only if the one summary found carries that
    same PMCID, so a loose match can never become someone's citation."""
    payload = client.get_json(f"{client.pubmed_url}/esearch.fcgi", params=_params(term=pmcid, retmode="json"))
    try:
        pmids = [str(pmid) for pmid in payload["esearchresult"]["idlist"]]
    except (KeyError, TypeError) as exc:
        raise LookupFailed("PubMed answered a search without an id list") from exc
    if len(pmids) != 1:
        return None
    summary = client.get_json(f"{client.pubmed_url}/esummary.fcgi", params=_params(id=pmids[0], retmode="json"))
    metadata = parse_esummary(summary, pmids[0])
    return found_from_metadata(metadata, "pubmed") if metadata.pmcid == pmcid else None


def merge_results(*lists: list[FoundStudy]) -> list[FoundStudy]:
    """One list in the order given, each study once: the same DOI or PMID from a later list is
    merged into the earlier result."""
    merged: list[FoundStudy] = []
    by_key: dict[str, FoundStudy] = {}
    for results in lists:
        for result in results:
            keys = [key for key in (f"doi:{result.doi}" if result.doi else "",
                                    f"pmid:{result.pmid}" if result.pmid else "") if key]
            existing = next((by_key[key] for key in keys if key in by_key), None)
            if existing is None:
                merged.append(result)
                existing = result
            else:
                existing.merge(result)
            for key in (f"doi:{existing.doi}" if existing.doi else "", f"pmid:{existing.pmid}" if existing.pmid else ""):
                if key:
                    by_key[key] = existing
    return merged
