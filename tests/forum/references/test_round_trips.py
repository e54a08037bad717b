"""Export a study, import the file again: the same identifiers, the same study, nothing created.

Generated records carry what breaks naive exporters: `_ % { } < > ;`, accents, Unicode dashes,
DOIs with underscores and brackets."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings, strategies as st

from forum.evidence.referencing import references_add, studies_import
from forum.models import Study
from forum.references.bibtex import parse_bibtex, to_bibtex
from forum.references.csl import parse_csl_json, to_csl_json
from forum.references.identifiers import normalize_doi
from forum.references.metadata import StudyMetadata
from forum.references.ris import parse_ris, to_ris

TRICKY = "_%{}<>;éüøçñÅß\u2013\u2014\u2010\u2212"
letters = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
words = st.text(alphabet=st.sampled_from("abcdefghij klmnopXYZ0123456789" + TRICKY), min_size=1, max_size=30)
text_field = words.map(lambda text: " ".join(text.split())).filter(bool)
doi_suffix = st.tuples(
    st.text(alphabet=st.sampled_from("abcxyzABC0123"), min_size=1, max_size=4),
    st.text(alphabet=st.sampled_from("abc0123_;()<>[]-./:"), max_size=12),
    st.text(alphabet=st.sampled_from("xyz789"), min_size=1, max_size=3),
).map("".join)
dois = st.tuples(st.integers(1000, 99999), doi_suffix).map(lambda parts: f"10.{parts[0]}/{parts[1]}")
people = st.fixed_dictionaries({"family": text_field.filter(lambda t: t.strip(" ,") == t and "," not in t),
                                "given": st.sampled_from(["Anna", "Zoë", "José María", "Ångström"])})
records = st.builds(
    StudyMetadata,
    title=text_field,
    authors=st.lists(people, max_size=3),
    container_title=text_field,
    year=st.one_of(st.none(), st.integers(1950, 2030)),
    volume=st.sampled_from(["", "8", "12"]),
    issue=st.sampled_from(["", "4", "S1"]),
    pages=st.sampled_from(["", "e1080", "31-39"]),
    doi=st.one_of(st.just(""), dois, st.just("10.3892/ijo_00000353")),
    pmid=st.one_of(st.just(""), st.integers(1, 99_999_999).map(str)),
    pmcid=st.one_of(st.just(""), st.integers(1, 9_999_999).map(lambda n: f"PMC{n}")),
    bibtex_key=st.one_of(st.just(""), st.from_regex(r"[a-z]{3,8}20[0-2][0-9][a-z]{2,6}", fullmatch=True)),
    crossref_type=st.sampled_from(["journal-article", "posted-content", ""]),
    more_authors=st.booleans(),
)


def export_bibtex(metadata):
    return parse_bibtex(to_bibtex(metadata))


def export_ris(metadata):
    return parse_ris(to_ris(metadata))


def export_csl(metadata):
    return parse_csl_json(json.dumps([to_csl_json(metadata)]))


FORMATS = {"bibtex": export_bibtex, "ris": export_ris, "csl-json": export_csl}


def identifiers(metadata):
    return (normalize_doi(metadata.doi) if metadata.doi else "", metadata.pmid, metadata.pmcid)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=60, deadline=None)
@given(metadata=records)
def test_export_then_import_keeps_identifiers_and_text(fmt, metadata):
    result = FORMATS[fmt](metadata)

    assert not result.problems, result.problems
    [again] = result.studies
    assert identifiers(again) == identifiers(metadata)
    assert again.doi == metadata.doi  # verbatim: not even the case changes
    assert again.title == metadata.title
    assert again.container_title == metadata.container_title
    assert [a.get("family") for a in again.authors] == [a["family"] for a in metadata.authors]
    assert again.year == metadata.year
    if metadata.bibtex_key:
        assert again.bibtex_key == metadata.bibtex_key
    if fmt == "bibtex":
        assert again.more_authors == (metadata.more_authors and bool(metadata.authors))


def test_a_doi_with_an_underscore_is_written_verbatim():
    exported = to_bibtex(StudyMetadata(title="KRAS in colorectal cancer", doi="10.3892/ijo_00000353"))
    assert "doi = {10.3892/ijo_00000353}" in exported
    assert "\\_" not in exported.split("doi = ")[1].split("\n")[0]


@pytest.mark.parametrize("escaped", ["10.3892/ijo{\\_}00000353", "10.3892/ijo\\_00000353",
                                     "10.3892/ijo\\textunderscore 00000353".replace(" ", "")])
def test_a_doi_another_tool_escaped_reads_as_the_real_doi(escaped):
    [metadata] = parse_bibtex(f"@article{{k, title={{T}}, doi={{{escaped}}}}}").studies
    assert metadata.doi == "10.3892/ijo_00000353"


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(metadata=records)
def test_a_stored_study_imported_from_its_own_export_is_found_not_doubled(metadata):
    client = Client()  # the web client (this package's `client` fixture is the look-up client)
    [study] = studies_import(records=[metadata])
    count = Study.objects.count()
    for fmt in ("bib", "ris", "json"):
        exported = client.get(reverse("forum:study_export", kwargs={"study_id": study.pk, "fmt": fmt}))
        added = references_add(text=exported.content.decode())
        assert not added.problems, (fmt, added.problems)
        assert [s.pk for s in added.studies] == [study.pk], fmt
        assert Study.objects.count() == count, fmt
        found = Study.objects.get(pk=study.pk)
        assert (found.doi, found.pmid, found.pmcid) == (study.doi, study.pmid, study.pmcid), fmt
        if study.bibtex_key:
            assert found.bibtex_key == study.bibtex_key, fmt
