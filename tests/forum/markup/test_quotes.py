"""Quote markup as Discourse writes it becomes our quote aside; anything that does not parse stays
as the harmless text that was typed. These go through `cook`, the way posts are rendered, except
where the attribute parser or the title renderer is the thing being described."""

import pytest

from forum.markup import cook
from forum.markup.quotes import QuoteRef, QuoteSource, parse_attributes, render_quote
from tests.parsed_html import parse


def asides(html: str):
    return parse(html).find_all("aside", class_="quote")


def only_quote(raw: str, **cook_options):
    """The one quote aside a raw text renders to, with its parsed page."""
    page = parse(cook(raw, **cook_options).html)
    found = page.find_all("aside", class_="quote")
    assert len(found) == 1, f"expected one quote in {raw!r}, found {len(found)}"
    return found[0], page


def quote_data(aside) -> dict:
    return {name: value for name, value in aside.attrs.items() if name.startswith("data-")}


class TestAttributes:
    @pytest.mark.parametrize("attrs, expected", [
        ('"maria, post:3, topic:12"', ("maria", 3, 12, False)),
        ('"maria, post:3, topic:12, full:true"', ("maria", 3, 12, True)),
        ('"maria, post:3, topic:12, full:false"', ("maria", 3, 12, False)),
        ('"maria,post:3,topic:12"', ("maria", 3, 12, False)),
        ('"  maria ,  post : 3 ,topic:  12 "', ("maria", 3, 12, False)),
        ("'maria, post:3, topic:12'", ("maria", 3, 12, False)),
        ('"maria, POST:3, Topic:12, FULL:TRUE"', ("maria", 3, 12, True)),
        ('"Maria Lopez, post:3, topic:12, username:maria"', ("maria", 3, 12, False)),
        ('"Maria Lopez, post:3, topic:12, full:true, username:maria"', ("maria", 3, 12, True)),
        ('"maria, post:3"', ("maria", 3, None, False)),
        ('"maria, post:2147483647, topic:999999999999"', ("maria", 2147483647, 999999999999, False)),
        ('"maria"', ("maria", None, None, False)),
        ("maria", ("maria", None, None, False)),
        ("dr.sam-rivera_2", ("dr.sam-rivera_2", None, None, False)),
        (None, (None, None, None, False)),
    ])
    def test_discourse_attribute_variants_are_understood(self, attrs, expected):
        assert parse_attributes(attrs) == expected

    @pytest.mark.parametrize("attrs", [
        '"maria, post:abc, topic:12"',
        '"maria, post:3, topic:twelve"',
        '"maria, post:-3"',
        '"maria, post:3.5"',
        '"maria, post:1234567890123"',  # longer than any real id
        '"maria, post:2147483648"',  # past the 32-bit post number column
        '"maria, post:3, colour:red"',
        '"maria, post 3"',
        '"maria, post:"',
        '"Maria Lopez, post:3"',  # a display name needs `username:` beside it
        '"<script>alert(1)</script>, post:3"',
        '"maria\\" onmouseover=\\"alert(1), post:3"',
        '"maria, post:3, username:<b>x</b>"',
        '"maria, post:3, username:\\"onmouseover=alert(1)"',
        '"maria, post:3, topic:12 onmouseover=alert(1)"',
    ])
    def test_malformed_or_hostile_attributes_are_refused(self, attrs):
        assert parse_attributes(attrs) is None


