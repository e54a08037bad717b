"""Stored studies for service and view tests, built from the recorded Crossref responses in
tests/forum/references/fixtures (the five verified studies and the synthetic 10.5555 cases)."""

from forum.evidence.referencing import studies_import
from forum.models import Study
from forum.references.metadata import StudyMetadata
from tests.forum.references.conftest import json_response
from tests.forum.references.studies import VERIFIED, crossref_study

__all__ = ["VERIFIED", "crossref_response", "stored_study", "stored_metadata"]

ESEARCH = "/entrez/eutils/esearch.fcgi"
ESUMMARY = "/entrez/eutils/esummary.fcgi"
EFETCH = "/entrez/eutils/efetch.fcgi"


def crossref_response(name: str, **kwargs):
    return json_response(f"crossref_{name}.json", **kwargs)


def stored_study(name: str, **changes) -> Study:
    """A resolved study from a recorded Crossref response (`name` as in crossref_<name>.json)."""
    metadata = crossref_study(name)
    for field, value in changes.items():
        setattr(metadata, field, value)
    return studies_import(records=[metadata])[0]


def stored_metadata(**fields) -> Study:
    return studies_import(records=[StudyMetadata(source="manual", **fields)])[0]
