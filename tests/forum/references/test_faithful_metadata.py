"""What a reader sees of a record is what the publisher published: the year it came out, a title
that reads as printed, no "null" where a field is missing, and reference lines without stray
punctuation or labels that do not apply."""

import pytest

from forum.references.bibtex import parse_bibtex, to_bibtex
from forum.references.crossref import fetch_work, parse_work
from forum.references.csl import format_reference
from forum.references.metadata import StudyMetadata
from forum.references.plain_text import markup_to_text

from .conftest import fixture_json, json_response

NO_ISSUED = "/works/10.5555/synthetic.no-issued"


def test_year_comes_from_the_print_date_when_issued_is_empty_never_the_deposit(client, server):
    server.add(NO_ISSUED, json_response("crossref_synthetic_no_issued.json"))

    study = fetch_work("10.5555/synthetic.no-issued", client=client)

    assert study.year == 2014  # created/deposited say 2016


@pytest.mark.parametrize("dates, year", [
    ({"issued": {"date-parts": [[2019, 1]]}, "published-print": {"date-parts": [[2020]]}}, 2019),
    ({"issued": {"date-parts": [[None]]}, "published-print": {"date-parts": [[2020]]},
      "published-online": {"date-parts": [[2018]]}}, 2020),
    ({"issued": {"date-parts": [[None]]}, "published-online": {"date-parts": [[2018, 3, 2]]}}, 2018),
    ({"issued": {}, "created": {"date-parts": [[2016, 2, 11]]},
      "deposited": {"date-parts": [[2016, 2, 11]]}}, None),
])
def test_year_order_is_issued_then_print_then_online(dates, year):
    assert parse_work({"title": ["A study"], **dates}).year == year


def test_escaped_markup_in_a_title_reads_naturally(client, server):
    server.add(NO_ISSUED, json_response("crossref_synthetic_no_issued.json"))

    study = fetch_work("10.5555/synthetic.no-issued", client=client)

    assert study.title == "KRAS/NRAS status in giant clams (Tridacna maxima) & H2O"


@pytest.mark.parametrize("markup, text", [
    ("<i>KRAS</i>/<i>NRAS</i> mutations", "KRAS/NRAS mutations"),
    ("Giant clams (<i>Tridacna maxima</i>)", "Giant clams (Tridacna maxima)"),
    ("Giant clams (&lt;i&gt;Tridacna maxima&lt;/i&gt;)", "Giant clams (Tridacna maxima)"),
    ("H&lt;sub&gt;2&lt;/sub&gt;O and CO<sub>2</sub>", "H2O and CO2"),
    ("the &lt;scp&gt;COVID&lt;/scp&gt;\u201019 pandemic", "the COVID\u201019 pandemic"),
    ("Before&lt;br/&gt;after", "Before after"),
    # One reading per layer of escaping, and no more: a triple-escaped tag stays visible text.
    ("&lt;i&gt;p&lt;/i&gt; &amp;lt; 0.05", "p < 0.05"),
    ("&amp;lt;i&amp;gt;x&amp;lt;/i&amp;gt;", "<i>x</i>"),
    ("HbA1c &lt;7% in adults", "HbA1c <7% in adults"),
])
def test_markup_is_read_once_per_layer_without_inventing_spaces(markup, text):
    assert markup_to_text(markup) == text


def test_literal_null_values_are_dropped(client, server):
    server.add(NO_ISSUED, json_response("crossref_synthetic_no_issued.json"))

    study = fetch_work("10.5555/synthetic.no-issued", client=client)

    assert (study.volume, study.issue, study.pages) == ("7", "", "")
    assert study.authors == [{"family": "Silva", "given": "Ana"}, {"family": "Okafor"}]
    assert "null" not in format_reference(study, output="text").lower()


def test_stored_records_with_null_strings_are_cleaned_when_read():
    metadata = StudyMetadata.from_dict({"title": "T", "volume": "null", "issue": "NULL",
                                        "authors": [{"family": "null", "given": "null"}],
                                        "registrations": ["null"]})
    assert (metadata.volume, metadata.issue, metadata.authors, metadata.registrations) == ("", "", [], [])


