"""Import and export RIS, the tagged format every reference manager reads and writes.

A small parser of our own rather than rispy: rispy silently drops a record without its `ER`
line and accepts any text, and we need to tell people which record was broken and why.

Tags used: TY, AU/A1 ("Family, Given"; a name without a comma is a group author), TI/T1,
T2/JO/JF/JA (journal), J2 (journal abbreviation), PY/Y1/DA (year), VL, IS, SP/EP, DO, AN (PMID),
C2 (PMCID, as EndNote writes it), UR, AB/N2, N1 (notes; trial registrations are read from it),
ID (the citation key).
"""

from __future__ import annotations

import re

from .identifiers import (
    InvalidIdentifier,
    clean_doi,
    find_registrations,
    normalize_pmcid,
    normalize_pmid,
)
from .metadata import ImportProblem, ImportResult, StudyMetadata, normalize_pages

_TAG_RE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")

RIS_TYPE_TO_CROSSREF = {
    "JOUR": "journal-article",
    "EJOUR": "journal-article",
    "JFULL": "journal-article",
    "MGZN": "journal-article",
    "CONF": "proceedings-article",
    "CPAPER": "proceedings-article",
    "BOOK": "book",
    "CHAP": "book-chapter",
    "THES": "dissertation",
    "RPRT": "report",
    "UNPB": "posted-content",
    "DATA": "dataset",
}
CROSSREF_TO_RIS_TYPE = {
    "journal-article": "JOUR",
    "proceedings-article": "CPAPER",
    "book": "BOOK",
    "book-chapter": "CHAP",
    "dissertation": "THES",
    "report": "RPRT",
    "posted-content": "UNPB",
    "dataset": "DATA",
}


def _records(text: str, problems: list[ImportProblem]) -> list[tuple[int, list[tuple[str, str]]]]:
    records: list[tuple[int, list[tuple[str, str]]]] = []
    current: list[tuple[str, str]] | None = None
    start_line = 0
    for number, raw_line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw_line.rstrip()
        match = _TAG_RE.match(line)
        if match:
            tag, value = match.group(1), (match.group(2) or "").strip()
            if tag == "TY":
                if current is not None:
                    problems.append(
                        ImportProblem(
                            "record has no ER line; it was skipped",
                            entry=_label(current),
                            line=start_line,
                        )
                    )
                current, start_line = [(tag, value)], number
            elif current is None:
                problems.append(
                    ImportProblem(
                        f"tag {tag} outside a record (a record starts with TY)", line=number
                    )
                )
            elif tag == "ER":
                records.append((start_line, current))
                current = None
            else:
                current.append((tag, value))
        elif not line.strip():
            if current is not None and current[-1][0] in ("AB", "N2", "N1"):
                current[-1] = (current[-1][0], current[-1][1] + "\n")  # paragraph break
        elif current is not None:
            # Continuation of a long value (abstracts wrap in some exports).
            tag, value = current[-1]
            joiner = "" if value.endswith("\n") else " "
            current[-1] = (tag, f"{value}{joiner}{line.strip()}" if value else line.strip())
        else:
            problems.append(
                ImportProblem("not RIS (expected a line like 'TY  - JOUR')", line=number)
            )
    if current is not None:
        problems.append(
            ImportProblem(
                "record has no ER line; it was skipped", entry=_label(current), line=start_line
            )
        )
    return records


def _label(tags: list[tuple[str, str]]) -> str:
    for wanted in ("ID", "TI", "T1"):
        for tag, value in tags:
            if tag == wanted and value:
                return value[:80]
    return ""


def _first(tags: list[tuple[str, str]], *names: str) -> str:
    for name in names:
        for tag, value in tags:
            if tag == name and value.strip():
                return value.strip()
    return ""


def _author(value: str) -> dict[str, str]:
    value = " ".join(value.split())
    if "," not in value:
        return {"literal": value}
    family, _, given = value.partition(",")
    given = given.strip().rstrip(",").strip()
    # RIS allows "Family, Given, Suffix".
    if "," in given:
        given, _, suffix = given.partition(",")
        family = f"{family.strip()} {suffix.strip()}"
    author = {"family": family.strip()}
    if given.strip():
        author["given"] = given.strip()
    return author


