from forum.references.bibtex import make_bibtex_key, parse_bibtex, to_bibtex
from forum.references.metadata import StudyMetadata

from .studies import VERIFIED, crossref_study

SEED_ENTRY = r"""
@article{bested2023naltrexone,
    title={Low-dose naltrexone for treatment of pain in patients with fibromyalgia: a randomized, double-blind, placebo-controlled, crossover study},
    author={Bested, Kirsten and Jensen, Lotte M and Andresen, Trine and Tarp, Grete and Skovbjerg, Louise and Johansen, Torben SD and Schmedes, Anne V and Storgaard, Ida K and Madsen, Jonna S and Werner, Mads U and others},
    journal={PAIN Reports},
    volume={8},
    number={4},
    pages={e1080},
    year={2023},
    publisher={LWW}
}
"""

SEVERAL = (
    SEED_ENTRY
    + r"""
@article{younger2013,
  author = {Younger, J. and Noor, N. and McCue, R. and Mackey, S.},
  title = {Low-dose naltrexone for the treatment of fibromyalgia},
  journal = {Arthritis \& Rheumatism},
  year = 2013, volume = 65, number = 2, pages = {529--538},
  doi = {https://doi.org/10.1002/art.37734},
  note = {ClinicalTrials.gov NCT00568555}
}
@misc{accents,
  author = {M{\"u}ller, J{\o}rgen and Sj{\"o}gren, {\AA}sa and {World Health Organization} and van der Berg, Jan},
  title = {{\"O}stergaard's na{\"\i}ve caf{\'e} study},
  year = {2020}
}
"""
)


def test_the_seed_entry_parses_with_its_key_and_drops_and_others():
    studies, problems = parse_bibtex(SEED_ENTRY)
    assert problems == []
    [study] = studies
    assert study.bibtex_key == "bested2023naltrexone"
    assert study.source == "bibtex"
    assert study.container_title == "PAIN Reports"
    assert (study.year, study.volume, study.issue, study.pages) == (2023, "8", "4", "e1080")
    assert len(study.authors) == 10
    assert study.authors[1] == {"family": "Jensen", "given": "Lotte M"}
    assert study.crossref_type == "journal-article"


def test_several_entries_at_once_with_identifiers_and_escapes():
    result = parse_bibtex(SEVERAL)
    assert result.problems == []
    assert [s.bibtex_key for s in result.studies] == [
        "bested2023naltrexone",
        "younger2013",
        "accents",
    ]
    younger = result.studies[1]
    assert younger.container_title == "Arthritis & Rheumatism"
    assert younger.doi == "10.1002/art.37734"
    assert younger.pages == "529-538"
    assert younger.registrations == ["NCT00568555"]


def test_latex_accents_are_decoded_and_group_authors_stay_whole():
    study = parse_bibtex(SEVERAL).studies[2]
    assert study.title == "Östergaard's naïve café study"
    assert study.authors == [
        {"family": "Müller", "given": "Jørgen"},
        {"family": "Sjögren", "given": "Åsa"},
        {"literal": "World Health Organization"},
        {"family": "van der Berg", "given": "Jan"},
    ]


def test_a_broken_entry_is_reported_by_key_and_the_others_survive():
    text = (
        SEED_ENTRY
        + "\n@article{broken2020,\n  title = {Unclosed,\n  year = 2020\n"
        + "\n@misc{fine2021, title={Fine}, year={2021}}\n"
    )
    studies, problems = parse_bibtex(text)
    assert [s.bibtex_key for s in studies] == ["bested2023naltrexone", "fine2021"]
    assert len(problems) == 1
    assert problems[0].entry == "broken2020"
    assert "broken2020" in str(problems[0])


def test_entry_without_title_and_invalid_doi_are_reported():
    studies, problems = parse_bibtex(
        "@article{notitle, year={2020}}\n@article{baddoi, title={X}, doi={not-a-doi}}"
    )
    assert [s.bibtex_key for s in studies] == ["baddoi"]
    assert studies[0].doi == ""
    assert {p.entry for p in problems} == {"notitle", "baddoi"}


def test_duplicate_fields_are_reported():
    studies, problems = parse_bibtex("@article{dup, title={One}, title={Two}}")
    assert studies == []
    assert problems[0].entry == "dup"


def test_garbage_never_raises():
    for garbage in [
        "",
        "   ",
        "hello world",
        "@@@{{{",
        "@article{",
        "}}}}",
        "\x00\xff",
        "@article{x, author={Smith, , , A, B}, title={T}}",
        None,
    ]:
        studies, problems = parse_bibtex(garbage)
        assert problems or studies


def test_export_escapes_special_characters():
    study = StudyMetadata(
        title="Müller & Sons: 50% of $x_1$ #cases {braced} ~ ^ \\ done",
        authors=[{"family": "Sjögren", "given": "Åsa"}, {"literal": "World Health Organization"}],
        year=2020,
        bibtex_key="sjogren2020",
    )
    bibtex = to_bibtex(study)
    assert bibtex.startswith("@misc{sjogren2020,")
    assert (
        "\\&" in bibtex
        and "\\%" in bibtex
        and "\\$" in bibtex
        and "\\#" in bibtex
        and "\\_" in bibtex
    )
    assert "ö" not in bibtex and "Å" not in bibtex
    assert "{World Health Organization}" in bibtex


def test_export_then_import_gives_the_same_metadata():
    tricky = StudyMetadata(
        title="Müller & Sons: 50% of $x_1$ #cases {braced} ~ ^ \\ done",
        authors=[
            {"family": "Sjögren", "given": "Åsa"},
            {"literal": "World Health Organization"},
            {"family": "van der Berg", "given": "Jan"},
        ],
        container_title="Journal of Tests & Fixtures",
        year=2020,
        pages="12-19",
        abstract="First paragraph, 100% plain.\n\nSecond paragraph.",
        doi="10.5555/evident-roundtrip",
        pmid="99999999",
        pmcid="PMC0000001",
        url="https://example.org/paper?id=1&x=2",
        registrations=["NCT04739995", "2021-002534-16"],
        crossref_type="journal-article",
        source="bibtex",
        bibtex_key="sjogren2020muller",
    )
    studies = [tricky] + [crossref_study(name) for name in VERIFIED]
    for original in studies:
        original.bibtex_key = original.bibtex_key or make_bibtex_key(original)
        [again], problems = parse_bibtex(to_bibtex(original))
        assert problems == []
        expected = original.to_dict() | {
            "source": "bibtex",
            "updated_by": [],
            "publication_types": [],
        }
        for author in expected["authors"]:
            author.pop("orcid", None)
        assert again.to_dict() == expected


def test_make_bibtex_key():
    assert make_bibtex_key(crossref_study("bested2023")) == "bested2023low"
    assert make_bibtex_key(StudyMetadata(title="", year=None)) == "anon"
