"""`StudyMetadata`: one study's bibliographic record, whatever source it came from.

Stored as JSON (`to_dict` / `from_dict`). Authors are CSL-style dicts: `{"family", "given"}` for
people, `{"literal"}` for groups, and optionally `"orcid"` (the bare 0000-… form).
`crossref_type` holds a Crossref-vocabulary type (`journal-article`, `posted-content`, …), from
Crossref itself or mapped from a BibTeX/RIS entry type; PubMed records leave it empty.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from forum.markup.url_policy import checked_url

Source = Literal["crossref", "pubmed", "bibtex", "ris", "manual"]

SOURCES = ("crossref", "pubmed", "bibtex", "ris", "manual")
LIST_FIELDS = ("authors", "registrations", "publication_types", "updated_by", "update_to")


@dataclass
class StudyMetadata:
    title: str = ""
    authors: list[dict[str, str]] = field(default_factory=list)
    container_title: str = ""
    container_title_short: str = ""  # journal abbreviation, used by AMA ("PAIN Rep")
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    abstract: str = ""  # plain text; paragraphs separated by a blank line
    url: str = ""
    doi: str = ""  # as the source spells it; compare with identifiers.normalize_doi
    pmid: str = ""
    pmcid: str = ""
    registrations: list[str] = field(default_factory=list)  # NCT…, EudraCT numbers
    publication_types: list[str] = field(default_factory=list)  # as the source gives them
    crossref_type: str = ""
    updated_by: list[dict[str, str]] = field(default_factory=list)  # {type, doi, date[, pmid, label, source]}
    # On a notice (a retraction, correction ...): the works it updates, same shape.
    update_to: list[dict[str, str]] = field(default_factory=list)
    source: Source = "manual"
    bibtex_key: str = ""
    # The author list stops short ("and others" in BibTeX): references end it with "et al.".
    more_authors: bool = False

    def __post_init__(self) -> None:
        _drop_nulls(self)
        # Whatever the source (a BibTeX or RIS paste, Crossref, stored JSON), a publisher URL with
        # a scheme outside the URL policy is not kept: API clients and reference managers follow it.
        self.url = checked_url(self.url or "")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StudyMetadata:
        """Rebuild from stored JSON; unknown keys (from a newer version) are ignored."""
        known = {f.name for f in dataclasses.fields(cls)}
        values = {key: value for key, value in (data or {}).items() if key in known}
        for name in LIST_FIELDS:
            if name in values:
                values[name] = [
                    dict(item) if isinstance(item, dict) else item for item in values[name] or []
                ]
        if values.get("year") in ("", None):
            values["year"] = None
        elif "year" in values:
            values["year"] = int(values["year"])
        for name in known - set(LIST_FIELDS) - {"year"}:
            if name in values and values[name] is None:
                values.pop(name)
        return cls(**values)

    def merged_with(self, other: StudyMetadata) -> StudyMetadata:
        """This record with gaps filled from `other`; lists are united, this record's order first.

        Used to combine a Crossref record (abstract, relations) with PubMed's (publication
        types, PMID/PMCID) for the same study.
        """
        merged = dataclasses.replace(self)
        if not self.authors:
            merged.more_authors = other.more_authors
        for f in dataclasses.fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if f.name in LIST_FIELDS:
                if f.name == "authors" and mine:
                    continue  # two author lists for one paper are alternatives, not additions
                combined = list(mine)
                for item in theirs:
                    if item not in combined:
                        combined.append(item)
                setattr(merged, f.name, combined)
            elif mine in ("", None) and theirs not in ("", None):
                setattr(merged, f.name, theirs)
        return merged

    @property
    def first_author_family(self) -> str:
        if not self.authors:
            return ""
        first = self.authors[0]
        return first.get("family") or first.get("literal") or ""


def is_null(value: Any) -> bool:
    """The literal word some sources write for a missing value."""
    return isinstance(value, str) and value.strip().lower() == "null"


def _drop_nulls(metadata: StudyMetadata) -> None:
    for f in dataclasses.fields(metadata):
        value = getattr(metadata, f.name)
        if is_null(value):
            setattr(metadata, f.name, "")
        elif f.name in ("registrations", "publication_types"):
            setattr(metadata, f.name, [item for item in value if not is_null(item)])
        elif f.name in ("authors", "updated_by"):
            cleaned = []
            for item in value:
                if isinstance(item, dict):
                    item = {k: v for k, v in item.items() if not is_null(v)}
                if item and (f.name != "authors" or not isinstance(item, dict)
                             or item.get("family") or item.get("literal") or item.get("given")):
                    cleaned.append(item)
            setattr(metadata, f.name, cleaned)


@dataclass(frozen=True)
class ImportProblem:
    """One entry that could not be imported, named so the person can find and fix it."""

    message: str
    entry: str = ""  # BibTeX key or RIS title/ID, when one could be read
    line: int | None = None

    def __str__(self) -> str:
        where = []
        if self.entry:
            where.append(f"entry '{self.entry}'")
        if self.line is not None:
            where.append(f"line {self.line}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ImportResult(NamedTuple):
    """What an import produced: the studies it could read and the entries it could not."""

    studies: list[StudyMetadata]
    problems: list[ImportProblem]


def normalize_pages(pages: str) -> str:
    """Page ranges with a plain hyphen (sources mix en dashes, `--` and spaces)."""
    text = (pages or "").strip()
    for dash in ("--", "\u2013", "\u2014", "\u2212"):
        text = text.replace(dash, "-")
    return "-".join(part.strip() for part in text.split("-")) if "-" in text else text
