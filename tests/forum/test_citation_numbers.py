"""Citation numbers run through a topic as through a paper: a study has the number of its first
citation in the topic, in every post, in every reference list and in the Evidence panel."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from forum.discussion.editing import post_edit
from forum.markup.citation_numbers import citation_numbers_apply
from forum.markup import cook
from forum.markup.citations import CitationRef, CitedStudy
from forum.moderation.actions import post_hide
from tests.factories import make_reply, make_topic
from tests.forum.study_data import stored_metadata
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def studies():
    return {name: stored_metadata(doi=f"10.5555/numbers-{name.lower()}", title=f"Trial {name}", year=2020)
            for name in "ABCD"}


def cite(*names) -> str:
    return " and ".join(f"[@doi:10.5555/numbers-{name.lower()}]" for name in names) + "."


def within(element, tag: str, class_: str) -> list:
    return [e for e in element.descendants() if e.tag == tag and class_ in e.classes]


def post(page, number: int):
    return page.find("article", **{"data-post-number": str(number)})


def chip_numbers(page, post_number: int) -> list[str]:
    return [link.text.split("]")[0] + "]" for link in within(post(page, post_number), "a", "cite__link")]


def reference_numbers(page, post_number: int) -> list[str | None]:
    """The number each entry of a post's reference list shows, in order."""
    references = within(post(page, post_number), "section", "references")[0]
    return [item.get("value") for item in references.descendants() if item.tag == "li"]


def evidence_panel(page) -> dict[str, str]:
    """Title -> the number the Evidence panel shows for it."""
    shown = {}
    for item in page.find_all("li", class_="evidence__item"):
        link = next(e for e in item.children if e.tag == "a")
        number = within(item, "span", "evidence__number")[0].text
        shown[link.text.removeprefix(number).strip()] = number
    return shown


def read(topic, client=None):
    cache.clear()
    return parse((client or Client()).get(topic.get_absolute_url()).content)


def test_a_study_has_one_number_in_every_post_and_in_the_evidence_panel(member, other_member, studies):
    topic = make_topic(author=member, raw="Does it help? " + cite("A"))
    make_reply(topic=topic, author=other_member, raw="Yes: " + cite("B", "A"))

    page = read(topic)

    assert chip_numbers(page, 1) == ["[1]"]
    # In the reply, B comes first but is the topic's second study; A keeps its 1.
    assert chip_numbers(page, 2) == ["[2]", "[1]"]
    assert reference_numbers(page, 2) == ["1", "2"]
    assert evidence_panel(page) == {"Trial A": "[1]", "Trial B": "[2]"}


def test_a_later_citation_renumbers_nothing_before_it(member, other_member, studies):
    topic = make_topic(author=member, raw="Does it help? " + cite("A"))
    make_reply(topic=topic, author=other_member, raw=cite("B"))
    before = read(topic)

    make_reply(topic=topic, author=member, raw="Newer: " + cite("C", "B", "A"))
    after = read(topic)

    assert chip_numbers(after, 1) == chip_numbers(before, 1) == ["[1]"]
    assert chip_numbers(after, 2) == chip_numbers(before, 2) == ["[2]"]
    assert chip_numbers(after, 3) == ["[3]", "[2]", "[1]"]
    assert evidence_panel(after) == {"Trial A": "[1]", "Trial B": "[2]", "Trial C": "[3]"}


def test_a_hidden_post_leaves_visitors_no_gap(member, other_member, moderator, studies):
    topic = make_topic(author=member, raw=cite("A"))
    spam = make_reply(topic=topic, author=other_member, raw="Cures everything " + cite("B"))
    make_reply(topic=topic, author=member, raw=cite("C"))
    post_hide(moderator=moderator, post=spam, reason="Spam")

    page = read(topic)

    assert chip_numbers(page, 3) == ["[2]"]
    assert evidence_panel(page) == {"Trial A": "[1]", "Trial C": "[2]"}
    assert "Trial B" not in page.text
    # A moderator still reads the hidden post: its study comes after the visible ones.
    moderator_client = Client()
    moderator_client.force_login(moderator)
    as_moderator = read(topic, moderator_client)
    assert chip_numbers(as_moderator, 3) == ["[2]"]
    assert chip_numbers(as_moderator, 2) == ["[3]"]


def test_an_edit_that_adds_an_earlier_citation_numbers_the_topic_anew(member, other_member, studies):
    # Numbers follow first citations, as in a paper: a study added to an earlier post moves up.
    topic = make_topic(author=member, raw=cite("A"))
    make_reply(topic=topic, author=other_member, raw=cite("B"))
    post_edit(editor=member, post=topic.posts.get(post_number=1), raw=cite("A", "D"))

    page = read(topic)

    assert chip_numbers(page, 1) == ["[1]", "[2]"]
    assert chip_numbers(page, 2) == ["[3]"]


def test_a_quote_expanded_in_place_is_numbered_as_on_the_topic_page(member, other_member, studies):
    topic = make_topic(author=member, raw=cite("A"))
    make_reply(topic=topic, author=other_member, raw=cite("B", "A"))

    html = Client().get(reverse("forum:post_cooked", args=[topic.pk, 2])).content.decode()

    assert [link.text[:3] for link in parse(html).find_all("a", class_="cite__link")] == ["[2]", "[1]"]


def test_a_post_read_alone_keeps_its_own_numbers(member, studies):
    # Feeds, the API and emails carry the stored HTML: numbered 1, 2 ... with its own references.
    topic = make_topic(author=member, raw=cite("B", "A"))

    cooked = parse(topic.posts.get(post_number=1).cooked)
    assert [link.text[:3] for link in cooked.find_all("a", class_="cite__link")] == ["[1]", "[2]"]


def test_a_study_the_topic_has_not_cited_takes_the_next_free_number():
    html = cook("New: [@bibkey] and [@other]", citation_resolver=lambda ref: CitedStudy(
        number={"bibkey": 1, "other": 2}[ref.value], state="unresolved", label=ref.value,
        study_id={"bibkey": 7, "other": None}[ref.value])).html

    numbered = citation_numbers_apply(html, {3: 1, 4: 2})

    page = parse(numbered)
    assert [n.text for n in page.find_all("span", class_="cite__n")] == ["3"]
    # A reference without a study stays unnumbered: any number could be another study's.
    assert "[unresolved reference: other]" in page.text
    assert [li.get("value") for li in page.find_all("li")] == ["3", None]
