"""Quotes of a study's abstract: checked against the stored abstract (matches, not found), the
structured abstract's section named, and a study not stored yet looked up and checked later."""

import pytest

from forum.discussion.editing import post_edit
from forum.discussion.study_quoting import abstract_quote_check, study_quote_markup
from forum.markup import cook
from forum.markup.quotes import QuoteRef
from forum.models import LookupState, Study, StudyQuote
from forum.references.abstracts import abstract_sections
from tests.factories import make_reply, make_topic
from tests.forum.study_data import crossref_response, stored_metadata, stored_study
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

BESTED_DOI = "10.1097/PR9.0000000000001080"
CONCLUSION = ("Outcome data did not indicate any clinically relevant analgesic efficacy of the LDN treatment "
              "in patients with FM.")


@pytest.fixture
def bested():
    return stored_study("bested2023", pmid="38226027")


class Aside:
    """The post's one study quote, searchable like the page it is on."""

    def __init__(self, html):
        [self.element] = html.find_all("aside", class_="quote--study")
        self.html = html
        self.text = self.element.text

    def get(self, name):
        return self.element.get(name)

    def find(self, *args, **kwargs):
        return self.html.find(*args, **kwargs)

    def find_all(self, *args, **kwargs):
        return self.html.find_all(*args, **kwargs)


def quote_aside(post):
    post.refresh_from_db()
    return Aside(parse(post.cooked))


# --- the check itself -------------------------------------------------------------------------

STRUCTURED = ("Introduction: Fibromyalgia (FM) is a chronic fluctuating, nociplastic pain condition.\n\n"
              "Results: Fifty-eight patients with FM were randomized. The median difference was −1.65.\n\n"
              f"Conclusion: {CONCLUSION}")


@pytest.mark.parametrize("quoted, status, section", [
    (CONCLUSION, "verified", "Conclusion"),
    ("  outcome data did NOT indicate\nany clinically relevant analgesic efficacy ", "verified", "Conclusion"),
    ("Outcome data did not indicate … efficacy of the LDN treatment", "verified", "Conclusion"),
    ("Outcome data did not indicate [...] in patients with FM.", "verified", "Conclusion"),
    ("Fifty-eight patients with FM were randomized", "verified", "Results"),
    ("The median difference was −1.65. Conclusion: Outcome data", "verified", ""),
    ("Outcome data indicated a clinically relevant analgesic efficacy", "unmatched", ""),
    ("in patients with FM. … Outcome data did not indicate", "unmatched", ""),  # ellipsis keeps order
    ("FM were random", "unmatched", ""),  # no word cut in two
])
def test_quoted_words_are_checked_against_the_abstract_and_its_section(quoted, status, section):
    assert abstract_quote_check(STRUCTURED, quoted) == (status, section)


def test_an_abstract_without_headings_has_no_sections_and_no_abstract_says_so():
    assert abstract_sections("One paragraph. Another sentence.") == [("", "One paragraph. Another sentence.")]
    assert abstract_quote_check("One paragraph. Another sentence.", "another sentence") == ("verified", "")
    assert abstract_quote_check("", "anything") == ("no_abstract", "")


def test_curly_quotes_and_dashes_match_straight_ones():
    assert abstract_quote_check("Results: The ‘so-called’ effect – small.", "the 'so-called' effect - small")[0] \
        == "verified"


# --- in posts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("opening", [f'[quote="doi:{BESTED_DOI}"]', f"[quote=doi:{BESTED_DOI.lower()}]",
                                     '[quote="pmid:38226027"]', "[quote='PMID: 38226027']"])
def test_a_quote_of_the_abstract_by_doi_or_pmid_matches_names_its_section_and_links_the_study(
        opening, bested, member):
    topic = make_topic(author=member, raw=f"{opening}\n{CONCLUSION}\n[/quote]\n\nSo: no.")
    post = topic.posts.get()

    aside = quote_aside(post)
    assert aside.get("data-status") == "verified"
    assert aside.find("div", class_="quote__title").text.startswith("From the abstract of ")
    link = aside.find("a", class_="quote__source")
    assert link.get("href") == bested.get_absolute_url()
    assert link.text == bested.title
    assert aside.find("span", class_="quote__section").text == "Conclusion"
    assert aside.find("span", class_="quote__status").text == "Matches the abstract"
    assert aside.find("blockquote").text.strip() == CONCLUSION
    [row] = StudyQuote.objects.filter(quoting_post=post)
    assert (row.study, row.status, row.section) == (bested, "verified", "Conclusion")


def test_words_not_in_the_abstract_are_not_found(bested, member):
    topic = make_topic(author=member, raw=f'[quote="doi:{BESTED_DOI}"]\nLDN cured every patient.\n[/quote]')
    aside = quote_aside(topic.posts.get())
    assert aside.get("data-status") == "unmatched"
    assert aside.find("span", class_="quote__status").text == "Not found in the abstract"
    assert not aside.find_all("span", class_="quote__section")


