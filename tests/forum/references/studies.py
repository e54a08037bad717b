"""The five verified studies as StudyMetadata, built from the recorded Crossref responses."""

from forum.references.crossref import parse_work

from .conftest import fixture_json


def crossref_study(name: str):
    return parse_work(fixture_json(f"crossref_{name}.json")["message"])


VERIFIED = ["innova2022", "bested2023", "younger2009", "younger2013", "bruun2024"]
