import pytest

from forum.references.identifiers import (
    Identifier,
    IdentifierKind,
    InvalidIdentifier,
    clean_doi,
    detect_identifier,
    find_registrations,
    is_valid,
    normalize_doi,
    normalize_eudract,
    normalize_nct,
    normalize_pmcid,
    normalize_pmid,
)


@pytest.mark.parametrize(
    "raw",
    [
        "10.1097/PR9.0000000000001080",
        "https://doi.org/10.1097/PR9.0000000000001080",
        "http://dx.doi.org/10.1097/pr9.0000000000001080",
        "doi:10.1097/PR9.0000000000001080",
        "DOI: 10.1097/PR9.0000000000001080.",
        "  https://doi.org/10.1097%2FPR9.0000000000001080  ",
    ],
)
def test_doi_forms_normalise_to_one_lowercase_canonical_form(raw):
    assert normalize_doi(raw) == "10.1097/pr9.0000000000001080"


def test_clean_doi_keeps_the_publishers_case():
    assert (
        clean_doi("https://doi.org/10.1016/S2665-9913(23)00278-3")
        == "10.1016/S2665-9913(23)00278-3"
    )


@pytest.mark.parametrize("raw", ["", "10.12/abc", "11.1097/x", "10.1097/", "doi:", "hello", None])
def test_malformed_dois_are_rejected(raw):
    with pytest.raises(InvalidIdentifier):
        normalize_doi(raw)


def test_pmid_pmcid_nct_and_eudract_normalise():
    assert normalize_pmid("PMID: 38226027") == "38226027"
    assert normalize_pmid("https://pubmed.ncbi.nlm.nih.gov/38226027/") == "38226027"
    assert normalize_pmid(19453963) == "19453963"
    assert normalize_pmcid("pmc1234567") == "PMC1234567"
    assert normalize_pmcid("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1234567/") == "PMC1234567"
    assert normalize_nct("nct04739995") == "NCT04739995"
    assert normalize_nct("https://clinicaltrials.gov/study/NCT04270877") == "NCT04270877"
    assert normalize_eudract("EudraCT 2021-002534-16") == "2021-002534-16"


@pytest.mark.parametrize(
    "kind, raw",
    [
        ("pmid", "0123"),
        ("pmid", "38226027a"),
        ("pmcid", "PMC"),
        ("nct", "NCT0473999"),
        ("nct", "NCT047399955"),
        ("eudract", "2021-02534-16"),
    ],
)
def test_wrong_shapes_are_invalid(kind, raw):
    assert not is_valid(kind, raw)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("10.1002/art.37734", Identifier(IdentifierKind.DOI, "10.1002/art.37734")),
        (
            "https://doi.org/10.1136/bmjopen-2021-055351",
            Identifier(IdentifierKind.DOI, "10.1136/bmjopen-2021-055351"),
        ),
        ("38226027", Identifier(IdentifierKind.PMID, "38226027")),
        ("pmid:34992118", Identifier(IdentifierKind.PMID, "34992118")),
        ("https://pubmed.ncbi.nlm.nih.gov/19453963/", Identifier(IdentifierKind.PMID, "19453963")),
        ("PMC1234567", Identifier(IdentifierKind.PMCID, "PMC1234567")),
        ("NCT04739995", Identifier(IdentifierKind.NCT, "NCT04739995")),
        ("2021-002534-16", Identifier(IdentifierKind.EUDRACT, "2021-002534-16")),
        ("naltrexone fibromyalgia", None),
        ("", None),
    ],
)
def test_detect_identifier_recognises_what_people_paste(raw, expected):
    assert detect_identifier(raw) == expected


def test_find_registrations_in_free_text():
    text = "Trial registration numbers: NCT04739995; EudraCT 2021-002534-16. Also nct04739995."
    assert find_registrations(text) == ["NCT04739995", "2021-002534-16"]


@pytest.mark.parametrize("raw", ["0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097",
                                 "http://orcid.org/0000-0002-1825-0097/", "0000000218250097", " 0000 0002 1825 0097 "])
def test_orcid_forms_normalise_to_the_bare_hyphenated_form(raw):
    from forum.references.identifiers import normalize_orcid

    assert normalize_orcid(raw) == "0000-0002-1825-0097"


@pytest.mark.parametrize("raw", ["0000-0002-1825-0098", "0000-0002-1825", "orcid", ""])
def test_an_orcid_with_a_wrong_check_digit_or_shape_is_invalid(raw):
    from forum.references.identifiers import InvalidIdentifier, normalize_orcid

    with pytest.raises(InvalidIdentifier):
        normalize_orcid(raw)