class TestWellFormedQuotes:
    def test_a_discourse_quote_renders_as_an_aside_with_its_source_in_data_attributes(self):
        aside, page = only_quote('[quote="maria, post:3, topic:12"]\nSleep matters.\n[/quote]')

        assert quote_data(aside) == {"data-username": "maria", "data-post": "3", "data-topic": "12"}
        assert page.find("blockquote").text == "Sleep matters."
        # Without a resolver the title shows the name as typed, claiming no check.
        assert page.find("span", class_="quote__author").text == "maria"
        assert page.find_all(class_="quote__status") == []

    @pytest.mark.parametrize("raw", [
        '[quote="maria,post:3,topic:12"]\nSleep matters.\n[/quote]',
        '[quote="maria, post: 3, topic: 12"]\nSleep matters.\n[/quote]',
        "[quote='maria, post:3, topic:12']\nSleep matters.\n[/quote]",
        '[QUOTE="maria, post:3, topic:12"]\nSleep matters.\n[/QUOTE]',
        '[Quote="maria, post:3, topic:12"]\nSleep matters.\n[/quote]',
        '[quote="Maria Lopez, post:3, topic:12, username:maria"]\nSleep matters.\n[/quote]',
        '   [quote="maria, post:3, topic:12"]\nSleep matters.\n[/quote]',
        '[quote="maria, post:3, topic:12"]Sleep matters.[/quote]',
        '[quote="maria, post:3, topic:12"]\nSleep matters.[/quote]',
    ])
    def test_spelling_variants_render_the_same_quote(self, raw):
        aside, page = only_quote(raw)

        assert quote_data(aside) == {"data-username": "maria", "data-post": "3", "data-topic": "12"}
        assert page.find("blockquote").text == "Sleep matters."
        assert "[quote" not in page.text.lower() and "[/quote" not in page.text.lower()

    def test_full_true_marks_a_whole_post_quote(self):
        aside, _ = only_quote('[quote="maria, post:3, topic:12, full:true"]\nAll of it.\n[/quote]')

        assert aside.get("data-full") == "true"

    def test_an_unquoted_name_is_a_quote_of_that_person_without_a_post(self):
        aside, page = only_quote("[quote=maria]\nSomething she said.\n[/quote]")

        assert quote_data(aside) == {"data-username": "maria"}
        assert page.find("span", class_="quote__author").text == "maria"
        assert cook("[quote=maria]\nSomething she said.\n[/quote]").quotes[0].is_attributed is False

    @pytest.mark.parametrize("raw", ["[quote]\nSomeone said this.\n[/quote]", "[quote]Someone said this.[/quote]"])
    def test_a_bare_quote_is_anonymous(self, raw):
        aside, page = only_quote(raw)

        assert quote_data(aside) == {}
        assert page.find_all("div", class_="quote__title") == []
        assert page.find("blockquote").text == "Someone said this."

    def test_markdown_inside_a_quote_renders(self):
        _, page = only_quote('[quote="maria, post:3"]\n**Small** trials, *few* people:\n\n- one\n- two\n[/quote]')

        blockquote = page.find("blockquote")
        assert "strong" in {child.tag for child in page.find("p").children}
        assert page.find("strong").text == "Small"
        assert [li.text for li in page.find("ul").children] == ["one", "two"]
        assert "Small trials, few people:" in blockquote.text

    def test_text_around_a_quote_stays_in_its_own_paragraphs(self):
        page = parse(cook('You wrote:\n[quote="maria, post:3"]\nSleep matters.\n[/quote]\nI agree.').html)

        assert [p.text for p in page.find_all("p")] == ["You wrote:", "Sleep matters.", "I agree."]
        assert page.find("blockquote").text == "Sleep matters."

    def test_nested_quotes_render_nested(self):
        raw = ('[quote="omar, post:4, topic:12"]\n'
               '[quote="maria, post:3, topic:12"]\nSleep matters.\n[/quote]\n'
               "Does it, though?\n"
               "[/quote]\n\nI think so.")

        page = parse(cook(raw).html)

        outer, inner = page.find_all("aside", class_="quote")
        assert outer.get("data-username") == "omar" and inner.get("data-username") == "maria"
        assert inner in outer.children[1].children  # inside the outer blockquote
        assert inner.text.strip().endswith("Sleep matters.")
        assert "Does it, though?" in outer.text and "I think so." not in outer.text

    def test_only_the_outermost_quotes_are_this_posts_quotes(self):
        raw = ('[quote="omar, post:4"]\n[quote="maria, post:3"]\ninner\n[/quote]\nouter\n[/quote]\n\n'
               '[quote="lena, post:1"]\nsecond\n[/quote]')

        quotes = cook(raw).quotes

        assert [(q.username, q.post_number) for q in quotes] == [("omar", 4), ("lena", 1)]
        assert quotes[0].text == '[quote="maria, post:3"]\ninner\n[/quote]\nouter'

    def test_a_quote_of_another_topic_keeps_that_topic(self):
        aside, _ = only_quote('[quote="maria, post:3, topic:99"]\nElsewhere.\n[/quote]')

        assert aside.get("data-topic") == "99"
        assert cook('[quote="maria, post:3, topic:99"]\nElsewhere.\n[/quote]').quotes[0].topic_id == 99

    def test_two_quotes_in_a_row_are_two_asides(self):
        raw = '[quote="maria, post:1"]\nfirst\n[/quote]\n[quote="omar, post:2"]\nsecond\n[/quote]'

        found = asides(cook(raw).html)

        assert [a.get("data-username") for a in found] == ["maria", "omar"]
        assert [b.text for b in parse(cook(raw).html).find_all("blockquote")] == ["first", "second"]

    def test_a_script_inside_a_quote_is_sanitised_like_any_text(self):
        _, page = only_quote('[quote="maria, post:3"]\n<script>alert(1)</script><img src=x onerror=alert(1)>\n[/quote]')

        assert "script" not in page.tags
        assert all(not name.startswith("on") for element in page.elements for name in element.attrs)


