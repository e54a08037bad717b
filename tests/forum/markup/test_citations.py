"""Citation syntax in posts: what becomes a chip, what stays text, and how chips and the reference
list render. A stub resolver stands in for the database except where numbering is the point."""

import pytest

from forum.evidence.referencing import CitationResolver
from forum.markup import cook
from forum.markup.citations import CitationRef, CitedStudy
from tests.forum.study_data import stored_study
from tests.parsed_html import parse

BRUUN_DOI = "10.1016/S2665-9913(23)00278-3"


class StubResolver:
    """Records what was cited and answers with a resolved study numbered in citing order."""

    def __init__(self, state: str = "resolved", **fields):
        self.refs: list[CitationRef] = []
        self.state = state
        self.fields = {
            "url": "/studies/7/", "title": "A trial", "journal": "PAIN Rep", "year": 2023,
            "design": "crossover_rct", "design_label": "Crossover RCT", "status": "published",
            "status_label": "Published", "reference_html": "Bested K, et al. A trial.",
        } | fields

    def __call__(self, ref: CitationRef) -> CitedStudy:
        self.refs.append(ref)
        return CitedStudy(number=len(self.refs), state=self.state, label=ref.value, **self.fields)


def cited(raw: str, **resolver_fields) -> list[CitationRef]:
    resolver = StubResolver(**resolver_fields)
    cook(raw, citation_resolver=resolver)
    return resolver.refs


# --- syntax ----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, ref", [
    ("See [@doi:10.1097/PR9.0000000000001080].", CitationRef("doi", "10.1097/PR9.0000000000001080")),
    ("See [@doi: 10.1002/art.37734] too.", CitationRef("doi", "10.1002/art.37734")),
    ("See [@DOI:10.1002/art.37734].", CitationRef("doi", "10.1002/art.37734")),
    ("See [@10.1002/art.37734].", CitationRef("doi", "10.1002/art.37734")),
    ("See [@pmid:38226027].", CitationRef("pmid", "38226027")),
    ("See [@PMID:38226027].", CitationRef("pmid", "38226027")),
    ("See [@bested2023naltrexone].", CitationRef("key", "bested2023naltrexone")),
    ("See [@Younger:2013/crossover].", CitationRef("key", "Younger:2013/crossover")),
])
def test_each_citation_form_is_recognised(raw, ref):
    assert cited(raw) == [ref]


@pytest.mark.parametrize("raw", [
    "Email me [@ maria] or write [@] or [@two words].",
    "A footnote[^1] and a [link](https://example.org).\n\n[^1]: Not a citation.",
    "[@-starts-with-a-dash] [@key\"onmouseover=alert(1)]",
])
def test_things_that_are_not_citations_are_left_alone(raw):
    assert cited(raw) == []


@pytest.mark.parametrize("raw, doi", [
    ("Read https://doi.org/10.1002/art.37734.", "10.1002/art.37734"),
    ("Read https://doi.org/10.1002/art.37734, then decide.", "10.1002/art.37734"),
    ("Read https://doi.org/10.1002/art.37734; then decide.", "10.1002/art.37734"),
    ("Was it https://doi.org/10.1002/art.37734?", "10.1002/art.37734"),
    ("(see https://doi.org/10.1002/art.37734)", "10.1002/art.37734"),
    ("(see https://doi.org/10.1002/art.37734).", "10.1002/art.37734"),
    (f"Bruun: https://doi.org/{BRUUN_DOI}.", BRUUN_DOI),
    (f"(Bruun, https://doi.org/{BRUUN_DOI})", BRUUN_DOI),
    (f"(Bruun, https://doi.org/{BRUUN_DOI}).", BRUUN_DOI),
    ("http://dx.doi.org/10.1111/j.1526-4637.2009.00613.x", "10.1111/j.1526-4637.2009.00613.x"),
    ("https://www.doi.org/10.1136/bmjopen-2021-055351!", "10.1136/bmjopen-2021-055351"),
    ("<https://doi.org/10.1002/art.37734>", "10.1002/art.37734"),
])
def test_bare_doi_links_become_citations_without_sentence_punctuation(raw, doi):
    assert cited(raw) == [CitationRef("doi", doi)]


def test_closing_bracket_and_full_stop_after_a_bare_link_stay_in_the_text():
    html = parse(cook(f"(Bruun, https://doi.org/{BRUUN_DOI}).", citation_resolver=StubResolver()).html)
    paragraph = html.find_all("p")[0]
    assert paragraph.text.startswith("(Bruun, ")
    assert paragraph.text.endswith(").")


