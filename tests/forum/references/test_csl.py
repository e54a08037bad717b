import pytest

from forum.references.csl import UnknownStyle, format_reference, format_references, to_csl_json
from forum.references.metadata import StudyMetadata

from .studies import crossref_study

BESTED_AMA = (
    "Bested K, Jensen LM, Andresen T, et al. Low-dose naltrexone for treatment of pain in patients "
    "with fibromyalgia: a randomized, double-blind, placebo-controlled, crossover study. PAIN Rep. "
    "2023;8(4):e1080. doi:10.1097/PR9.0000000000001080"
)


def test_ama_text_for_bested_2023():
    assert format_reference(crossref_study("bested2023"), output="text") == BESTED_AMA


def test_ama_html_italicises_the_journal_and_nothing_else():
    html = format_reference(crossref_study("bested2023"))
    assert html == BESTED_AMA.replace("PAIN Rep.", "<i>PAIN Rep</i>.")


def test_html_output_escapes_markup_in_the_data():
    study = StudyMetadata(
        title="A <script>alert(1)</script> & \ue010i\ue011 trick",
        authors=[{"literal": "WHO <b>"}],
        container_title="J <img src=x>",
        year=2020,
    )
    html = format_reference(study)
    assert "<script>" not in html and "<b>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    assert html.count("<i>") == 1  # only the style's own italics


def test_reference_list_keeps_order_and_has_no_numbers():
    entries = format_references(
        [crossref_study("younger2013"), crossref_study("bruun2024")], output="text"
    )
    assert entries[0].startswith("Younger J, Noor N, McCue R, Mackey S.")
    assert "Arthritis & Rheumatism. 2013;65(2):529-538." in entries[0]
    assert entries[1].startswith("Bruun KD, Christensen R, Amris K.")


def test_other_styles_and_unknown_style():
    assert "Bested" in format_reference(crossref_study("bested2023"), style="apa", output="text")
    with pytest.raises(UnknownStyle):
        format_reference(crossref_study("bested2023"), style="no-such-style")


def test_csl_json_item():
    item = to_csl_json(crossref_study("innova2022"))
    assert item["type"] == "article-journal"
    assert item["DOI"] == "10.1136/bmjopen-2021-055351"
    assert item["issued"] == {"date-parts": [[2022]]}
    assert item["author"][0] == {"family": "Colomer-Carbonell", "given": "A"}
    assert item["container-title"] == "BMJ Open"
    assert item["page"] == "e055351"
    preprint = to_csl_json(crossref_study("synthetic_preprint"))
    assert preprint["type"] == "article"
    assert "container-title" not in preprint


def test_a_study_without_authors_shows_its_title_once():
    study = StudyMetadata(title="Anonymous report", container_title="J Tests", year=2020)
    assert format_reference(study, output="text").count("Anonymous report") == 1
