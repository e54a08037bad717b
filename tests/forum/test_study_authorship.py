"""A member whose verified ORCID iD is among a cited study's authors: the chip says "author", the
post says "Dr Ana Rivera is an author of [2]", and the composer asks once for a one-line
competing-interests statement, shown on the post, kept in drafts and revisions."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.social import member_set_orcid
from forum.models import Post
from tests.factories import UserFactory, make_reply, make_topic
from tests.forum.study_data import stored_metadata
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

RIVERA_ORCID = "0000-0002-1825-0097"


@pytest.fixture
def rivera(db):
    # A fictional researcher who signed in with ORCID (User.orcid is only set that way).
    return UserFactory(username="arivera", display_name="Dr Ana Rivera", role="expert",
                       expert_credential="Rheumatologist, PhD", orcid=RIVERA_ORCID)


@pytest.fixture
def studies():
    other = stored_metadata(doi="10.5555/authorship-other", title="Someone else's trial", year=2019,
                            authors=[{"family": "Okafor", "given": "Ben", "orcid": "0000-0002-1694-233X"}])
    own = stored_metadata(doi="10.5555/authorship-own", title="Rivera's trial", year=2021,
                          authors=[{"family": "Lund", "given": "Eva"},
                                   {"family": "Rivera", "given": "Ana", "orcid": RIVERA_ORCID}])
    return other, own


@pytest.fixture
def topic(member, studies):
    return make_topic(author=member, raw="Does it work? [@doi:10.5555/authorship-other]")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def article(page, number: int):
    return page.find("article", **{"data-post-number": str(number)})


def chips(element) -> list[str]:
    return [e.text for e in element.descendants() if e.tag == "a" and "cite__link" in e.classes]


def read(topic):
    cache.clear()
    return parse(Client().get(topic.get_absolute_url()).content)


def test_the_chip_and_the_post_say_the_poster_is_an_author(rivera, topic):
    make_reply(topic=topic, author=rivera,
               raw="Our trial [@doi:10.5555/authorship-own] and theirs [@doi:10.5555/authorship-other].")

    reply = article(read(topic), 2)

    assert chips(reply) == ["[2] Other, author", "[1] Other"]
    note = [e for e in reply.descendants() if "post__authorship" in e.classes][0]
    # The topic's numbers: the study is [2] here, though it is the reply's first citation.
    assert " ".join(note.text.split()) == "Dr Ana Rivera is an author of [2]."


def test_a_member_without_that_orcid_is_no_author(member, other_member, topic):
    other_member.orcid = "0000-0002-1694-233X"  # Okafor's iD, not an author of this study
    other_member.save()
    make_reply(topic=topic, author=other_member, raw="See [@doi:10.5555/authorship-own].")

    reply = article(read(topic), 2)

    assert chips(reply) == ["[2] Other"]
    assert not [e for e in reply.descendants() if "post__authorship" in e.classes]


def test_linking_orcid_later_marks_earlier_posts(member, topic, django_capture_on_commit_callbacks):
    make_reply(topic=topic, author=member, raw="Mine: [@doi:10.5555/authorship-own].")
    assert chips(article(read(topic), 2)) == ["[2] Other"]

    with django_capture_on_commit_callbacks(execute=True):
        member_set_orcid(user=member, orcid=RIVERA_ORCID)  # re-rendered by the worker (at once in tests)

    assert chips(article(read(topic), 2)) == ["[2] Other, author"]


def test_without_javascript_the_composer_asks_once_for_a_statement(rivera, topic):
    client = signed_in(rivera)
    url = reverse("forum:reply", args=[topic.pk])
    text = "Our trial [@doi:10.5555/authorship-own] was small."

    asked = client.post(url, {"raw": text})

    assert topic.posts.count() == 1, "nothing is posted before the question is answered"
    page = parse(asked.content)
    assert page.find("textarea", name="raw").text == text
    assert "You are an author of [2]" in page.text
    assert page.find("input", name="competing_interests").get("type") == "text"

    client.post(url, {"raw": text, "competing_interests": "I led this trial;\nfunded by <Acme> Ltd",
                      "interests_asked": "1"})

    post = topic.posts.get(post_number=2)
    assert post.competing_interests == "I led this trial; funded by <Acme> Ltd"
    html = Client().get(topic.get_absolute_url()).content.decode()
    assert "Competing interests: I led this trial; funded by &lt;Acme&gt; Ltd" in html


def test_posting_again_without_a_statement_posts(rivera, topic):
    client = signed_in(rivera)
    url = reverse("forum:reply", args=[topic.pk])
    client.post(url, {"raw": "Ours: [@doi:10.5555/authorship-own]."})
    client.post(url, {"raw": "Ours: [@doi:10.5555/authorship-own].", "interests_asked": "1"})

    assert topic.posts.get(post_number=2).competing_interests == ""


def test_no_question_when_the_post_cites_nothing_the_member_wrote(rivera, topic):
    signed_in(rivera).post(reverse("forum:reply", args=[topic.pk]), {"raw": "Theirs: [@doi:10.5555/authorship-other]."})

    assert topic.posts.count() == 2


def test_the_preview_says_so(rivera, topic):
    html = signed_in(rivera).post(reverse("forum:preview"), {"raw": "[@doi:10.5555/authorship-own]",
                                                             "topic": topic.pk}).content.decode()

    assert "data-authorship-detected" in html
    assert "You are an author of" in parse(html).text


def test_the_author_edits_the_statement_and_the_revision_keeps_the_old_one(rivera, topic):
    post = make_reply(topic=topic, author=rivera, raw="Ours: [@doi:10.5555/authorship-own].")
    Post.objects.filter(pk=post.pk).update(competing_interests="I led this trial.")
    client = signed_in(rivera)

    client.post(reverse("forum:post_edit", args=[post.pk]),
                {"raw": post.raw, "competing_interests": "I led this trial; no funding from makers."})

    post.refresh_from_db()
    assert post.competing_interests == "I led this trial; no funding from makers."
    assert post.revisions.get().competing_interests == "I led this trial."
    history = parse(client.get(reverse("forum:post_revisions", args=[post.pk])).content).text
    assert "Competing interests: I led this trial." in history


def test_a_draft_keeps_the_statement(rivera, topic):
    client = signed_in(rivera)
    url = reverse("forum:draft", args=[f"topic-{topic.pk}"])
    client.post(url, {"raw": "Ours: [@doi:10.5555/authorship-own].", "competing_interests": "I led it."})

    assert client.get(url).json()["competing_interests"] == "I led it."
    composer = parse(client.get(topic.get_absolute_url()).content)
    assert composer.find("input", name="competing_interests").get("value") == "I led it."


def test_an_experts_orcid_shows_beside_the_credential_and_renews_the_cached_post(settings, rivera, topic):
    settings.FORUM_FRAGMENT_CACHE = True
    make_reply(topic=topic, author=rivera, raw="An answer.")
    client = Client()
    cache.clear()
    client.get(topic.get_absolute_url())

    member_set_orcid(user=rivera, orcid="0000-0002-1694-233X")

    page = parse(client.get(topic.get_absolute_url()).content)
    link = page.find("a", class_="post__orcid")
    assert link.get("href") == "https://orcid.org/0000-0002-1694-233X"
    assert "0000-0002-1694-233X" in link.text