class TestQuoteMarkupInCode:
    @pytest.mark.parametrize("raw", [
        '```\n[quote="maria, post:3"]\nSleep matters.\n[/quote]\n```',
        '~~~\n[quote="maria, post:3"]\nSleep matters.\n[/quote]\n~~~',
        '    [quote="maria, post:3"]\n    Sleep matters.\n    [/quote]',
    ])
    def test_quote_markup_in_a_code_block_stays_code(self, raw):
        cooked = cook(raw)
        page = parse(cooked.html)

        assert asides(cooked.html) == []
        assert cooked.quotes == ()
        assert '[quote="maria, post:3"]' in page.find("code").text

    def test_quote_markup_in_inline_code_stays_code(self):
        cooked = cook('Write `[quote="maria, post:3"]words[/quote]` to quote.')

        assert asides(cooked.html) == []
        assert parse(cooked.html).find("code").text == '[quote="maria, post:3"]words[/quote]'


class TestMalformedMarkup:
    """Never an error, never a half-built aside: what was typed is shown as text."""

    @pytest.mark.parametrize("raw", [
        '[quote="maria, post:3"]\nNever closed.',
        "[quote]\nNever closed either.",
        "Just a stray [/quote] closing tag.",
        "[/quote]",
        "[/quote]\n[/quote]",
        '[quote="maria, post:abc"]\nBad post number.\n[/quote]',
        '[quote="maria, post:3, colour:red"]\nUnknown parameter.\n[/quote]',
        '[quote="Maria Lopez, post:3"]\nDisplay name without username.\n[/quote]',
        '[quote="maria, post:3"\nNo closing bracket.\n[/quote]',
        "[quote\nBroken tag.\n[/quote]",
        '[quote="maria, post:1234567890123"]\nToo long a number.\n[/quote]',
    ])
    def test_malformed_quotes_render_as_text(self, raw):
        cooked = cook(raw)
        page = parse(cooked.html)

        assert asides(cooked.html) == []
        assert cooked.quotes == ()
        assert raw.splitlines()[0].strip() in page.text

    def test_a_well_formed_quote_inside_an_unclosed_one_still_renders(self):
        cooked = cook('[quote="maria, post:3"]\n[quote="omar, post:4"]\ninner\n[/quote]')
        page = parse(cooked.html)

        assert [a.get("data-username") for a in asides(cooked.html)] == ["omar"]
        assert '[quote="maria, post:3"]' in page.text

    def test_a_stray_closing_tag_after_a_quote_stays_text(self):
        cooked = cook('[quote="maria, post:3"]\nquoted\n[/quote]\n[/quote]')

        assert len(asides(cooked.html)) == 1
        assert "[/quote]" in parse(cooked.html).text

    def test_extra_closing_tags_do_not_swallow_the_rest_of_the_post(self):
        cooked = cook('[quote="maria, post:3"]\nquoted\n[/quote][/quote]\n\nMy own words.')

        page = parse(cooked.html)
        assert page.find("blockquote").text.startswith("quoted")  # the extra tag is left as text
        assert "My own words." in page.text
        assert "My own words." not in page.find("aside", class_="quote").text

    @pytest.mark.parametrize("raw", [
        '[quote="<script>alert(1)</script>, post:3"]\nx\n[/quote]',
        '[quote="<img src=x onerror=alert(1)>, post:3"]\nx\n[/quote]',
        '[quote=""onmouseover="alert(1)", post:3"]\nx\n[/quote]',
        '[quote="maria" onmouseover="alert(1)", post:3]\nx\n[/quote]',
        "[quote=maria onmouseover=alert(1)]\nx\n[/quote]",
        '[quote="maria, post:3, username:\\"><script>alert(1)</script>"]\nx\n[/quote]',
        '[quote="maria, post:3, topic:1\\" onmouseover=\\"alert(1)"]\nx\n[/quote]',
        '[quote="\'onfocus=alert(1) autofocus x=\', post:3"]\nx\n[/quote]',
        "[quote='maria\" onmouseover=\"alert(1)']\nx\n[/quote]",
    ])
    def test_hostile_names_and_attribute_injection_are_harmless_text(self, raw):
        html = cook(raw).html
        page = parse(html)

        assert "script" not in page.tags
        assert all(not name.startswith("on") and name != "autofocus"
                   for element in page.elements for name in element.attrs)
        for aside in asides(html):
            assert set(aside.attrs) <= {"class", "data-username", "data-post", "data-topic", "data-full"}

    def test_a_hand_written_quote_aside_does_not_pass_as_a_checked_quote(self):
        raw = ('<aside class="quote" data-username="maria" data-post="1" data-status="verified">'
               '<div class="quote__title"><span class="quote__status quote__status--verified">Matches the source'
               '</span></div><blockquote>Words maria never wrote.</blockquote></aside>')

        cooked = cook(raw)
        page = parse(cooked.html)

        assert "aside" not in page.tags
        assert all("data-status" not in element.attrs and not element.classes & {"quote__title", "quote__status"}
                   for element in page.elements)
        assert cooked.quotes == ()

    def test_typing_a_placeholder_like_word_does_not_inject_a_quote(self):
        raw = '[quote="maria, post:3"]\nreal\n[/quote]\n\nevidentquote0000000000000000n0 evidentquoten0'

        cooked = cook(raw)

        assert len(asides(cooked.html)) == 1
        assert "evidentquote0000000000000000n0 evidentquoten0" in parse(cooked.html).text


