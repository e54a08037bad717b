"""The markdown a member writes renders the way the composer's help text promises."""

from forum.markup import COOKED_VERSION, cook
from tests.parsed_html import parse


def test_cook_stamps_the_current_pipeline_version():
    assert cook("hello").version == COOKED_VERSION


def test_empty_text_cooks_to_empty_html():
    assert cook("").html.strip() == ""


def test_emphasis_lists_and_headings_render():
    page = parse(cook("## Findings\n\n**bold** and *italic*\n\n- one\n- two\n\n1. first\n2. second").html)

    assert page.find("h2").text == "Findings"
    assert page.find("strong").text == "bold"
    assert page.find("em").text == "italic"
    assert [li.text for li in page.find("ul").children] == ["one", "two"]
    assert [li.text for li in page.find("ol").children] == ["first", "second"]


def test_fenced_code_is_shown_literally_with_its_language():
    raw = '```python\nif a < b and "<b>" != x:\n    print("<script>")\n```'

    page = parse(cook(raw).html)

    code = page.find("code")
    assert code.classes == {"language-python"}
    assert 'if a < b and "<b>" != x:' in code.text
    assert 'print("<script>")' in code.text
    assert page.tags == {"pre", "code"}  # the angle brackets stayed text, not tags


def test_tables_render_with_header_cells_and_alignment():
    page = parse(cook("| Study | n |\n|:------|--:|\n| Bruun 2024 | 99 |").html)

    assert [th.text for th in page.find_all("th")] == ["Study", "n"]
    assert [td.text for td in page.find_all("td")] == ["Bruun 2024", "99"]
    assert [td.get("align") for td in page.find_all("td")] == ["left", "right"]


def test_footnotes_link_to_their_note_and_back():
    page = parse(cook("Small samples mislead.[^1]\n\n[^1]: Younger & Mackey 2009, n = 10.").html)

    reference = page.find("a", class_="footnote-ref")
    note = page.find("li")
    assert reference.get("href") == f"#{note.get('id')}"
    assert "Younger & Mackey 2009" in note.text
    backlink = page.find("a", class_="footnote-backref")
    assert backlink.get("href") == f"#{page.find('sup').get('id')}"
    assert backlink.get("rel") is None  # in-page anchors are not user links


def test_footnote_ids_of_two_posts_on_one_page_do_not_clash():
    first = parse(cook("First claim.[^1]\n\n[^1]: Source A.").html)
    second = parse(cook("Second claim.[^1]\n\n[^1]: Source B.").html)

    first_ids = {element.get("id") for element in first.elements if element.get("id")}
    second_ids = {element.get("id") for element in second.elements if element.get("id")}
    assert len(first_ids) == 2 and len(second_ids) == 2
    assert first_ids.isdisjoint(second_ids)
    assert second.find("a", class_="footnote-ref").get("href") == f"#{second.find('li').get('id')}"


def test_a_single_newline_is_a_line_break_and_a_blank_line_a_new_paragraph():
    page = parse(cook("line one\nline two\n\nnew paragraph").html)

    paragraphs = page.find_all("p")
    assert len(paragraphs) == 2
    assert [child.tag for child in paragraphs[0].children] == ["br"]
    assert paragraphs[1].text == "new paragraph"


def test_markdown_blockquote_renders():
    page = parse(cook("> However, no randomised controlled trials with long-term follow-ups have been carried out.").html)

    assert "no randomised controlled trials" in page.find("blockquote").text


def test_a_mention_or_citation_inside_an_html_attribute_stays_the_text_typed():
    # Found by the hostile markup corpus: the link went into the attribute value, closed it early
    # and pushed the sanitiser's rel="nofollow ugc noopener" out of the tag.
    html = cook('<a href="https://spam.example" title="@alice [@doi:10.5555/x]">pills</a> @alice',
                mention_resolver=lambda name: (name, f"/u/{name}/")).html
    link = parse(html).find("a", href="https://spam.example")
    assert link.get("title") == "@alice [@doi:10.5555/x]"
    assert link.get("rel") == "nofollow ugc noopener"
    assert parse(html).find("a", class_="mention").text == "@alice"