def test_a_bare_link_in_angle_brackets_leaves_no_brackets_behind():
    html = cook("<https://doi.org/10.1002/art.37734>", citation_resolver=StubResolver()).html
    assert "&lt;" not in html and "&gt;<" not in html.replace("&gt;</", "")


@pytest.mark.parametrize("raw, href", [
    ("[the Bruun trial](https://doi.org/10.1016/S2665-9913(23)00278-3)",
     "https://doi.org/10.1016/S2665-9913(23)00278-3"),
    ('<a href="https://doi.org/10.1002/art.37734">the 2013 trial</a>', "https://doi.org/10.1002/art.37734"),
    ("[the 2013 trial][1]\n\n[1]: https://doi.org/10.1002/art.37734", "https://doi.org/10.1002/art.37734"),
])
def test_a_doi_link_someone_wrote_as_a_link_stays_an_intact_link(raw, href):
    resolver = StubResolver()
    html = parse(cook(raw, citation_resolver=resolver).html)
    assert resolver.refs == []
    [link] = html.find_all("a")
    assert link.get("href") == href
    assert not html.find_all(class_="cite")


def test_a_doi_image_source_is_not_turned_into_a_chip():
    resolver = StubResolver()
    html = parse(cook("![figure](https://doi.org/10.1002/art.37734)", citation_resolver=resolver).html)
    assert resolver.refs == []
    # Another site's image waits behind a "show" link, its address intact.
    href = html.find("a", class_="external-image").get("href")
    assert href == "/external-image/?src=https%3A%2F%2Fdoi.org%2F10.1002%2Fart.37734&alt=figure"


@pytest.mark.parametrize("raw", [
    "Type `[@doi:10.1002/art.37734]` to cite.",
    "```\n[@pmid:38226027]\nhttps://doi.org/10.1002/art.37734\n```",
    "    [@bested2023naltrexone]",
])
def test_citations_inside_code_stay_code(raw):
    resolver = StubResolver()
    html = parse(cook(raw, citation_resolver=resolver).html)
    assert resolver.refs == []
    assert "[@" in html.find("code").text or "doi.org" in html.find("code").text
    assert not html.find_all(class_="cite")


# --- hostile input ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    '[@doi:10.1/"><script>alert(1)</script>]',
    "[@pmid:<img/src=x/onerror=alert(1)>]",
    "[@doi:10.1/x\"onmouseover=\"alert(1)]",
    "https://doi.org/10.1/\"onfocus=alert(1)",
])
@pytest.mark.parametrize("state", ["resolved", "pending", "unresolved"])
def test_hostile_identifiers_render_as_harmless_text(raw, state):
    html = parse(cook(raw, citation_resolver=StubResolver(state=state)).html)
    assert "script" not in html.tags and "img" not in html.tags
    assert not any(name.startswith("on") for element in html.elements for name in element.attrs)


def test_hostile_study_fields_are_escaped_in_chip_card_and_reference_list():
    resolver = StubResolver(
        title="<script>alert('title')</script>", journal="<b onclick=x()>J</b>",
        design='rct"><script>', design_label="<i>RCT</i>", status="retracted", status_label="<u>Retracted</u>",
        url='/studies/1/" onclick="x()',
    )
    html = parse(cook("[@doi:10.1002/art.37734]", citation_resolver=resolver).html)
    assert {"script", "b", "i", "u"}.isdisjoint(html.tags)
    assert not any(name.startswith("on") for element in html.elements for name in element.attrs)
    assert html.find("span", class_="cite-card__title").text == "<script>alert('title')</script>"


def test_a_hand_typed_chip_does_not_survive_sanitising():
    raw = ('<span class="cite"><a class="cite__link" href="javascript:alert(1)">[1] RCT</a>'
           '<span class="cite-card" role="tooltip">Fake</span></span>\n\n'
           '<section class="references"><ol><li>Fake reference</li></ol></section>')
    cooked = cook(raw, citation_resolver=StubResolver())
    html = parse(cooked.html)
    assert not html.find_all(class_="cite")
    assert not html.find_all(class_="cite-card")
    assert not html.find_all(class_="references")
    assert not any((a.get("href") or "").startswith("javascript") for a in html.find_all("a"))
    assert cooked.citations == ()


def test_a_typed_placeholder_lookalike_is_just_text():
    raw = "evidentmarkup0000000000000000n0 [@doi:10.1002/art.37734]"
    html = parse(cook(raw, citation_resolver=StubResolver()).html)
    assert "evidentmarkup0000000000000000n0" in html.text
    assert len(html.find_all("span", class_="cite")) == 1


# --- chips and the reference list ------------------------------------------------------------