def _record_to_metadata(
    line: int, tags: list[tuple[str, str]], problems: list[ImportProblem]
) -> StudyMetadata | None:
    label = _label(tags)
    title = " ".join(_first(tags, "TI", "T1").split())
    if not title:
        problems.append(ImportProblem("record has no title (TI)", entry=label, line=line))
        return None
    ris_type = _first(tags, "TY").upper()
    start, end = _first(tags, "SP"), _first(tags, "EP")
    pages = normalize_pages(start if not end or end == start or "-" in start else f"{start}-{end}")
    year_match = re.search(r"\d{4}", _first(tags, "PY", "Y1", "DA"))
    container = _first(tags, "T2", "JO", "JF", "JA") if ris_type not in ("BOOK",) else ""
    metadata = StudyMetadata(
        title=title,
        authors=[_author(v) for t, v in tags if t in ("AU", "A1") and v.strip()],
        container_title=container,
        container_title_short=_first(tags, "J2"),
        year=int(year_match.group(0)) if year_match else None,
        volume=_first(tags, "VL"),
        issue=_first(tags, "IS"),
        pages=pages,
        abstract="\n\n".join(
            p for p in (" ".join(p.split()) for p in _first(tags, "AB", "N2").split("\n")) if p
        ),
        url=_first(tags, "UR"),
        crossref_type=RIS_TYPE_TO_CROSSREF.get(ris_type, ""),
        source="ris",
        bibtex_key=_first(tags, "ID"),
    )
    raw_doi = _first(tags, "DO")
    if raw_doi:
        try:
            metadata.doi = clean_doi(raw_doi)
        except InvalidIdentifier:
            problems.append(
                ImportProblem(f"DOI {raw_doi!r} is not valid; left out", entry=label, line=line)
            )
    for tag, normalizer, attribute in (
        ("AN", normalize_pmid, "pmid"),
        ("C2", normalize_pmcid, "pmcid"),
    ):
        raw = _first(tags, tag)
        if raw:
            try:
                setattr(metadata, attribute, normalizer(raw))
            except InvalidIdentifier:
                pass  # AN and C2 hold other things in some exports; not an error
    notes = " ".join(v for t, v in tags if t == "N1")
    metadata.registrations = find_registrations(notes)
    return metadata


def parse_ris(text: str) -> ImportResult:
    """Studies from pasted RIS, and a problem for each record that could not be read. Never raises."""
    if not isinstance(text, str) or not text.strip():
        return ImportResult([], [ImportProblem("nothing to import")])
    problems: list[ImportProblem] = []
    studies: list[StudyMetadata] = []
    for line, tags in _records(text, problems):
        metadata = _record_to_metadata(line, tags, problems)
        if metadata is not None:
            studies.append(metadata)
    if not studies and not problems:
        problems.append(ImportProblem("no RIS records found"))
    return ImportResult(studies, problems)


def _line(tag: str, value: str) -> str:
    # One line per tag; a value must not start a new tag by containing a line break.
    return f"{tag}  - {' '.join(value.split())}"


def to_ris(metadata: StudyMetadata) -> str:
    """One RIS record for `metadata`, CRLF line endings as the format specifies."""
    lines = [
        _line(
            "TY",
            CROSSREF_TO_RIS_TYPE.get(
                metadata.crossref_type, "JOUR" if metadata.container_title else "GEN"
            ),
        )
    ]
    if metadata.bibtex_key:
        lines.append(_line("ID", metadata.bibtex_key))
    for author in metadata.authors:
        if author.get("literal"):
            lines.append(_line("AU", author["literal"].replace(",", " ")))
        else:
            name = author.get("family", "")
            lines.append(
                _line("AU", f"{name}, {author['given']}" if author.get("given") else f"{name},")
            )
    lines.append(_line("TI", metadata.title))
    if metadata.container_title:
        lines.append(_line("T2", metadata.container_title))
    if metadata.container_title_short:
        lines.append(_line("J2", metadata.container_title_short))
    if metadata.year:
        lines.append(_line("PY", str(metadata.year)))
    if metadata.volume:
        lines.append(_line("VL", metadata.volume))
    if metadata.issue:
        lines.append(_line("IS", metadata.issue))
    if metadata.pages:
        start, _, end = metadata.pages.partition("-")
        lines.append(_line("SP", start))
        if end:
            lines.append(_line("EP", end))
    if metadata.doi:
        lines.append(_line("DO", metadata.doi))
    if metadata.pmid:
        lines.append(_line("AN", metadata.pmid))
    if metadata.pmcid:
        lines.append(_line("C2", metadata.pmcid))
    if metadata.url:
        lines.append(_line("UR", metadata.url))
    if metadata.registrations:
        lines.append(_line("N1", "Trial registration: " + "; ".join(metadata.registrations)))
    if metadata.abstract:
        paragraphs = [" ".join(p.split()) for p in metadata.abstract.split("\n\n") if p.strip()]
        # Later paragraphs go on continuation lines after a blank line, which readers append.
        lines.append(_line("AB", paragraphs[0]))
        for paragraph in paragraphs[1:]:
            lines.extend(["", paragraph])
    lines.append("ER  - ")
    return "\r\n".join(lines) + "\r\n"
