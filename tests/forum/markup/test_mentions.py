"""@mentions: a link to the member's profile for existing active members only, and never inside
code, email addresses or URLs; mentions quoted from someone else are shown but not collected."""

import pytest

from forum.discussion.rendering import post_render
from forum.markup import cook
from tests.factories import UserFactory, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(db):
    return {
        "maria": UserFactory(username="maria"),
        "dr_rivera": UserFactory(username="dr_rivera"),
        "j.doe-2": UserFactory(username="j.doe-2"),
        "gone": UserFactory(username="gone", is_active=False),
    }


def render(raw: str, topic=None):
    rendered = post_render(raw=raw, topic=topic, preview=True)
    return rendered, parse(rendered.cooked.html)


def mention_links(page) -> list[tuple[str, str]]:
    return [(a.text, a.get("href")) for a in page.find_all("a", class_="mention")]


class TestLinking:
    def test_a_member_is_linked_to_their_profile(self, members):
        rendered, page = render("Thanks @maria, that helps.")

        assert mention_links(page) == [("@maria", members["maria"].get_absolute_url())]
        assert rendered.cooked.mentions == ("maria",)
        assert rendered.mentioned_user_ids == [members["maria"].pk]

    def test_the_name_is_matched_without_case_and_shown_as_registered(self, members):
        rendered, page = render("Ask @Dr_Rivera or @MARIA.")

        assert [text for text, _ in mention_links(page)] == ["@dr_rivera", "@maria"]
        assert rendered.mentioned_user_ids == [members["dr_rivera"].pk, members["maria"].pk]

    def test_an_unknown_name_stays_plain_text(self, members):
        rendered, page = render("Hello @nobody_here.")

        assert mention_links(page) == []
        assert "@nobody_here" in page.text
        assert rendered.mentioned_user_ids == []

    def test_an_inactive_member_is_not_linked(self, members):
        rendered, page = render("Hello @gone.")

        assert mention_links(page) == []
        assert rendered.mentioned_user_ids == []

    def test_dots_and_dashes_inside_a_name_belong_to_it(self, members):
        _, page = render("See @j.doe-2's reply.")

        assert [text for text, _ in mention_links(page)] == ["@j.doe-2"]

    def test_underscores_in_a_name_are_not_emphasis(self, members):
        _, page = render("Ask @dr_rivera and *@maria* too.")

        assert [text for text, _ in mention_links(page)] == ["@dr_rivera", "@maria"]
        assert page.find("em")  # emphasis around a mention still works

    def test_each_member_is_collected_once_in_order_of_first_mention(self, members):
        rendered, _ = render("@maria, @dr_rivera and @maria again.")

        assert rendered.cooked.mentions == ("maria", "dr_rivera")


class TestPunctuation:
    @pytest.mark.parametrize("raw", [
        "Thanks @maria.", "Thanks @maria,", "Thanks @maria!", "Thanks @maria?", "(cc @maria)",
        "Thanks @maria...", "Thanks @maria-", "@maria: yes", "Thanks @maria;", "“@maria”",
    ])
    def test_trailing_punctuation_is_not_part_of_the_name(self, members, raw):
        _, page = render(raw)

        assert mention_links(page) == [("@maria", members["maria"].get_absolute_url())]

    def test_the_punctuation_stays_in_the_text(self, members):
        _, page = render("Thanks @maria.")

        assert page.text.strip() == "Thanks @maria."


class TestNotMentions:
    @pytest.mark.parametrize("raw", [
        "Write to maria@example.org.",
        "See https://mastodon.example/@maria for more.",
        "<https://mastodon.example/@maria>",
        "`@maria`",
        "```\nping @maria\n```",
        "    @maria in an indented code block",
        "@@maria",
    ])
    def test_no_link_and_nobody_collected(self, members, raw):
        rendered, page = render(raw)

        assert mention_links(page) == []
        assert rendered.mentioned_user_ids == []

    def test_a_mention_inside_link_text_does_not_nest_links(self, members):
        _, page = render("[@maria's notes](https://example.org/notes)")

        for link in page.find_all("a"):
            assert not any(child.tag == "a" for child in link.descendants())
        assert [a.get("href") for a in page.find_all("a")] == ["https://example.org/notes"]

    def test_a_mention_next_to_a_link_is_still_a_mention(self, members):
        _, page = render("[notes](https://example.org/notes) by @maria [1]")

        assert [text for text, _ in mention_links(page)] == ["@maria"]

class TestHostileInput:
    @pytest.mark.parametrize("raw", [
        '@"><script>alert(1)</script>',
        "@maria<script>alert(1)</script>",
        '@<img src=x onerror="alert(1)">',
        "@maria\"onmouseover=alert(1)",
        "@" + "a" * 500,
        "@" * 200 + "maria",
        "@maria" * 300,
    ])
    def test_hostile_names_render_harmlessly(self, members, raw):
        _, page = render(raw)

        assert "script" not in page.tags
        assert not any(key.startswith("on") for element in page.elements for key in element.attrs)
        for text, href in mention_links(page):
            assert (text, href) == ("@maria", members["maria"].get_absolute_url())

    def test_the_resolvers_answer_is_escaped(self):
        cooked = cook("Hi @mallory", mention_resolver=lambda name: ('mal"lory', '/u/x" onclick="alert(1)'))
        (link,) = parse(cooked.html).find_all("a", class_="mention")

        assert link.get("href") == '/u/x" onclick="alert(1)'
        assert "onclick" not in link.attrs
        assert link.text == '@mal"lory'

    def test_without_a_resolver_nothing_is_linked(self):
        cooked = cook("Hi @maria")

        assert 'class="mention"' not in cooked.html
        assert cooked.mentions == ()


class TestQuotes:
    def test_a_mention_inside_a_quote_is_shown_but_not_collected(self, members):
        author = UserFactory(username="omar")
        topic = make_topic(author=author, raw="I asked @maria about this already.")
        raw = (f'[quote="omar, post:1, topic:{topic.pk}"]\nI asked @maria about this already.\n[/quote]\n\n'
               "And what does @dr_rivera think?")

        rendered, page = render(raw, topic=topic)

        assert [text for text, _ in mention_links(page)] == ["@maria", "@dr_rivera"]
        assert rendered.cooked.mentions == ("dr_rivera",)
        assert rendered.mentioned_user_ids == [members["dr_rivera"].pk]
