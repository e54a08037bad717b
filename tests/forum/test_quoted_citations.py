"""Where quoting meets citing: a post quoting another is not counted as citing what the quoted post
cites (stance tallies, "cited in N posts", the Evidence panel, study pages, evidence alerts, the
"author" chip), a whole-post quote leaves the quoted post's own quotes out with a "…", and the quote
check holds the quoted words to the words their source's author wrote. Tried on the demo thread, as
a member would, through the pages and the commands an operator runs."""

import os
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from forum.discussion.quoting import full_quote
from forum.evidence.alerts import evidence_alert_recipients
from forum.models import Citation, Post, Quote, QuoteStatus, Study, Topic
from tests.factories import UserFactory, make_reply, make_topic
from tests.forum.study_data import stored_metadata
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

LDN = "Does low-dose naltrexone help fibromyalgia pain?"
LENA_SENTENCE = "However, no randomised controlled trials with long-term follow-ups have been carried out."
ABSTRACT_SENTENCE = "Outcome data did not indicate any clinically relevant analgesic efficacy"


@pytest.fixture
def demo(settings):
    settings.FORUM_FRAGMENT_CACHE = False
    with open(os.devnull, "w") as devnull:
        call_command("demo", stdout=devnull)
    return Topic.objects.get(title=LDN)