class TestTitleRendering:
    """What a reader sees in a quote's title bar, given what the site knew when it was saved."""

    REF = QuoteRef(username="maria", post_number=3, topic_id=12, full=False, text="Sleep matters.")

    def render(self, source, ref=None):
        return parse(render_quote(ref or self.REF, source, "<p>Sleep matters.</p>"))

    def source(self, **overrides):
        values = dict(author_name="Maria Lopez", role_badge="", url="/t/sleep/12/3/", status="verified")
        return QuoteSource(**(values | overrides))

    def test_a_verified_quote_names_the_author_links_the_post_and_says_it_matches(self):
        page = self.render(self.source())

        assert page.find("aside").get("data-status") == "verified"
        assert page.find("span", class_="quote__author").text == "Maria Lopez"
        link = page.find("a", class_="quote__source")
        assert (link.text, link.get("href")) == ("#3", "/t/sleep/12/3/")
        assert page.find(class_="quote__status").text == "Matches the source"

    def test_an_experts_badge_is_shown(self):
        page = self.render(self.source(author_name="Dr. Sam Rivera", role_badge="Expert"))

        assert page.find("span", class_="badge").text == "Expert"

    def test_a_quote_of_another_topic_shows_that_topics_title(self):
        page = self.render(self.source(topic_title="Melatonin & jet lag"))

        assert page.find("a", class_="quote__source").text == "Melatonin & jet lag"

    def test_a_modified_source_links_to_its_revision_history(self):
        page = self.render(self.source(status="modified", history_url="/p/7/revisions/"))

        status = page.find("a", class_="quote__status")
        assert (status.text, status.get("href")) == ("The source has changed since", "/p/7/revisions/")

    def test_an_unmatched_quote_says_so(self):
        page = self.render(self.source(status="unmatched"))

        assert page.find(class_="quote__status").text == "Not found in the source"

    def test_a_missing_source_reveals_nothing_but_the_name_as_typed(self):
        page = self.render(QuoteSource(author_name="", role_badge="", url="", status="missing"))

        assert page.find("aside").get("data-status") == "missing"
        assert page.find("div", class_="quote__title").text == "mariaThe source was removed or is not visible"
        assert page.find_all("a") == []

    def test_names_and_titles_are_escaped(self):
        ref = QuoteRef(username="maria", post_number=3, topic_id=12, full=False, text="x")
        page = self.render(self.source(author_name="<b>Maria</b>", topic_title='"><script>alert(1)</script>',
                                       url='/t/x/"onmouseover="alert(1)/'), ref=ref)

        assert "script" not in page.tags and "b" not in page.tags
        assert page.find("span", class_="quote__author").text == "<b>Maria</b>"
        assert page.find("a", class_="quote__source").text == '"><script>alert(1)</script>'
        assert page.find("a", class_="quote__source").get("href") == '/t/x/"onmouseover="alert(1)/'

    def test_a_resolver_is_asked_about_attributed_quotes_only(self):
        asked = []

        def resolver(ref):
            asked.append((ref.username, ref.post_number))
            return self.source()

        html = cook('[quote="maria, post:3"]\na\n[/quote]\n\n[quote=maria]\nb\n[/quote]\n\n[quote]\nc\n[/quote]',
                    quote_resolver=resolver).html

        assert asked == [("maria", 3)]
        assert [a.get("data-status") for a in asides(html)] == ["verified", None, None]


