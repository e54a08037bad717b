import json

from forum.references.metadata import ImportProblem, StudyMetadata, normalize_pages

from .studies import crossref_study


def test_json_round_trip():
    study = crossref_study("innova2022")
    stored = json.loads(json.dumps(study.to_dict()))
    assert StudyMetadata.from_dict(stored) == study


def test_from_dict_tolerates_unknown_keys_and_nulls():
    study = StudyMetadata.from_dict({"title": "T", "year": "2020", "future_field": 1, "doi": None})
    assert (study.title, study.year, study.doi) == ("T", 2020, "")


def test_merged_with_fills_gaps_and_unites_lists():
    crossref = crossref_study("bested2023")
    pubmed = StudyMetadata(
        title="Other title",
        pmid="38226027",
        publication_types=["Journal Article"],
        authors=[{"family": "X"}],
        source="pubmed",
    )
    merged = crossref.merged_with(pubmed)
    assert merged.title == crossref.title
    assert merged.pmid == "38226027"
    assert merged.publication_types == ["Journal Article"]
    assert merged.authors == crossref.authors
    assert merged.source == "crossref"
    assert crossref.pmid == ""  # the original is untouched


def test_normalize_pages_and_problem_text():
    assert normalize_pages("663\u2013672") == "663-672"
    assert normalize_pages("e31 -- e39") == "e31-e39"
    assert (
        str(ImportProblem("is broken", entry="key1", line=3)) == "entry 'key1', line 3: is broken"
    )
