"""Which registry a trial registration number belongs to, told by its prefix, so a study page
with two registrations says "ClinicalTrials.gov registration" and "ISRCTN registration" rather
than two rows both labelled "Registration"."""

import re

_REGISTRIES = (
    (re.compile(r"NCT\d", re.IGNORECASE), "ClinicalTrials.gov"),
    (re.compile(r"ISRCTN", re.IGNORECASE), "ISRCTN"),
    (re.compile(r"ACTRN", re.IGNORECASE), "ANZCTR"),
    (re.compile(r"ChiCTR", re.IGNORECASE), "Chinese Clinical Trial Registry"),
    (re.compile(r"CTRI", re.IGNORECASE), "Clinical Trials Registry – India"),
    (re.compile(r"DRKS", re.IGNORECASE), "German Clinical Trials Register"),
    (re.compile(r"(EUCTR|EudraCT)?\s*\d{4}-\d{6}-\d{2}", re.IGNORECASE), "EU Clinical Trials Register"),
    (re.compile(r"jRCT|UMIN", re.IGNORECASE), "Japanese registry"),
    (re.compile(r"PACTR", re.IGNORECASE), "Pan African Clinical Trials Registry"),
    (re.compile(r"IRCT", re.IGNORECASE), "Iranian Registry of Clinical Trials"),
    (re.compile(r"KCT\d", re.IGNORECASE), "CRIS (Korea)"),
    (re.compile(r"CRD42", re.IGNORECASE), "PROSPERO"),
    (re.compile(r"NTR\d|NL\d", re.IGNORECASE), "Netherlands Trial Register"),
)

# Where the study's details came from, as the end of a sentence ("Details from Crossref").
_SOURCES = {"crossref": "Crossref", "pubmed": "PubMed", "datacite": "DataCite", "bibtex": "a BibTeX file",
            "ris": "an RIS file", "csl": "a CSL-JSON file", "csl-json": "a CSL-JSON file"}


def registry_name(registration: str) -> str:
    text = (registration or "").strip()
    for pattern, name in _REGISTRIES:
        if pattern.match(text):
            return name
    return ""


def details_source_text(source: str) -> str:
    """ "Details from Crossref" or "Entered by hand": never "Details from manual"."""
    if source in ("manual", "moderator"):
        return "Entered by hand"
    return f"Details from {_SOURCES.get(source, source)}"
