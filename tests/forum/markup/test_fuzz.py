"""Property tests of the markup pipeline: whatever anyone types, `cook` returns, returns quickly
for its size, and returns only HTML the allowlist permits.

Examples per property come from a Hypothesis profile: `dev` (the default, quick), `ci`, or
`thorough` for a long local hunt, e.g. `HYPOTHESIS_PROFILE=thorough pytest tests/forum/markup/test_fuzz.py`.
"""

import os
import re
import time
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings, strategies as st

from forum.markup import cook
from forum.markup.quotes import QuoteSource
from forum.markup.sanitize import ALLOWED_PROTOCOLS, ALLOWED_TAGS

settings.register_profile("dev", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=5_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# Pieces of every syntax the pipeline knows, put together in any order: markdown, raw HTML,
# hostile URLs, our quote, citation and mention syntax, and the characters parsers choke on.
FRAGMENTS = [
    "\n", "\n\n", " ", "    ", "\t", "> ", "- ", "* ", "+ ", "1. ", "# ", "## ", "---", "***", "`", "```", "```python\n",
    "~~~", "*", "**", "_", "__", "[", "]", "(", ")", "![", "](", "[^1]", "[^1]: note", "[x]: https://e.example/ \"t\"",
    "|", "| a | b |\n|---|:-:|\n", "<", ">", "&", "&amp;", "&#x6a;", "\\", "\"", "'", "=",
    "[quote]", "[/quote]", '[quote="maria, post:2, topic:1"]', "[quote=ana, post:1, full:true]", '[quote="x, post:99999999999999"]',
    "[@doi:10.1000/xyz123]", "[@pmid:12345]", "[@10.5555/abc]", "https://doi.org/10.1000/abc", "@maria", "@ana.b", "@@",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">x</a>",
    "<svg onload=alert(1)>", "<math><mi xlink:href=\"javascript:alert(1)\">", "<style>*{}</style>", "<iframe src=//e>",
    "<div class=\"quote\">", "<aside class=\"quote\" data-status=\"verified\">", "<span class=\"mention\">",
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](data:text/html,<b>)", "![x](vbscript:msgbox)",
    "<https://example.org/a>", "<javascript:alert(1)>", "www.example.org", "mailto:a@b.example", "http://a.example/?q=<b>",
    "<!-- c -->", "<![CDATA[x]]>", "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "evidentmarkup", "\x00", "\u202e", "\ufeff", "é", "😀",
]

markupish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=60).map("".join)
anything = st.one_of(st.text(max_size=400), markupish)


def quote_source(ref):
    # Quotes of even post numbers resolve, so titles, badges and source links are exercised too.
    if ref.post_number % 2:
        return None
    return QuoteSource(author_name="Maria <b>Lopez</b>", role_badge="Expert", url=f"/t/x/1/{ref.post_number}",
                       status="verified")


def mention(name):
    return (name, f"/u/{name}/") if name.startswith("m") else None


def seconds_allowed(raw: str) -> float:
    # Generous for a loaded CI machine (a full-size 32,000-character post gets 5 s; they take well
    # under 1 s): the point is that time grows with size, not with how the text nests.
    return 2.0 + 100e-6 * len(raw)


# What the pipeline itself adds after sanitising, with the attributes it gives each tag.
OWN_ATTRIBUTES = {
    "aside": {"class", "data-username", "data-post", "data-topic", "data-full", "data-status"},
    "div": {"class"},
    "span": {"class", "data-cite", "role", "id"},
    "a": {"class", "href", "aria-describedby"},
    "section": {"class", "aria-label"},
    "h2": {"class"},
    "li": {"id", "value"},
}
OWN_CLASS = re.compile(r"^(quote|quote__[a-z]+|quote__status--[a-z]+|badge|badge--role|mention|cite|cite--[a-z]+|"
                       r"cite__[a-z]+|cite-card|cite-card__[a-z]+|chip|chip--[a-z_-]+|references|references__[a-z]+|"
                       r"muted|external-image)$")
USER_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"}, "th": {"align"}, "ol": {"start"}, "li": {"id"}, "sup": {"id"},
}
USER_CLASS = re.compile(r"^(language-[A-Za-z0-9_+-]{1,30}|footnote|footnote-ref|footnote-backref)$")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_passes_allowlist(html: str):
    collector = _Collector()
    collector.feed(html)
    collector.close()
    for tag, attrs in collector.elements:
        assert tag in ALLOWED_TAGS or tag in OWN_ATTRIBUTES, (tag, html)
        allowed = USER_ATTRIBUTES.get(tag, set()) | OWN_ATTRIBUTES.get(tag, set()) | {"class"}
        for name, value in attrs.items():
            assert name in allowed, (tag, name, html)
            assert not name.startswith("on"), (tag, name, html)
            if name == "class":
                assert all(USER_CLASS.match(c) or OWN_CLASS.match(c) for c in (value or "").split()), (tag, value)
            if name in {"href", "src"}:
                url = (value or "").strip()
                scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", url)
                assert scheme is None or scheme.group(1).lower() in ALLOWED_PROTOCOLS, (tag, name, url, html)


def cook_within_bound(raw: str):
    # CPU time of this thread, which a busy machine does not inflate as it does wall-clock time.
    started = time.thread_time()
    cooked = cook(raw, quote_resolver=quote_source, mention_resolver=mention)
    elapsed = time.thread_time() - started
    assert elapsed < seconds_allowed(raw), f"{elapsed:.2f}s for {len(raw)} characters"
    return cooked


@given(anything)
def test_any_text_renders_quickly_to_allowed_html(raw):
    assert_passes_allowlist(cook_within_bound(raw).html)


# Bigger inputs, so fewer of them: a quarter of the profile's examples.
big = settings(max_examples=max(10, settings.default.max_examples // 4))


@big
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=8).map("".join), st.integers(1, 1_500))
def test_repeated_fragments_render_in_time_proportional_to_size(unit, times):
    # Repetition is how parsers are made to backtrack: the same few characters thousands of times.
    raw = (unit * times)[:16_000]

    assert_passes_allowlist(cook_within_bound(raw).html)


@big
@given(st.integers(1, 2_000), st.sampled_from(["[quote]\n", "[quote]", "> ", "- ", "1. ", "* > ", "[", "(", "[a](", "<b>", "[^1]"]))
def test_nesting_any_depth_renders_in_bounded_time(depth, opener):
    raw = opener * depth + "deep\n" + "[/quote]\n" * (depth if "quote" in opener else 0)

    cooked = cook_within_bound(raw[:32_000])

    assert_passes_allowlist(cooked.html)
