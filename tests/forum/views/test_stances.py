"""How the forum cites a study: the study page adds up the stances of the posts a reader may see,
and a topic's Evidence panel groups each study's citations by stance."""

import pytest

from forum.discussion.deleting import post_delete
from forum.moderation.actions import post_hide
from tests.factories import make_reply, make_topic
from tests.forum.study_data import stored_study
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

YOUNGER_2013 = "10.1002/art.37734"


@pytest.fixture
def younger():
    return stored_study("younger2013")


def tally(client, study) -> str:
    return parse(client.get(study.get_absolute_url()).content.decode()).find("p", class_="study__stance-tally").text


def test_the_study_page_adds_up_stances_across_topics(client, younger):
    first = make_topic(title="LDN for fibromyalgia?", raw=f"It helps [@doi:{YOUNGER_2013} supports].")
    make_reply(topic=first, raw=f"Small, but positive [@doi:{YOUNGER_2013} supports].")
    make_reply(topic=first, raw=f"Too small to tell [@doi:{YOUNGER_2013} contradicts].")
    second = make_topic(title="Naltrexone and sleep", raw=f"It was about pain [@doi:{YOUNGER_2013} mentions].")
    make_reply(topic=second, raw=f"Positive on pain [@doi:{YOUNGER_2013} SUPPORTS].")
    make_topic(title="Cited plainly", raw=f"See [@doi:{YOUNGER_2013}].")

    assert tally(client, younger) == ("Supports in 3 posts, contradicts in 1, mentions in 1, "
                                      "cited without a stance in 1, across 3 topics.")


def test_a_study_cited_more_often_than_the_tally_reads_says_it_counted_the_latest(client, younger, settings):
    from forum.models import Citation

    topic = make_topic(title="LDN for fibromyalgia?", raw=f"[@doi:{YOUNGER_2013} mentions]")
    make_reply(topic=topic, raw=f"[@doi:{YOUNGER_2013} supports]")
    make_reply(topic=topic, raw=f"[@doi:{YOUNGER_2013} contradicts]")
    citations = Citation.objects.filter(study=younger)

    assert citations.stance_tally(at_most=2).summary == (
        "Of the latest 2 posts citing it: supports in 1 post, contradicts in 1, across 1 topic.")
    assert citations.stance_tally(at_most=3).summary == "Supports in 1 post, contradicts in 1, mentions in 1, across 1 topic."


def test_the_tally_counts_only_posts_the_reader_may_see(client, member, moderator, younger):
    open_topic = make_topic(title="Open", raw=f"[@doi:{YOUNGER_2013} supports]")
    hidden = make_reply(topic=open_topic, raw=f"[@doi:{YOUNGER_2013} contradicts]")
    post_hide(moderator=moderator, post=hidden, reason="Rude")
    deleted_reply = make_reply(topic=open_topic, author=member, raw=f"[@doi:{YOUNGER_2013} contradicts]")
    post_delete(actor=member, post=deleted_reply)
    deleted_topic = make_topic(title="Deleted", author=member, raw=f"[@doi:{YOUNGER_2013} mentions]")
    make_reply(topic=deleted_topic, raw=f"[@doi:{YOUNGER_2013} supports]")
    deleted_topic.deleted_at = deleted_topic.created_at
    deleted_topic.save(update_fields=["deleted_at"])

    assert tally(client, younger) == "Supports in 1 post, across 1 topic."
    client.force_login(moderator)
    # A moderator opens deleted topics; hidden and deleted posts still say nothing.
    assert tally(client, younger) == "Supports in 2 posts, mentions in 1, across 2 topics."


def test_the_evidence_panel_groups_each_studys_citations_by_stance(client, younger):
    topic = make_topic(raw=f"Promising [@doi:{YOUNGER_2013} supports].")
    make_reply(topic=topic, raw=f"Too small [@doi:{YOUNGER_2013} contradicts].")
    make_reply(topic=topic, raw=f"Just [@doi:{YOUNGER_2013}].")
    make_reply(topic=topic, raw=f"Agreed [@doi:{YOUNGER_2013} supports].")

    html = parse(client.get(topic.get_absolute_url()).content.decode())
    [_item] = html.find_all("li", class_="evidence__item")
    groups = [li.text.split() for li in html.find_all("li", class_="evidence__stance")]

    assert groups == [["Supports:", "#1,", "#4"], ["Contradicts:", "#2"], ["No", "stance", "given:", "#3"]]
    [stances] = html.find_all("ul", class_="evidence__stances")
    links = [a.get("href") for a in stances.descendants() if a.tag == "a"]
    assert links == [topic.post_url(n) for n in (1, 4, 2, 3)]


def test_citations_without_any_stance_keep_the_panel_as_it_was(client, younger):
    topic = make_topic(raw=f"See [@doi:{YOUNGER_2013}].")
    html = parse(client.get(topic.get_absolute_url()).content.decode())
    assert html.find_all("li", class_="evidence__item")
    assert not html.find_all("ul", class_="evidence__stances")


# --- quoting the abstract from the study page --------------------------------------------------

def test_the_new_topic_page_starts_with_the_quoted_words_after_any_draft(member_client, member):
    from django.urls import reverse

    from forum.discussion.drafts import draft_key, draft_save

    bested = stored_study("bested2023")
    url = reverse("forum:new_topic")
    words = "Fifty-eight patients with FM were randomized."

    html = parse(member_client.get(url, {"quote_study": bested.pk, "quote": words}).content.decode())
    expected = f'[quote="doi:{bested.as_metadata().doi}"]\n{words}\n[/quote]\n\n'
    assert html.find("textarea", id="id_raw").text.strip("\n") == expected.strip("\n")

    draft_save(user=member, key=draft_key(None), raw="My half-written question.")
    html = parse(member_client.get(url, {"quote_study": bested.pk, "quote": words}).content.decode())
    assert html.find("textarea", id="id_raw").text.startswith("My half-written question.\n\n[quote=")

    # Nonsense asks for nothing and breaks nothing.
    for params in ({"quote_study": "x", "quote": words}, {"quote_study": "999999", "quote": words},
                   {"quote_study": bested.pk, "quote": ""}):
        response = member_client.get(url, params)
        assert response.status_code == 200
        assert "[quote=" not in parse(response.content.decode()).find("textarea", id="id_raw").text


def test_the_study_page_offers_quoting_only_for_a_study_with_a_doi_or_pmid(client):
    from tests.forum.study_data import stored_metadata

    bested = stored_study("bested2023")
    html = parse(client.get(bested.get_absolute_url()).content.decode())
    [abstract] = html.find_all("section", class_="study__abstract")
    assert abstract.get("data-quote-url").endswith(f"?quote_study={bested.pk}")
    sections = [strong.text for strong in html.find_all("strong", class_="study__abstract-section")]
    assert sections[-1] == "Conclusion:"

    keyed = stored_metadata(title="Only a key", abstract="Some words.", year=2020)
    [abstract] = parse(client.get(keyed.get_absolute_url()).content.decode()).find_all("section", class_="study__abstract")
    assert abstract.get("data-quote-url") is None
