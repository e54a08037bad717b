"""Discourse quote markup. The module is a placeholder for the quote-reply feature, so these
only pin what members see today: a blockquote headed by who wrote it."""

from forum.markup import cook
from tests.parsed_html import parse


def test_quote_renders_as_blockquote_naming_the_author():
    page = parse(cook('[quote="lena, post:1, topic:7"]\nIs it even worth discussing?\n[/quote]\n\nYes, it is.').html)

    quote = page.find("blockquote")
    assert quote.children[0].text == "lena wrote:"
    assert "Is it even worth discussing?" in quote.text
    assert "Yes, it is." not in quote.text
    assert "[quote" not in page.text and "[/quote]" not in page.text


def test_quote_with_an_unsafe_name_drops_the_name_not_the_quote():
    page = parse(cook('[quote="<img src=x onerror=alert(1)>, post:1"]\nquoted words\n[/quote]').html)

    quote = page.find("blockquote")
    assert "quoted words" in quote.text
    assert "wrote:" not in quote.text
    assert "img" not in page.tags
