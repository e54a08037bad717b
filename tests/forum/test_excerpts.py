"""Every excerpt of a post, wherever it is shown outside the post, reads as text: citations as the
topic's [n] beside the topic or the study's short name elsewhere, quotes as "quoting lena:", no
markup, cut at a word. Each place that shows one is checked from outside: the page, the mail, the
feed, the API."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from forum.discussion.answers import answer_accept
from forum.discussion.posting import reply_create
from forum.evidence.referencing import studies_import
from forum.following.digests import digest_set, digests_send_due
from forum.markup import cook
from forum.markup.citations import CitedStudy
from forum.markup.excerpt import excerpt
from forum.models import Flag
from forum.moderation.actions import post_hide
from forum.moderation.flagging import flag_create
from forum.references.metadata import StudyMetadata
from forum.search import PostSearch, search_posts, with_snippets
from tests.factories import UserFactory, make_reply, make_topic
from tests.parsed_html import parse

DOI = "10.1111/j.1526-4637.2009.00613.x"
# Raw markup that reached people before: none of it may appear in any excerpt.
MARKUP = ("[@", "[quote", "[/quote]", "*protocol*", "**", "supports]", "post:1", "topic:")


def study(doi: str = DOI, family: str = "Younger", year: int = 2009, title: str = "Fibromyalgia symptoms are "
          "reduced by low-dose naltrexone: a pilot study"):
    return studies_import(records=[StudyMetadata(source="manual", doi=doi, title=title, year=year,
                                                 authors=[{"family": family, "given": "Jarred"}])])[0]


def answer_raw(topic) -> str:
    return (f'[quote="lena, post:1, topic:{topic.pk}"]\nDoes it help the pain?\n[/quote]\n\n'
            f"The *protocol* was small but the pain fell [@doi:{DOI} supports].")


def assert_readable(text: str) -> None:
    for markup in MARKUP:
        assert markup not in text, (markup, text)


def _resolved(number: int, study_id: int):
    return lambda ref: CitedStudy(number=number, state="resolved", label=ref.value, url=f"/studies/{study_id}/",
                                  title="A trial", design="rct", design_label="RCT", study_id=study_id)


class TestTheOneFunction:
    def test_quotes_citations_and_emphasis_read_as_text(self):
        html = cook('[quote="lena, post:1, topic:4"]\nTwo small trials.\n[/quote]\n\n'
                    f"The *protocol* matters [@doi:{DOI} supports].", citation_resolver=_resolved(1, 7)).html

        assert excerpt(html) == "quoting lena: “Two small trials.” The protocol matters [1]."
        assert excerpt(html, label_for={7: "[3]"}.get) == "quoting lena: “Two small trials.” The protocol matters [3]."
        assert excerpt(html, label_for=lambda _id: "[Younger 2009]").endswith("matters [Younger 2009].")

    def test_the_reference_list_footnotes_and_hover_cards_are_left_out(self):
        html = cook("Pain fell[^1] [@doi:10.5555/x].\n\n[^1]: In the small trial.",
                    citation_resolver=_resolved(1, 7)).html

        assert excerpt(html) == "Pain fell [1]."

    def test_a_citation_not_yet_known_shows_its_identifier(self):
        assert excerpt(cook("See [@pmid:38226027] and [@doi:10.5555/abc].").html) == (
            "See [PMID 38226027] and [10.5555/abc].")

    def test_the_cut_is_at_a_word_with_an_ellipsis(self):
        html = cook("Naltrexone " * 10 + "reduced pain considerably in both trials.").html

        text = excerpt(html, limit=60)
        assert text.endswith("…") and len(text) <= 60
        assert all(word in {"Naltrexone", "reduced", "pain", "considerably", "in"} for word in text[:-1].split())

    def test_a_citation_is_never_cut_and_the_window_centres_on_it(self):
        words = " ".join(f"word{n}" for n in range(80))
        html = cook(f"{words} the claim [@doi:{DOI}] and {words}", citation_resolver=_resolved(1, 7)).html

        text = excerpt(html, limit=80, label_for=lambda _id: "[Younger 2009]", focus_study=7)

        assert text.startswith("…") and text.endswith("…")
        assert "the claim [Younger 2009] and" in text
        assert excerpt(html, limit=80, label_for=lambda _id: "[Younger 2009]").startswith("word0 word1")


@pytest.fixture
def lena(db):
    return UserFactory(username="lena", display_name="Lena Park")


@pytest.fixture
def thread(lena):
    return make_topic(author=lena, title="Does low-dose naltrexone help fibromyalgia pain?",
                      raw="Does it help the pain?")


@pytest.fixture
def younger(db):
    return study()


@pytest.mark.django_db
class TestEverySiteShowsText:
    def test_the_accepted_answer_box(self, client, thread, lena, younger, other_member):
        make_reply(topic=thread, author=other_member, raw=f"First, [@doi:10.5555/other]. Then [@doi:{DOI}].")
        answer = make_reply(topic=thread, author=other_member, raw=answer_raw(thread))
        answer_accept(user=lena, post=answer)

        page = parse(client.get(thread.get_absolute_url()).content)

        box = page.find("aside", class_="accepted-answer")
        [text] = [" ".join(p.text.split()) for p in box.descendants() if p.tag == "p"]
        assert_readable(text)
        # The topic's own number for the study ([2]: first cited by #2, after 10.5555/other).
        assert text == "quoting lena: “Does it help the pain?” The protocol was small but the pain fell [2]."

    def test_the_notification_mail(self, thread, lena, younger, other_member, django_capture_on_commit_callbacks):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            reply_create(author=other_member, topic=thread, raw=answer_raw(thread) + " " + "More words. " * 80)

        (message,) = [m for m in mail.outbox if lena.email in m.to]
        excerpt_text = message.body.split("----\n")[1].strip()
        assert_readable(excerpt_text)
        assert excerpt_text.startswith("quoting lena: “Does it help the pain?” The protocol was small but the pain "
                                       "fell [Younger 2009].")
        assert excerpt_text.endswith("words.…") or excerpt_text.endswith("More…")

    def test_the_digest(self, thread, lena, younger, other_member):
        digest_set(user=lena, frequency="daily")
        reply_create(author=other_member, topic=thread, raw=answer_raw(thread))
        mail.outbox.clear()

        digests_send_due(now=timezone.now() + timedelta(days=1, minutes=1))

        (message,) = [m for m in mail.outbox if lena.email in m.to]
        assert_readable(message.body)
        assert "“quoting lena: “Does it help the pain?” The protocol was small but the pain fell [Younger 2009].”" in (
            message.body)

    def test_the_search_snippet_and_the_api_search(self, client, thread, younger, other_member):
        reply_create(author=other_member, topic=thread, raw=answer_raw(thread))

        [snippet] = [str(p.snippet_html) for p in with_snippets(list(search_posts(PostSearch(text="protocol"))))]
        api = client.get("/api/search/", {"q": "protocol"}).json()["results"][0]["snippet_html"]

        for shown in (snippet, api):
            assert_readable(shown)
            assert "The <mark>protocol</mark> was small but the pain fell [Younger 2009]." in shown

    def test_the_atom_feeds(self, client, thread, younger, other_member):
        reply_create(author=other_member, topic=thread, raw=answer_raw(thread))

        feed = ElementTree.fromstring(client.get(reverse("forum:topic_feed", args=[thread.slug, thread.pk])).content)

        atom = "{http://www.w3.org/2005/Atom}"
        summaries = [entry.find(f"{atom}summary").text for entry in feed.iter(f"{atom}entry")]
        assert summaries[0] == ("quoting lena: “Does it help the pain?” The protocol was small but the pain fell "
                                "[Younger 2009].")
        latest = ElementTree.fromstring(client.get(reverse("forum:latest_feed")).content)
        assert [e.find(f"{atom}summary").text for e in latest.iter(f"{atom}entry")] == ["Does it help the pain?"]

    def test_the_api_post_excerpt(self, client, thread, younger, other_member):
        reply_create(author=other_member, topic=thread, raw=answer_raw(thread))

        posts = client.get(f"/api/topics/{thread.pk}/").json()["results"]

        assert posts[1]["excerpt"] == ("quoting lena: “Does it help the pain?” The protocol was small but the pain "
                                       "fell [Younger 2009].")

    def test_the_review_queue_centres_on_the_flagged_citation(self, client, thread, lena, younger, other_member,
                                                             moderator):
        padding = " ".join(["Many careful words about dosing and sleep."] * 20)
        post = make_reply(topic=thread, author=other_member,
                          raw=f"{padding} Pain fell by half [@doi:{DOI} supports]. {padding}")
        flag_create(flagger=lena, post=post, reason="misrepresents", note="It was a pilot.", study_id=younger.pk)
        client.force_login(moderator)

        page = parse(client.get(reverse("forum:review_queue")).content)

        shown = " ".join(page.find("blockquote", class_="review-item__excerpt").text.split())
        assert_readable(shown)
        assert shown.startswith("…") and shown.endswith("…")
        assert "Pain fell by half [1]." in shown
        about = page.find("a", class_="flag__study")
        assert about.get("href") == younger.get_absolute_url()
        assert about.text == f"[1] Younger 2009: {younger.title}"


@pytest.mark.django_db
class TestFlagsAboutACitation:
    def test_the_flag_page_offers_the_posts_citations_by_the_topics_numbers(self, client, thread, lena, younger,
                                                                            other_member):
        other = study(doi="10.5555/other", family="Bested", year=2023, title="Another trial")
        make_reply(topic=thread, author=other_member, raw="Earlier: [@doi:10.5555/other].")
        post = make_reply(topic=thread, author=other_member, raw=f"Pain fell [@doi:{DOI}] [@doi:10.5555/other].")
        client.force_login(lena)

        page = parse(client.get(reverse("forum:post_flag", args=[post.pk])).content)

        options = [(o.get("value"), o.text) for o in page.find("select", id="study").descendants() if o.tag == "option"]
        assert options == [("", "Not about one citation"), (str(other.pk), "[1] Bested 2023: Another trial"),
                           (str(younger.pk), f"[2] Younger 2009: {younger.title}")]
        assert " ".join(page.find("blockquote", class_="flag-excerpt").text.split()) == "Pain fell [2] [1]."

        response = client.post(reverse("forum:post_flag", args=[post.pk]),
                               {"reason": "misrepresents", "study": younger.pk, "note": "A pilot only."})
        assert response.status_code == 302
        assert Flag.objects.get().study == younger

    def test_a_hidden_posts_words_stay_off_the_flag_page(self, client, thread, lena, younger, other_member,
                                                         moderator):
        post = make_reply(topic=thread, author=other_member, raw=f"Secret words [@doi:{DOI}].")
        post_hide(moderator=moderator, post=post, reason="Off topic")
        client.force_login(lena)

        response = client.get(reverse("forum:post_flag", args=[post.pk]))

        assert response.status_code == 200
        page = parse(response.content)
        assert "Secret words" not in page.text and "Younger" not in page.text

    def test_a_study_the_post_does_not_cite_is_refused(self, client, thread, lena, younger, other_member):
        post = make_reply(topic=thread, author=other_member, raw="No citation here.")
        client.force_login(lena)

        response = client.post(reverse("forum:post_flag", args=[post.pk]),
                               {"reason": "misrepresents", "study": younger.pk, "note": "?"})

        assert response.status_code == 400
        assert "Choose one of the studies this post cites." in response.content.decode()
        assert not Flag.objects.exists()

    def test_the_flagger_sees_the_moderators_reason(self, client, thread, lena, other_member, moderator):
        post = make_reply(topic=thread, author=other_member, raw="Fine words.")
        flag_create(flagger=lena, post=post, reason="inappropriate")
        client.force_login(moderator)
        client.post(reverse("forum:review_post", args=[post.pk]),
                    {"outcome": "disagree", "reason": "Blunt, but within the rules."})
        client.force_login(lena)

        inbox = parse(client.get(reverse("forum:notifications")).content)
        flag_page = parse(client.get(reverse("forum:post_flag", args=[post.pk])).content)

        messages = [" ".join(m.text.split()) for m in inbox.find_all("span", class_="notification__message")]
        assert messages == ["Reviewed: no action needed. Reason: Blunt, but within the rules."]
        earlier = flag_page.find("section", **{"aria-labelledby": "settled-heading"})
        assert " ".join(earlier.text.split()) == (
            "Your earlier flags on this post Inappropriate: Reviewed: no action needed. "
            "Reason: Blunt, but within the rules.")


def test_a_single_word_longer_than_the_excerpt_is_cut_all_the_same():
    text = excerpt(cook("https://example.org/" + "a" * 400).html, limit=50)

    assert len(text) <= 50 and text.endswith("…")


def test_an_outside_picture_reads_as_an_image():
    html = '<p>See <a class="external-image" href="/external-image/?u=x">Image from example.org - show</a> here.</p>'

    assert excerpt(html) == "See [image] here."