def test_the_composer_lists_a_study_quote_not_found_in_the_abstract_under_check_what_you_cite(client, bested, member):
    """As a retracted citation is: in the preview's "Check what you cite" box, and after posting."""
    from django.urls import reverse

    client.force_login(member)
    wrong = f'[quote="doi:{BESTED_DOI}"]\nLDN cured every patient.\n[/quote]\n\nSee?'
    preview = parse(client.post(reverse("forum:preview"), {"raw": wrong}).content)
    [warning] = preview.find_all("div", class_="composer__citation-warnings")
    assert ("“LDN cured every patient.” is not in the abstract of “Low-dose naltrexone for treatment of pain in "
            "patients with fibromyalgia") in warning.text
    right = f'[quote="doi:{BESTED_DOI}"]\n{CONCLUSION}\n[/quote]\n\nSee?'
    assert parse(client.post(reverse("forum:preview"), {"raw": right}).content).find_all(
        "div", class_="composer__citation-warnings") == []

    topic = make_topic(raw="Question?")
    response = client.post(reverse("forum:reply", args=[topic.pk]), {"raw": wrong}, follow=True)
    assert "“LDN cured every patient.” is not in the abstract of" in parse(response.content).find(
        "ul", class_="messages").text


def test_a_study_without_a_stored_abstract_says_there_is_nothing_to_check(member):
    study = stored_metadata(title="A study without an abstract", doi="10.5555/no-abstract", year=2020)
    topic = make_topic(author=member, raw='[quote="doi:10.5555/no-abstract"]\nSome words.\n[/quote]')
    aside = quote_aside(topic.posts.get())
    assert aside.find("a", class_="quote__source").get("href") == study.get_absolute_url()
    assert aside.find("span", class_="quote__status").text == "No abstract stored to check against"


def test_a_study_not_stored_yet_is_looked_up_and_the_quote_checked_when_it_arrives(
        django_capture_on_commit_callbacks, reference_server, member):
    with django_capture_on_commit_callbacks() as callbacks:
        topic = make_topic(author=member, raw=f'[quote="doi:{BESTED_DOI}"]\n{CONCLUSION}\n[/quote]')
    post = topic.posts.get()
    # Posted at once; the study waits to be looked up.
    study = Study.objects.get(doi=BESTED_DOI.lower())
    assert study.lookup_state == LookupState.PENDING
    aside = quote_aside(post)
    assert aside.find("span", class_="quote__status").text == "Checked when the study's details arrive"

    assert reference_server.requests == []  # nothing is fetched while the post is saved
    reference_server.add(f"/works/{BESTED_DOI.lower()}", crossref_response("bested2023"))
    for callback in callbacks:
        callback()
    study.refresh_from_db()
    assert study.lookup_state == LookupState.RESOLVED

    aside = quote_aside(post)
    assert aside.get("data-status") == "verified"
    assert aside.find("span", class_="quote__section").text == "Conclusion"


def test_editing_the_quote_rechecks_it(bested, member):
    topic = make_topic(author=member, raw=f'[quote="doi:{BESTED_DOI}"]\nLDN works.\n[/quote]')
    post = topic.posts.get()
    assert quote_aside(post).get("data-status") == "unmatched"
    post_edit(editor=member, post=post, raw=f'[quote="doi:{BESTED_DOI}"]\n{CONCLUSION}\n[/quote]')
    assert quote_aside(post).get("data-status") == "verified"
    assert list(StudyQuote.objects.filter(quoting_post=post).values_list("status", flat=True)) == ["verified"]


def test_a_preview_creates_no_study(member):
    from forum.discussion.rendering import post_render

    rendered = post_render(raw=f'[quote="doi:10.5555/never-seen"]\nWords.\n[/quote]', topic=None, preview=True)
    assert not Study.objects.filter(doi="10.5555/never-seen").exists()
    assert "Checked when the study" in rendered.cooked.html


def test_a_post_quote_and_other_quote_forms_still_work(member):
    topic = make_topic(author=member, raw="The question.")
    reply = make_reply(topic=topic, raw=f'[quote="{member.username}, post:1, topic:{topic.pk}"]\nThe question.\n[/quote]')
    reply.refresh_from_db()
    html = parse(reply.cooked)
    assert html.find("aside", class_="quote").get("data-status") == "verified"
    assert not html.find_all("aside", class_="quote--study")
    # Not a DOI or PMID: stays what it was (a username that is not one is literal text).
    assert "[quote=" in cook('[quote="isbn:123"]\nx\n[/quote]').html


def test_study_quote_markup_is_what_the_quote_button_writes(bested):
    assert study_quote_markup(bested, f"  {CONCLUSION}  ") == f'[quote="doi:{bested.as_metadata().doi}"]\n{CONCLUSION}\n[/quote]\n\n'
    assert study_quote_markup(bested, "a [/quote] b").count("[/quote]") == 1
    assert study_quote_markup(bested, "   ") == ""
    assert isinstance(QuoteRef(None, None, None, False, "x").is_study, bool)
