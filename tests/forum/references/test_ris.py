from forum.references.metadata import StudyMetadata
from forum.references.ris import parse_ris, to_ris

from .studies import VERIFIED, crossref_study

GOOD = """TY  - JOUR
AU  - Bested, Kirsten
AU  - Jensen, Lotte Marie
AU  - Andresen, Trine
TI  - Low-dose naltrexone for treatment of pain in patients with fibromyalgia: a randomized, double-blind, placebo-controlled, crossover study
T2  - PAIN Reports
J2  - PAIN Rep
PY  - 2023
VL  - 8
IS  - 4
SP  - e1080
DO  - 10.1097/PR9.0000000000001080
AN  - 38226027
ER  - 

TY  - JOUR
AU  - Younger, Jarred
AU  - Mackey, Sean
TI  - Fibromyalgia symptoms are reduced by low-dose naltrexone:
  a pilot study
JO  - Pain Medicine
PY  - 2009///
VL  - 10
IS  - 4
SP  - 663
EP  - 672
DO  - https://doi.org/10.1111/j.1526-4637.2009.00613.x
ER  - 
"""


def test_good_ris_gives_studies():
    studies, problems = parse_ris(GOOD)
    assert problems == []
    bested, younger = studies
    assert bested.source == "ris"
    assert bested.authors[1] == {"family": "Jensen", "given": "Lotte Marie"}
    assert bested.container_title == "PAIN Reports"
    assert bested.container_title_short == "PAIN Rep"
    assert (bested.year, bested.volume, bested.issue, bested.pages) == (2023, "8", "4", "e1080")
    assert bested.pmid == "38226027"
    assert bested.crossref_type == "journal-article"
    assert (
        younger.title == "Fibromyalgia symptoms are reduced by low-dose naltrexone: a pilot study"
    )
    assert younger.pages == "663-672"
    assert younger.year == 2009
    assert younger.doi == "10.1111/j.1526-4637.2009.00613.x"


def test_record_without_er_is_reported_and_the_good_one_kept():
    text = GOOD + "\nTY  - JOUR\nID  - truncated1\nTI  - Cut off mid paste\nPY  - 2020\n"
    studies, problems = parse_ris(text)
    assert len(studies) == 2
    assert len(problems) == 1
    assert problems[0].entry == "truncated1"
    assert "ER" in problems[0].message


def test_record_without_title_and_stray_lines_are_reported():
    text = "stray text before\nTY  - JOUR\nAU  - Nobody, A\nER  - \nPY  - 2020\n"
    studies, problems = parse_ris(text)
    assert studies == []
    messages = [str(p) for p in problems]
    assert any("line 1" in m and "not RIS" in m for m in messages)
    assert any("no title" in m for m in messages)
    assert any("outside a record" in m for m in messages)


def test_garbage_never_raises():
    for garbage in [
        "",
        "hello",
        "@article{x, title={BibTeX not RIS}}",
        "ER  - \nER  - ",
        "\ufeffTY  - ",
        None,
    ]:
        studies, problems = parse_ris(garbage)
        assert problems or studies


def test_export_is_valid_ris_with_crlf():
    ris = to_ris(crossref_study("younger2009"))
    lines = ris.split("\r\n")
    assert lines[0] == "TY  - JOUR"
    assert "SP  - 663" in lines and "EP  - 672" in lines
    assert lines[-2] == "ER  - "


def test_export_then_import_gives_the_same_metadata():
    tricky = StudyMetadata(
        title="Müller & Sons: <b>not markup</b>, 50%",
        authors=[
            {"family": "Sjögren", "given": "Åsa"},
            {"literal": "World Health Organization"},
            {"family": "Solo"},
        ],
        container_title="Journal of Tests",
        year=2020,
        pages="12-19",
        abstract="First paragraph.\n\nSecond paragraph.\n\nThird.",
        doi="10.5555/evident-roundtrip",
        pmid="99999999",
        pmcid="PMC0000001",
        url="https://example.org/paper?id=1&x=2",
        registrations=["NCT04739995", "2021-002534-16"],
        crossref_type="posted-content",
        bibtex_key="sjogren2020",
    )
    for original in [tricky] + [crossref_study(name) for name in VERIFIED]:
        [again], problems = parse_ris(to_ris(original))
        assert problems == []
        expected = original.to_dict() | {"source": "ris", "updated_by": [], "publication_types": []}
        for author in expected["authors"]:
            author.pop("orcid", None)
        assert again.to_dict() == expected
