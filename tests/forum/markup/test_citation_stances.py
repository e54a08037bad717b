"""A citation's stance: `[@doi:… supports]`, `contradicts`, `mentions`. Every citation form takes
one; a word that is not a stance leaves the bracket as the plain text typed."""

import pytest

from forum.markup import cook
from forum.markup.citations import CitationRef, unknown_stances
from tests.forum.markup.test_citations import StubResolver
from tests.parsed_html import parse

BESTED = "10.1097/PR9.0000000000001080"


def cited(raw: str) -> list[CitationRef]:
    resolver = StubResolver()
    cook(raw, citation_resolver=resolver)
    return resolver.refs


@pytest.mark.parametrize("raw, kind, value, stance", [
    (f"[@doi:{BESTED} supports]", "doi", BESTED, "supports"),
    (f"[@doi: {BESTED} contradicts]", "doi", BESTED, "contradicts"),
    (f"[@DOI:{BESTED}   mentions ]", "doi", BESTED, "mentions"),
    (f"[@{BESTED} Supports]", "doi", BESTED, "supports"),
    ("[@pmid:38226027 contradicts]", "pmid", "38226027", "contradicts"),
    ("[@PMID:38226027 MENTIONS]", "pmid", "38226027", "mentions"),
    ("[@bested2023naltrexone supports]", "key", "bested2023naltrexone", "supports"),
    ("[@Younger:2013/crossover contradicts]", "key", "Younger:2013/crossover", "contradicts"),
])
def test_every_citation_form_takes_a_stance(raw, kind, value, stance):
    [ref] = cited(f"As shown {raw}.")
    assert (ref.kind, ref.value, ref.stance) == (kind, value, stance)
    assert ref.typed == raw


@pytest.mark.parametrize("raw", [f"[@doi:{BESTED}]", "[@pmid:38226027]", "[@bested2023naltrexone]",
                                 f"https://doi.org/{BESTED}"])
def test_a_citation_without_a_stance_works_as_before(raw):
    resolver = StubResolver()
    html = parse(cook(raw, citation_resolver=resolver).html)
    assert [ref.stance for ref in resolver.refs] == [""]
    assert html.find("a", class_="cite__link").text == "[1] Crossover RCT"
    assert not html.find_all(class_="cite__stance")


@pytest.mark.parametrize("raw", [f"[@doi:{BESTED} proves]", "[@pmid:38226027 refutes]", "[@bested2023 support]",
                                 "[@bested2023 supports strongly]"])
def test_a_word_that_is_not_a_stance_leaves_the_citation_as_plain_text_and_is_pointed_out(raw):
    html = parse(cook(raw, citation_resolver=StubResolver()).html)
    assert not html.find_all(class_="cite")
    assert html.find("p").text == raw
    if raw.count(" ") == 1:
        assert unknown_stances(f"Text {raw} more") == [(raw, raw[raw.index(" ") + 1:-1])]


def test_the_chip_says_the_stance_in_words_inside_its_link():
    html = parse(cook(f"Null result [@doi:{BESTED} contradicts].", citation_resolver=StubResolver()).html)
    chip = html.find("span", class_="cite")
    assert chip.get("data-stance") == "contradicts"
    assert chip.get("data-cite") == f"[@doi:{BESTED} contradicts]"
    # The link's text is its accessible name: a screen reader hears the stance too.
    assert html.find("a", class_="cite__link").text == "[1] Crossover RCT, contradicts"


@pytest.mark.parametrize("state, text", [
    ("pending", f"[1 looking up {BESTED}], supports"),
    ("unresolved", f"[1 unresolved reference: {BESTED}], supports"),
])
def test_a_study_not_yet_described_still_shows_the_stance(state, text):
    html = parse(cook(f"[@doi:{BESTED} supports]", citation_resolver=StubResolver(state=state)).html)
    assert html.find("span", class_="cite").text == text


def test_a_stance_inside_code_stays_code():
    resolver = StubResolver()
    html = parse(cook(f"Write `[@doi:{BESTED} supports]`.", citation_resolver=resolver).html)
    assert resolver.refs == []
    assert html.find("code").text == f"[@doi:{BESTED} supports]"