def test_a_resolved_chip_links_to_the_study_with_a_card_described_by_it():
    resolver = StubResolver(status="protocol", status_label="Protocol: no results yet",
                            design="protocol", design_label="Protocol")
    html = parse(cook("INNOVA [@doi:10.1136/bmjopen-2021-055351].", citation_resolver=resolver).html)
    chip = html.find("span", class_="cite")
    assert "cite--protocol" in chip.classes
    link = html.find("a", class_="cite__link")
    assert link.get("href") == "/studies/7/"
    card = html.find("span", class_="cite-card")
    assert card.get("role") == "tooltip"
    assert link.get("aria-describedby") == card.get("id")
    assert link.text == "[1] Protocol"
    assert html.find("span", class_="cite-card__source").text == "PAIN Rep, 2023"
    assert "Protocol: no results yet" in html.find("span", class_="cite-card__chips").text


@pytest.mark.parametrize("state, text", [
    ("pending", "[1 looking up 10.1002/art.37734]"),
    ("unresolved", "[1 unresolved reference: 10.1002/art.37734]"),
])
def test_pending_and_unresolved_chips_show_the_identifier(state, text):
    html = parse(cook("[@doi:10.1002/art.37734]", citation_resolver=StubResolver(state=state)).html)
    chip = html.find("span", class_="cite")
    assert f"cite--{state}" in chip.classes
    assert chip.text == text
    assert not html.find_all("a", class_="cite__link")


def test_without_a_resolver_citations_show_as_unresolved_and_are_not_listed():
    cooked = cook("[@doi:10.1002/art.37734]")
    html = parse(cooked.html)
    assert html.find("span", class_="cite").text == "[unresolved reference: 10.1002/art.37734]"
    assert cooked.citations == ()
    assert not html.find_all("section", class_="references")


def test_the_reference_list_follows_the_post_in_number_order():
    cooked = cook("First [@doi:10.1002/art.37734], then [@pmid:38226027].\n\nThe end.",
                  citation_resolver=StubResolver())
    html = parse(cooked.html)
    section = html.find("section", class_="references")
    assert cooked.html.index("The end.") < cooked.html.index('class="references"')
    assert html.find("h2", class_="references__heading").text == "References"
    # Not a named landmark: with one per post, a landmark list would show many identical ones.
    assert section.get("aria-label") is None
    items = html.find_all("li")
    assert [item.get("value") for item in items] == ["1", "2"]
    assert all(item.get("id").startswith("ref-") for item in items)
    assert items[0].text.startswith("Bested K, et al. A trial.")
    assert [a.get("href") for a in html.find_all("a", class_="references__study")] == ["/studies/7/"] * 2
    assert [study.number for study in cooked.citations] == [1, 2]


def test_cards_of_two_posts_on_one_page_do_not_share_ids():
    first = parse(cook("One [@doi:10.1002/art.37734]", citation_resolver=StubResolver()).html)
    second = parse(cook("Two [@doi:10.1002/art.37734]", citation_resolver=StubResolver()).html)
    assert first.find("span", class_="cite-card").get("id") != second.find("span", class_="cite-card").get("id")


# --- numbering, with the real resolver -------------------------------------------------------

@pytest.mark.django_db
def test_numbers_follow_first_appearance_and_repeats_share_a_number():
    bested = stored_study("bested2023", bibtex_key="bested2023naltrexone")
    bruun = stored_study("bruun2024")
    younger = stored_study("younger2013")
    raw = (
        f"Bruun https://doi.org/{BRUUN_DOI} and Bested [@bested2023naltrexone].\n\n"
        "Bested again by DOI [@doi:10.1097/pr9.0000000000001080], Younger [@10.1002/ART.37734], "
        f"Bruun again [@doi:{BRUUN_DOI}]."
    )
    resolver = CitationResolver(create_missing=False)
    cooked = cook(raw, citation_resolver=resolver)
    html = parse(cooked.html)
    numbers = [a.text.split("]")[0] + "]" for a in html.find_all("a", class_="cite__link")]
    assert numbers == ["[1]", "[2]", "[2]", "[3]", "[1]"]
    assert resolver.studies == {1: bruun, 2: bested, 3: younger}
    assert [item.get("value") for item in html.find_all("li")] == ["1", "2", "3"]
    assert [study.title for study in cooked.citations] == [bruun.title, bested.title, younger.title]


def test_a_line_holding_only_citations_stays_a_paragraph():
    html = parse(cook("Sources:\n\n[@doi:10.1002/art.37734]\n\n[@pmid:38226027]",
                      citation_resolver=StubResolver()).html)
    paragraphs = html.find_all("p")
    assert [p.text for p in paragraphs][0] == "Sources:"
    assert [len([c for c in p.children if "cite" in c.classes]) for p in paragraphs[1:]] == [1, 1]
