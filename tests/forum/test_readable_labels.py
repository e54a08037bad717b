"""Labels and excerpts that read as text: a quote naming the wrong author says so; search snippets
and review-queue excerpts show words, not markdown or quote tags."""

import pytest
from django.urls import reverse

from forum.markup.excerpt import excerpt
from forum.markup.pipeline import cook
from forum.moderation.flagging import flag_create
from forum.search import PostSearch, search_posts, with_snippets
from forum.search.snippets import highlight
from tests.factories import UserFactory, make_reply, make_topic
from tests.parsed_html import parse

QUESTION = "Low-dose naltrexone reduced pain in two small trials."


def quote_titles(post) -> list[str]:
    post.refresh_from_db()
    return [" ".join(div.text.split()) for div in parse(post.cooked).find_all("div", class_="quote__title")]


@pytest.mark.django_db
class TestQuoteLabels:
    def test_a_quote_naming_the_wrong_author_says_whose_post_it_is(self):
        lena = UserFactory(username="lena", display_name="Lena Park")
        UserFactory(username="dr_rivera", display_name="Dr Rivera")
        topic = make_topic(author=lena, raw=QUESTION)

        reply = make_reply(topic=topic, raw=f'[quote="dr_rivera, post:1, topic:{topic.pk}"]\n'
                                            "reduced pain in two small trials\n[/quote]\n\nAgreed.")

        assert quote_titles(reply) == ["dr_rivera: attributed to dr_rivera, but #1 is by Lena Park"]

    def test_wrong_author_and_words_not_in_the_post_are_both_said(self):
        lena = UserFactory(username="lena", display_name="Lena Park")
        topic = make_topic(author=lena, raw=QUESTION)

        reply = make_reply(topic=topic, raw=f'[quote="dr_rivera, post:1, topic:{topic.pk}"]\n'
                                            "cured everyone\n[/quote]\n\nReally?")

        assert quote_titles(reply) == [
            "dr_rivera: attributed to dr_rivera, but #1 is by Lena Park Not found in the source"]

    def test_a_rightly_attributed_quote_keeps_its_usual_title(self):
        lena = UserFactory(username="lena", display_name="Lena Park")
        topic = make_topic(author=lena, raw=QUESTION)

        reply = make_reply(topic=topic, raw=f'[quote="lena, post:1, topic:{topic.pk}"]\n'
                                            "reduced pain in two small trials\n[/quote]\n\nAgreed.")

        assert quote_titles(reply) == ["Lena Park: #1 Matches the source"]


class TestSnippets:
    def test_markdown_punctuation_is_read_as_words(self):
        assert str(highlight("the **largest** \x02trial\x03 and [the protocol](https://example.org/x) `code`")) == (
            "the largest <mark>trial</mark> and the protocol code")

    def test_quote_tags_left_in_a_snippet_become_quotation_marks(self):
        assert str(highlight('[quote="lena, post:1, topic:4"]two small trials[/quote]I disagree')) == (
            "“two small trials” I disagree")

    @pytest.mark.django_db
    def test_a_search_result_reads_without_markdown(self):
        topic = make_topic(title="Magnesium for cramps", raw="Night cramps.")
        make_reply(topic=topic, raw="Magnesium **citrate** did *nothing* for my calves, sadly.")

        [snippet] = [str(post.snippet_html) for post in with_snippets(list(search_posts(PostSearch(text="citrate"))))]

        assert "**" not in snippet and "*nothing*" not in snippet
        assert "<mark>citrate</mark> did nothing for my calves" in snippet


class TestReviewExcerpts:
    def test_quotes_stay_apart_from_the_writers_words(self):
        raw = '[quote="lena, post:1, topic:4"]\nTwo small trials.\n[/quote]\n\nThis is **wrong**, see [@pmid:1].'

        assert excerpt(cook(raw).html) == "quoting lena: “Two small trials.” This is wrong, see [PMID 1]."

    @pytest.mark.django_db
    def test_the_review_queue_shows_readable_text(self, client):
        moderator = UserFactory(role="moderator")
        lena = UserFactory(username="lena", display_name="Lena Park")
        topic = make_topic(author=lena, raw=QUESTION)
        post = make_reply(topic=topic, raw=f'[quote="lena, post:1, topic:{topic.pk}"]\n'
                                           "two small trials\n[/quote]\n\nBuy **cheap** pills here.")
        flag_create(flagger=lena, post=post, reason="spam")
        client.force_login(moderator)

        page = parse(client.get(reverse("forum:review_queue")).content)

        [shown] = [element.text.strip() for element in page.find_all("blockquote", class_="review-item__excerpt")]
        assert shown == "quoting lena: “two small trials” Buy cheap pills here."