BESTED_BIBTEX = """@article{bested2023low,
  title={Low-dose naltrexone for treatment of pain in patients with fibromyalgia},
  author={Bested, Kirsten and Jensen, Lotte M and Andresen, Trine and others},
  journal={PAIN Reports}, volume={8}, number={4}, pages={e1080}, year={2023},
  doi={10.1097/PR9.0000000000001080}
}"""


def test_and_others_is_kept_as_et_al_and_written_back():
    [metadata] = parse_bibtex(BESTED_BIBTEX).studies

    assert [a["family"] for a in metadata.authors] == ["Bested", "Jensen", "Andresen"]
    assert metadata.more_authors
    line = format_reference(metadata, output="text")
    assert line.startswith("Bested K, Jensen LM, Andresen T, et al. Low-dose")
    exported = to_bibtex(metadata)
    assert "Andresen, Trine and others}" in exported
    [again] = parse_bibtex(exported).studies
    assert again.more_authors and again.authors == metadata.authors


def test_a_complete_author_list_gets_no_et_al():
    [metadata] = parse_bibtex(BESTED_BIBTEX.replace(" and others", "")).studies
    assert not metadata.more_authors
    assert "et al" not in format_reference(metadata, output="text")


AUTHOR = [{"family": "Smith", "given": "Jane"}]


@pytest.mark.parametrize("title", ["Does vitamin D prevent colds?", "Vitamin D prevents colds!",
                                   "Vitamin D and colds."])
def test_a_title_ending_in_punctuation_gets_no_second_stop(title):
    metadata = StudyMetadata(title=title, authors=AUTHOR, container_title="BMJ", year=2020, volume="3",
                             issue="2", pages="1-5", doi="10.5555/x", crossref_type="journal-article")
    for output in ("text", "html"):
        line = format_reference(metadata, output=output)
        assert "?." not in line and "!." not in line and ".." not in line
        assert title in line


def test_a_journal_abbreviation_ending_in_a_stop_is_not_doubled_in_html():
    metadata = StudyMetadata(title="A trial", authors=AUTHOR, container_title="Ann. Intern. Med.", year=2020,
                             volume="3", pages="1-5", doi="10.5555/x", crossref_type="journal-article")
    assert ".</i>." not in format_reference(metadata) and ".." not in format_reference(metadata)


def test_preprint_label_only_for_preprints():
    preprint = StudyMetadata(title="Early findings", authors=AUTHOR, container_title="medRxiv", year=2021,
                             doi="10.1101/2021.01.01.000001", crossref_type="posted-content")
    untyped = StudyMetadata(title="A study", authors=AUTHOR, year=2021, doi="10.5555/x")
    pubmed_only = StudyMetadata(title="A study", authors=AUTHOR, container_title="Lancet", year=2021,
                                pmid="123456", source="pubmed")

    assert "Preprint posted online" in format_reference(preprint, output="text")
    assert "Preprint" not in format_reference(untyped, output="text")
    assert "Preprint" not in format_reference(pubmed_only, output="text")


def test_published_online_only_without_an_issue():
    with_issue = StudyMetadata(title="A study", authors=AUTHOR, container_title="Lancet", year=2021,
                               issue="4", pages="e1", doi="10.5555/x", crossref_type="journal-article")
    online_first = StudyMetadata(title="A study", authors=AUTHOR, container_title="Lancet", year=2021,
                                 doi="10.5555/y", crossref_type="journal-article")

    assert "Published online" not in format_reference(with_issue, output="text")
    assert "Published online 2021" in format_reference(online_first, output="text")


def test_recorded_bested_record_formats_cleanly():
    metadata = parse_work(fixture_json("crossref_bested2023.json")["message"])
    line = format_reference(metadata, output="text")
    assert "?." not in line and ".." not in line and "Preprint" not in line and "Published online" not in line
