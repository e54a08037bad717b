"""Discourse's raw text made into ours: quotes, links, studies, uploads and BBCode."""

from forum.importing.discourse.markup import convert

BASE = "https://old.example"
OUR_TOPICS = {42: 7}  # Discourse topic 42 was imported as our topic 7
RENAMED = {"lena": "lena_2"}


def _convert(raw):
    def topic_address(topic_id, number):
        if topic_id not in OUR_TOPICS:
            return None
        return f"/t/imported/{OUR_TOPICS[topic_id]}/" + (f"{number + 1}/" if number else "")

    def quote_target(topic_id, number):
        return (OUR_TOPICS[topic_id], number + 1) if topic_id in OUR_TOPICS else None

    return convert(raw, base_url=BASE, topic_address=topic_address, quote_target=quote_target,
                   username=lambda name: RENAMED.get(name.lower()))


def test_a_quote_points_at_the_imported_topic_and_post():
    result = _convert('[quote="lena, post:3, topic:42"]\nWords.\n[/quote]')
    assert result.raw.splitlines()[0] == '[quote="lena_2, post:4, topic:7"]'
    assert not result.unresolved_topics


def test_a_quote_with_a_display_name_uses_its_username_parameter():
    result = _convert('[quote="Lena Park, post:1, topic:42, username:lena"]\nWords.\n[/quote]')
    assert result.raw.startswith('[quote="lena_2, post:2, topic:7"]')


def test_a_quote_of_a_topic_not_imported_keeps_its_author_but_names_no_post_here():
    # Topic 99 here is some other conversation: the old address must not point at it.
    result = _convert('[quote="sam, post:2, topic:99"]\nWords.\n[quote="lena"]\nInner.\n[/quote]\n[/quote]\nMine.')
    assert result.raw.startswith('[quote="sam"]')
    assert result.unresolved_topics == {99}
    # It says it could not be checked, and where the source is, under the whole quote.
    assert result.raw.endswith(
        "[/quote]\n[/quote]\n\n*Source not imported: [the post on the old site](https://old.example/t/99/2)*\n\nMine.")


def test_links_to_imported_topics_and_posts_lead_to_their_new_addresses():
    result = _convert(f"See {BASE}/t/some-slug/42/3, [there](/t/some-slug/42) and {BASE}/t/42.")
    assert result.raw == "See /t/imported/7/4/, [there](/t/imported/7/) and /t/imported/7/."


def test_links_to_other_sites_and_unknown_topics_stay_as_they_were():
    raw = f"https://elsewhere.example/t/slug/42 and {BASE}/t/other/99"
    result = _convert(raw)
    assert result.raw == raw
    assert result.unresolved_topics == {99}


def test_pubmed_and_doi_links_gain_citations():
    result = _convert("https://pubmed.ncbi.nlm.nih.gov/38226027/\n\n"
                      "[the trial](https://doi.org/10.1016/S2665-9913(23)00278-3) and "
                      "[abstract](https://www.ncbi.nlm.nih.gov/pubmed/19453963)")
    assert result.raw.splitlines()[0] == "[@pmid:38226027]"
    assert _convert("(https://pubmed.ncbi.nlm.nih.gov/38226027/)").raw == "([@pmid:38226027])"
    assert "[the trial](https://doi.org/10.1016/S2665-9913(23)00278-3) [@doi:10.1016/S2665-9913(23)00278-3]" in result.raw
    assert "[abstract](https://www.ncbi.nlm.nih.gov/pubmed/19453963) [@pmid:19453963]" in result.raw


def test_uploads_become_links_to_the_original_site():
    result = _convert("![forest plot|690x388](upload://abc123.png) and [handout.pdf|attachment](upload://def.pdf)")
    assert result.raw == ("[forest plot (image on the original site)](https://old.example/uploads/short-url/abc123.png)"
                          " and [handout.pdf|attachment](https://old.example/uploads/short-url/def.pdf)")
    assert result.uploads == 2


def test_bbcode_we_do_not_read_keeps_its_words():
    result = _convert("[b]bold[/b] [i]it[/i] [u]under[/u] [spoiler]secret[/spoiler] [url=https://x.org]x[/url]\n"
                      "[details=\"Why\"]\nBecause.\n[/details]\n[poll type=regular]\n* yes\n[/poll]")
    assert result.raw == "**bold** *it* under secret [x](https://x.org)\n**Why**\n\nBecause.\n\n\n* yes\n"


def test_mentions_of_renamed_members_follow_them():
    assert _convert("thanks @lena and @sam, mail lena@example.org").raw == \
        "thanks @lena_2 and @sam, mail lena@example.org"


def test_citations_and_code_are_left_alone():
    raw = "[@doi:10.1097/PR9.0000000000001080] and `[b]not bbcode[/b]`"
    assert _convert("[@doi:10.1097/PR9.0000000000001080]").raw == "[@doi:10.1097/PR9.0000000000001080]"
    assert "[@doi:10.1097/PR9.0000000000001080]" in _convert(raw).raw


def test_links_to_topics_not_imported_and_other_site_pages_lead_to_the_old_site():
    result = _convert("See [the old thread](/t/old-thread/4242/3), /t/9 and [post](/t/42/2).\n"
                      "Ask [@sam](/u/sam) or read [the FAQ](/faq) and ![chart](/uploads/default/x.png).\n"
                      "[ours](/t/some-slug/42) and [elsewhere](https://other.example/t/9)")
    assert "[the old thread](https://old.example/t/old-thread/4242/3)" in result.raw
    assert " https://old.example/t/9 " in result.raw
    assert "[post](/t/imported/7/3/)" in result.raw
    assert "[@sam](https://old.example/u/sam)" in result.raw and "(https://old.example/faq)" in result.raw
    assert "![chart](https://old.example/uploads/default/x.png)" in result.raw
    assert "[ours](/t/imported/7/)" in result.raw and "(https://other.example/t/9)" in result.raw
    assert result.unresolved_topics == {4242, 9}


def test_a_details_block_keeps_its_summary():
    for raw in ("[details=Summary]\nHidden words\n[/details]", '[details="Summary"]Hidden words[/details]',
                'Text [details="Summary" open]\nHidden words\n[/details]'):
        converted = _convert(raw).raw
        assert "**Summary**\n\nHidden words" in converted, converted
        assert "[details" not in converted and "[/details]" not in converted
