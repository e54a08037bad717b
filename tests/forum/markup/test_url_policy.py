"""The one URL policy: which addresses survive in a link or an image, however they are spelled."""

import pytest

from forum.markup import cook
from forum.markup.citations import CitedStudy, render_chip, render_reference_list
from forum.markup.quotes import QuoteRef, QuoteSource, render_quote
from forum.markup.sanitize import sanitize
from forum.markup.url_policy import checked_url, url_allowed, url_scheme
from tests.parsed_html import parse

# Each spelling a browser (or a careless filter) could read as a script or data scheme.
REFUSED = {
    "digits": "javascript:123",
    "backtick": "javascript:`x`",
    "backtick_unicode": "javascript:`<h1>Ünïcødé — ваш пароль</h1>`",
    "data_digits": "data:123",
    "vbscript_digit": "vbscript:1",
    "upper": "JAVASCRIPT:1",
    "mixed": "JaVaScRiPt:1",
    "entity_j": "&#106;avascript:1",
    "entity_j_hex_no_semicolon": "&#x6A;avascript:1",
    "entity_tab": "java&#x09;script:1",
    "entity_colon": "javascript&colon;1",
    "entity_colon_decimal": "javascript&#58;1",
    "double_entity": "&amp;#106;avascript:1",
    "percent_j": "%6Aavascript:1",
    "percent_colon": "javascript%3A1",
    "double_percent": "javascript%253A1",
    "tab": "java\tscript:1",
    "newline": "java\nscript:1",
    "leading_control": "\x01javascript:1",
    "leading_space": "  javascript:1",
    "zero_width": "java\u200bscript:1",
    "bidi_override": "\u202ejavascript:1",
    "fullwidth_colon": "javascript\uff1a1",
    "fullwidth_letters": "\uff4aavascript:1",
    "unicode_escape_text": "\\u006aavascript:1",
    "data_html": "data:text/html,<script>alert(1)</script>",
    "file": "file:///etc/passwd",
    "unknown": "evident-app:open",
}
ALLOWED = ["https://example.org/a?b=c:d#e", "http://example.org", "HTTPS://EXAMPLE.ORG", "mailto:someone@example.org",
           "/t/a-topic/1/", "#fn-deadbeef-1", "?page=2", "//cdn.example.org/x.png", "notes/page:2", "", "x.png"]


@pytest.mark.parametrize("url", REFUSED.values(), ids=REFUSED.keys())
def test_a_scheme_outside_the_allowlist_is_refused_however_it_is_spelled(url):
    assert not url_allowed(url)
    assert checked_url(url) == ""


@pytest.mark.parametrize("url", ALLOWED)
def test_relative_urls_and_allowed_schemes_pass(url):
    assert url_allowed(url)
    assert checked_url(url) == url


def test_the_scheme_is_read_as_a_browser_reads_it():
    assert url_scheme("  JaVa\tScRiPt:1") == "javascript"
    assert url_scheme("/wiki/Talk:Page") is None
    assert url_scheme("https://x.example") == "https"


def links(html: str) -> list[dict]:
    return [element.attrs for element in parse(html).elements if element.tag in {"a", "img"}]


@pytest.mark.parametrize("url", REFUSED.values(), ids=REFUSED.keys())
@pytest.mark.parametrize("markup", [
    '<a href="{url}" onclick="alert(1)">the text</a>',
    "[the text](<{url}>)",
    '<img src="{url}" alt="the text">',
    "![the text](<{url}>)",
    "[the text][r]\n\n[r]: <{url}>",
], ids=["html_link", "md_link", "html_image", "md_image", "reference"])
def test_a_refused_url_loses_its_attribute_and_the_text_stays(url, markup):
    html = cook(markup.format(url=url)).html
    for attrs in links(html):
        # (Markdown ends a reference definition at a line break, leaving a harmless "java".)
        assert attrs.get("href", "java") == "java" and "src" not in attrs, html
        assert not any(name.startswith("on") for name in attrs), html
    assert "the text" in html


def test_allowed_links_keep_their_address_and_rel():
    html = sanitize('<a href="https://example.org/x">x</a> <a href="/t/a/1/">y</a>')
    assert [attrs.get("href") for attrs in links(html)] == ["https://example.org/x", "/t/a/1/"]
    assert all(attrs.get("rel") == "nofollow ugc noopener" for attrs in links(html))


def test_our_own_markup_goes_through_the_policy_too():
    ref = QuoteRef(username="alice", post_number=1, topic_id=2, full=False, text="hi")
    source = QuoteSource(author_name="Alice", role_badge="", url="javascript:1", status="modified",
                         history_url="JAVASCRIPT:2")
    quote = render_quote(ref, source, "<p>hi</p>")
    study = CitedStudy(number=1, state="resolved", label="x", url="javascript:`x`", title="A trial")
    chip, references = render_chip(study, "abcd1234"), render_reference_list({1: study}, "abcd1234")
    for html in (quote, chip, references):
        assert not [attrs for attrs in links(html) if "href" in attrs], html
    safe = QuoteSource(author_name="Alice", role_badge="", url="/t/x/2/#post-1", status="verified")
    assert [a["href"] for a in links(render_quote(ref, safe, "<p>hi</p>"))] == ["/t/x/2/#post-1"]