def signed_in(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def within(element, tag: str, class_: str | None = None) -> list:
    return [e for e in element.descendants() if e.tag == tag and (class_ is None or class_ in e.classes)]


def evidence_panel(client, topic) -> list[tuple[str, str]]:
    """("cited in 1 post", "Contradicts: #2") per study in the topic's Evidence panel."""
    html = parse(client.get(topic.get_absolute_url()).content.decode())
    rows = []
    for item in html.find_all("li", class_="evidence__item"):
        [meta] = [e.text.split("·")[-1].strip() for e in within(item, "span", "evidence__meta")]
        stances = " | ".join(" ".join(li.text.split()) for li in within(item, "li", "evidence__stance"))
        rows.append((meta, stances))
    return rows


def tally(client, study) -> str:
    return parse(client.get(study.get_absolute_url()).content.decode()).find("p", class_="study__stance-tally").text


def quote_whole_post_without_javascript(client, topic, number: int) -> str:
    """What the Quote link of post #number puts in the reply page's composer."""
    page = parse(client.get(f"/t/{topic.pk}/reply/", {"to": number, "quote": "1"}).content.decode())
    return page.find("textarea", id="id_raw").text.strip("\n")


def post_reply(client, topic, raw: str, reply_to: int) -> Post:
    response = client.post(f"/t/{topic.pk}/reply/", {"raw": raw, "reply_to": reply_to})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Post.objects.filter(topic=topic).order_by("-post_number").first()


def test_quoting_a_whole_post_that_cites_and_quotes_counts_nothing_for_the_quoter(client, demo):
    before = evidence_panel(client, demo)
    studies = list(Study.objects.filter(citations__post__topic=demo).distinct())
    tallies = {study.pk: tally(client, study) for study in studies}
    assert ("cited in 1 post", "Contradicts: #2") in before

    signed_in(client, "lena")
    raw = quote_whole_post_without_javascript(client, demo, 2)
    # Dr Rivera's own words and citations come along; the words he quoted (Lena's, and the
    # abstract's) are left out with a "…", as Discourse leaves them.
    assert raw.startswith(f'[quote="dr_rivera, post:2, topic:{demo.pk}, full:true"]\n…\n\nThat sentence is the heart')
    assert "[@bested2023naltrexone contradicts]" in raw
    assert LENA_SENTENCE not in raw and ABSTRACT_SENTENCE not in raw
    reply = post_reply(client, demo, raw + "\n\nThank you, this is what I needed.", 2)

    client.logout()
    assert evidence_panel(client, demo) == before
    assert {study.pk: tally(client, study) for study in studies} == tallies
    assert not Citation.objects.filter(post=reply).exists()
    # Each study still has its chip in the quote, linking to its page, and the quote checks.
    article = parse(client.get(demo.get_absolute_url()).content.decode()).find(
        "article", **{"data-post-number": str(reply.post_number)})
    [aside] = within(article, "aside", "quote")
    chips = [a.get("href") for a in within(aside, "a", "cite__link")]
    assert sorted(chips) == sorted(study.get_absolute_url() for study in studies if study.doi != "10.1136/bmjopen-2021-055351")
    assert "Matches the source" in within(aside, "div", "quote__title")[0].text
    assert Quote.objects.get(quoting_post=reply).status == QuoteStatus.VERIFIED
    # When one of them is retracted, Dr Rivera hears it; Lena, who only quoted him, does not.
    bested = Study.objects.get(bibtex_key="bested2023naltrexone")
    recipients = {recipient.user_id: recipient.why for recipient in evidence_alert_recipients(bested)}
    assert User.objects.get(username="dr_rivera").pk in recipients
    assert recipients.get(User.objects.get(username="lena").pk) != "author of a post citing it"


def test_words_another_member_quoted_are_not_the_quoted_authors(client, demo):
    """What the old whole-post quote made: Lena's sentence, quoted by Dr Rivera, copied as a plain
    paragraph under his name. It is not his, so it is not "Matches the source"."""
    signed_in(client, "priya")
    reply = post_reply(client, demo, f'[quote="dr_rivera, post:2, topic:{demo.pk}"]\n{LENA_SENTENCE}\n[/quote]\n\nSo?', 2)
    assert Quote.objects.get(quoting_post=reply).status == QuoteStatus.UNMATCHED
    # Quoted from Lena, whose words they are, they match.
    reply = post_reply(client, demo, f'[quote="lena, post:1, topic:{demo.pk}"]\n{LENA_SENTENCE}\n[/quote]\n\nSo?', 1)
    assert Quote.objects.get(quoting_post=reply).status == QuoteStatus.VERIFIED


def test_a_nested_quote_kept_as_a_quote_stays_its_authors_and_cites_nothing_for_anyone_but_its_author(client, demo):
    """Typed by hand, a quote can hold a quote: it renders nested under its own author, its
    citations count for neither quoting post, and the outer quote still checks."""
    signed_in(client, "priya")
    raw = (f'[quote="dr_rivera, post:2, topic:{demo.pk}"]\n'
           f'[quote="lena, post:1, topic:{demo.pk}"]\n{LENA_SENTENCE}\n[/quote]\n'
           "That sentence is the heart of it.\n"
           "[quote]\nSomeone said LDN works [@doi:10.1002/art.37734 supports].\n[/quote]\n"
           "[/quote]\n\nNoted.")
    reply = post_reply(client, demo, raw, 2)
    assert not Citation.objects.filter(post=reply).exists()
    assert Quote.objects.get(quoting_post=reply).status == QuoteStatus.VERIFIED
    outer, *inner = parse(reply.cooked).find_all("aside", class_="quote")
    assert [aside.get("data-username") for aside in inner] == ["lena", None]
    assert all(aside in outer.descendants() for aside in inner)


def test_a_quoted_study_is_not_the_quoters_own_authorship(client):
    orcid = "0000-0002-1825-0097"
    rivera = UserFactory(username="arivera", display_name="Dr Ana Rivera", role="expert", orcid=orcid)
    stored_metadata(doi="10.5555/quoted-own", title="Rivera's trial", year=2021,
                    authors=[{"family": "Rivera", "given": "Ana", "orcid": orcid}])
    topic = make_topic(raw="Does it work? [@doi:10.5555/quoted-own supports]")
    quoting = make_reply(topic=topic, author=rivera, raw=full_quote(topic.posts.get(post_number=1)) + "It might.")

    assert 'class="cite__author"' not in quoting.cooked
    assert "is an author of" not in client.get(topic.get_absolute_url()).content.decode()
    own = make_reply(topic=topic, author=rivera, raw="I ran it: [@doi:10.5555/quoted-own mentions]")
    assert 'class="cite__author"' in own.cooked


def test_rebake_takes_back_the_citations_old_quotes_were_counted_for(client, demo):
    """Posts stored before this change counted a quote's citations as theirs: `manage.py rebake`
    (the markup's version went up) re-extracts them."""
    lena = User.objects.get(username="lena")
    raw = full_quote(demo.posts.get(post_number=2)) + "Thanks."
    reply = make_reply(topic=demo, author=lena, raw=raw)
    # As the older pipeline stored it: a Citation row per study the quote cites, and an old version.
    for number, citation in enumerate(Citation.objects.filter(post__topic=demo, post__post_number=2), start=1):
        Citation.objects.create(post=reply, study=citation.study, number=number, stance=citation.stance)
    Post.objects.filter(pk=reply.pk).update(cooked_version=16)
    assert ("cited in 2 posts", "Contradicts: #2, #4") in evidence_panel(client, demo)

    out = StringIO()
    call_command("rebake", stdout=out, verbosity=0)
    assert "Re-rendered 1 post" in out.getvalue()
    assert not Citation.objects.filter(post=reply).exists()
    assert ("cited in 1 post", "Contradicts: #2") in evidence_panel(client, demo)


def test_a_study_that_changes_rerenders_the_posts_quoting_a_post_that_cites_it(demo):
    """The quoting post has no Citation row, yet its quote shows the study's chip: a retraction
    still reaches that chip."""
    from forum.evidence.referencing import study_edit

    lena = User.objects.get(username="lena")
    reply = make_reply(topic=demo, author=lena, raw=full_quote(demo.posts.get(post_number=2)) + "Thanks.")
    assert "cite--retracted" not in reply.cooked
    bested = Study.objects.get(bibtex_key="bested2023naltrexone")
    study_edit(editor=User.objects.get(username="theo"), study=bested, metadata=bested.as_metadata(),
               status_override="retracted", reason="Retracted by the journal")
    reply.refresh_from_db()
    assert "cite--retracted" in reply.cooked


def test_a_stance_typo_inside_a_quote_is_not_the_quoters_to_fix(member_client, member):
    topic = make_topic(raw="Any trials?")
    raw = f'[quote="{topic.author.username}, post:1, topic:{topic.pk}"]\nSee [@doi:10.1002/art.37734 suports]\n[/quote]\n\nHm.'
    html = member_client.post("/preview/", {"raw": raw, "topic": topic.pk}).content.decode()
    assert "is not a stance" not in html
    html = member_client.post("/preview/", {"raw": "Mine [@doi:10.1002/art.37734 suports]", "topic": topic.pk}).content.decode()
    assert "is not a stance" in html