# --- leaving quotes out of a quote (a whole-post quote, the quote check) --------------------------

def test_quotes_left_out_keeps_the_authors_own_words_and_marks_each_gap_once():
    from forum.markup.quotes import quotes_left_out

    raw = ('[quote="lena, post:1, topic:2"]\nHers [@doi:10.1002/art.37734 supports]\n[/quote]\n'
           '[quote="doi:10.1097/PR9.0000000000001080"]\nThe abstract\'s.\n[/quote]\n\n'
           "Mine.\n\n```\n[quote]\ncode, not a quote\n[/quote]\n```\n\n"
           "[quote=not a username!]\ntyped as it is\n[/quote]")
    assert quotes_left_out(raw) == ("…\n\nMine.\n\n```\n[quote]\ncode, not a quote\n[/quote]\n```\n\n"
                                    "[quote=not a username!]\ntyped as it is\n[/quote]")
    assert "Hers" not in quotes_left_out(raw, marker="") and "…" not in quotes_left_out(raw, marker="")
    assert quotes_left_out("No quotes here.") == "No quotes here."


def test_a_citation_inside_a_quote_is_shown_but_not_the_posts_own():
    from forum.markup.citations import CitedStudy

    def resolver(ref):
        return CitedStudy(number=1 if "37734" in ref.value else 2, state="unresolved", label=ref.value)

    cooked = cook('[quote="lena, post:1, topic:2"]\nHers [@doi:10.1002/art.37734 supports]\n[/quote]\n\n'
                  "Mine [@doi:10.1097/PR9.0000000000001080]", citation_resolver=resolver)
    assert [study.number for study in cooked.citations] == [2]
    assert cooked.html.count('class="cite cite--unresolved"') == 2  # both chips shown
