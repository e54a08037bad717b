"""Snippets show matches in <mark> and never return a post's markup live."""

from forum.search import PostSearch, search_posts, with_snippets
from forum.search.snippets import highlight
from tests.factories import make_reply, make_topic


def snippets_for(text: str) -> list[str]:
    return [str(post.snippet_html) for post in with_snippets(list(search_posts(PostSearch(text=text))))]


def test_matches_are_marked(db):
    topic = make_topic(title="Magnesium for cramps", raw="Night cramps in the calves.")
    make_reply(topic=topic, raw="Magnesium citrate did nothing for my cramps, sadly.")
    assert any("<mark>cramps</mark>" in snippet for snippet in snippets_for("cramps"))


def test_script_in_a_post_comes_back_escaped(db):
    topic = make_topic(title="Escaping", raw="Plain question.")
    make_reply(topic=topic, raw='Try this: <script>alert("pwned")</script> and <b onmouseover=x>bold</b> payload')
    [snippet] = snippets_for("payload")
    # SQLite returns the tags as text (escaped); PostgreSQL's headline drops them. Neither is live.
    assert "<script" not in snippet and "<b " not in snippet
    assert "alert(&quot;pwned&quot;)" in snippet
    assert "<mark>payload</mark>" in snippet


def test_highlight_escapes_before_marking():
    assert highlight('<img src=x onerror=1> \x02match\x03 & "q"') == (
        "&lt;img src=x onerror=1&gt; <mark>match</mark> &amp; &quot;q&quot;"
    )


def test_highlight_never_leaves_a_mark_open():
    assert highlight("cut \x02off") == "cut off"
    assert highlight(None) == ""
