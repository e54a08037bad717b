import pytest

from forum.references.plain_text import jats_to_text, markup_to_text


@pytest.mark.parametrize(
    "markup, text",
    [
        ("Effect of <i>Drosophila</i> on CO<sub>2</sub>", "Effect of Drosophila on CO2"),
        ("Smith &amp; Jones &eacute;t&eacute;", "Smith & Jones été"),
        ("P<0.05 & n>10", "P<0.05 & n>10"),
        ("Title<script>alert(1)</script> end", "Title end"),
        ("Double &lt;i&gt;escaped&lt;/i&gt;", "Double escaped"),
        ("Escaped &lt;script&gt;alert(1)&lt;/script&gt;gone", "Escaped gone"),
        ("<b onmouseover='x()'>bold</b>", "bold"),
        ("Unclosed <i>tag", "Unclosed tag"),
        ("  lots   of\n space ", "lots of space"),
        ("", ""),
        (None, ""),
    ],
)
def test_markup_to_text(markup, text):
    assert markup_to_text(markup) == text


def test_jats_sections_become_labelled_paragraphs():
    jats = (
        "<jats:title>Abstract</jats:title>"
        "<jats:sec><jats:title>Background</jats:title><jats:p>One <jats:italic>two</jats:italic>.</jats:p></jats:sec>"
        "<jats:sec><jats:title>Methods:</jats:title><jats:p>Three.</jats:p><jats:p>Four.</jats:p></jats:sec>"
    )
    assert jats_to_text(jats) == "Background: One two.\n\nMethods: Three.\n\nFour."


def test_jats_with_mathml_links_and_undeclared_prefixes():
    jats = (
        "<jats:p>Dose <mml:math><mml:mi>x</mml:mi></mml:math> mg, see "
        '<jats:ext-link xlink:href="https://example.org">link</jats:ext-link>&nbsp;here.</jats:p>'
    )
    assert jats_to_text(jats) == "Dose x mg, see link here."


def test_jats_never_lets_script_through():
    jats = "<jats:p>Safe</jats:p><script>alert(1)</script><style>p{}</style><jats:p>&lt;iframe src=x&gt;&lt;/iframe&gt;text</jats:p>"
    assert jats_to_text(jats) == "Safe\n\ntext"
