"""Evidence summaries in the browser without JavaScript: the form, the topic page, lists, history."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.evidence.summaries import evidence_summary_save
from forum.models import EvidenceSummary, EvidenceSummaryRevision, ModerationAction
from tests.factories import UserFactory, add_posts_fast, make_reply, make_topic
from tests.forum.evidence_summary_data import form_data, ldn_topic, outcome
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def expert():
    return UserFactory(username="rivera", display_name="Dr. Sam Rivera", role="expert",
                       expert_credential="MD, physician")


@pytest.fixture
def ldn(expert):
    return ldn_topic(expert=expert)


def edit_url(topic):
    return reverse("forum:evidence_summary_edit", args=[topic.slug, topic.pk])


def text_of(response) -> str:
    return parse(response.content).text


def inside(element, *, tag=None, class_=None):
    return [e for e in element.descendants() if (tag is None or e.tag == tag) and (class_ is None or class_ in e.classes)]


def test_members_read_but_may_not_write(client, member, ldn):
    topic, _studies = ldn
    client.force_login(member)

    page = client.get(topic.get_absolute_url())
    refused_form = client.get(edit_url(topic))
    refused_post = client.post(edit_url(topic), form_data(outcome()))

    assert "Write an evidence summary" not in text_of(page)
    assert refused_form.status_code == 403 and refused_post.status_code == 403
    assert "Only experts and moderators write evidence summaries" in text_of(refused_post)
    assert not EvidenceSummary.objects.exists()


def test_visitors_are_asked_to_sign_in(client, ldn):
    topic, _studies = ldn

    response = client.post(edit_url(topic), form_data(outcome()))

    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_the_form_refuses_a_post_without_its_csrf_token(expert, ldn):
    topic, _studies = ldn
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(expert)

    assert browser.post(edit_url(topic), form_data(outcome())).status_code == 403
    assert not EvidenceSummary.objects.exists()


def test_the_form_proposes_a_start_from_the_designs_and_names_the_protocol(client, expert, ldn):
    topic, _studies = ldn
    client.force_login(expert)

    page = text_of(client.get(topic.get_absolute_url()))
    form = text_of(client.get(edit_url(topic)))

    assert "Write an evidence summary" in page
    assert "Evident suggests: start at high (from every study cited in the topic" in form
    assert "2 randomised trials or systematic reviews: randomised evidence starts high." in form
    assert "Colomer-Carbonell 2022: protocol with no results yet" in form


def test_updating_suggestions_for_the_ticked_studies_saves_nothing(client, expert, ldn):
    topic, (_bested, _bruun, innova) = ldn
    client.force_login(expert)
    data = form_data(outcome(study_ids=[innova.pk]))
    data["suggest"] = "1"

    response = client.post(edit_url(topic), data)

    assert response.status_code == 200
    assert "Evident suggests: no starting level." in text_of(response)
    assert "Only protocols or preprints: no peer-reviewed results yet." in text_of(response)
    assert not EvidenceSummary.objects.exists()


def test_contradicting_stances_in_the_topic_are_prompted(client, expert, ldn):
    topic, (bested, bruun, _innova) = ldn
    make_reply(topic=topic, author=expert, raw=f"[@doi:{bested.doi} supports] but [@doi:{bruun.doi} contradicts]")
    client.force_login(expert)
    data = form_data(outcome(study_ids=[bested.pk, bruun.pk]))
    data["suggest"] = "1"

    assert ("Inconsistency: Cited as supporting the claim: [1] Bested 2023; as contradicting it: [2] Bruun 2024."
            in text_of(client.post(edit_url(topic), data)))


def test_an_expert_writes_a_summary_that_readers_see_at_the_top_of_the_topic(client, expert, member, ldn):
    topic, (bested, bruun, _innova) = ldn
    client.force_login(expert)

    response = client.post(edit_url(topic), form_data(outcome(
        certainty="low", study_ids=[bested.pk, bruun.pk],
        inconsistency=("serious", "Small early trials positive; the two larger ones found no benefit <script>x</script>"),
        imprecision=("serious", "157 participants in the two larger trials"))))
    client.force_login(member)
    page = client.get(topic.get_absolute_url())

    assert response.status_code == 302 and response["Location"].endswith("#evidence-summary")
    summary = parse(page.content).find(id="evidence-summary")
    words = " ".join(summary.text.split())
    assert "Low certainty for pain at 12 weeks" in words
    assert "The community's assessment, not an official GRADE rating · by Dr. Sam Rivera (MD, physician)" in words
    assert "Inconsistency Serious: Small early trials positive; the two larger ones found no benefit <script>x</script>" \
        in words
    assert not inside(summary, tag="script")  # shown as text, never run
    studies = inside(summary, class_="certainty__studies")[0]
    # In the Evidence panel's order (the RCT before the crossover RCT), with the topic's numbers.
    assert [" ".join(a.text.split()) for a in inside(studies, tag="a")] == [
        f"[2] {bruun.title}", f"[1] {bested.title[:109]}…"]


def test_refused_input_gets_a_clear_message_and_keeps_what_was_typed(client, expert, ldn):
    topic, _studies = ldn
    client.force_login(expert)
    data = form_data(outcome(certainty="", risk_of_bias=("serious", "")))

    response = client.post(edit_url(topic), data)

    assert response.status_code == 400
    words = text_of(response)
    assert "Choose the level you judge the evidence to be." in words
    assert "Say in a line why risk of bias is a concern." in words
    assert parse(response.content).find("input", name="outcome-0-outcome").get("value") == "Pain at 12 weeks"


def test_a_second_save_from_an_old_form_is_refused_with_409_and_keeps_the_text(client, expert, ldn):
    topic, _studies = ldn
    evidence_summary_save(writer=expert, topic=topic, outcomes=[outcome(certainty="low")])
    evidence_summary_save(writer=UserFactory(role="expert", display_name="Dr. Ada Obi"), topic=topic, base_version=1,
                          outcomes=[outcome(certainty="very_low")])
    client.force_login(expert)

    response = client.post(edit_url(topic), form_data(outcome(name="Pain at 6 weeks"), base_version=1))

    assert response.status_code == 409
    assert "Dr. Ada Obi saved version 2 of this summary while you were writing" in text_of(response)
    assert parse(response.content).find("input", name="outcome-0-outcome").get("value") == "Pain at 6 weeks"


def test_history_lists_every_version_with_who_and_what_changed(client, expert, moderator, ldn, member):
    topic, _studies = ldn
    evidence_summary_save(writer=expert, topic=topic, outcomes=[outcome(certainty="moderate")])
    client.force_login(moderator)
    client.post(edit_url(topic), form_data(outcome(certainty="low", imprecision=("serious", "Under 200 people")),
                                           base_version=1, reason="Two small trials"))
    client.force_login(member)

    history = text_of(client.get(reverse("forum:evidence_summary_history", args=[topic.slug, topic.pk])))

    assert EvidenceSummaryRevision.objects.count() == 2
    assert "Version 2 (current) Revised by Moderator Mo" in history and ": Two small trials" in history
    assert "“Pain at 12 weeks”: certainty moderate → low" in history
    assert "“Pain at 12 weeks”: imprecision no serious concern → serious" in history
    assert "Version 1 Written by Dr. Sam Rivera" in history
    assert ModerationAction.objects.filter(action="edit_evidence_summary", actor=moderator).count() == 1


def test_topic_lists_show_the_badge(client, expert, ldn):
    topic, _studies = ldn
    plain = make_topic(title="A topic nobody has summarised")
    evidence_summary_save(writer=expert, topic=topic, outcomes=[outcome(certainty="very_low")])

    rows = {inside(row, class_="topic-row__title")[0].text: row
            for row in parse(client.get(reverse("forum:latest")).content).find_all("tr", class_="topic-row")}

    [badge] = inside(rows[topic.title], class_="certainty-badge")
    assert badge.text == "Evidence: very low certainty"
    assert "not an official GRADE rating" in badge.get("title")
    assert not inside(rows[plain.title], class_="certainty-badge")


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_list_badges_cost_no_query_per_topic(client, expert, settings):
    settings.FORUM_PAGE_CACHE = settings.FORUM_FRAGMENT_CACHE = False
    topic, _studies = ldn_topic(expert=expert)
    evidence_summary_save(writer=expert, topic=topic, outcomes=[outcome()])
    few = queries_for(client, reverse("forum:latest"))
    for n in range(5):
        more = make_topic(title=f"Topic {n}")
        evidence_summary_save(writer=expert, topic=more, outcomes=[outcome(certainty="moderate")])

    response = client.get(reverse("forum:latest"))
    assert text_of(response).count("Evidence: moderate certainty") == 5
    assert queries_for(client, reverse("forum:latest")) == few


class TestTopicPageQueries:
    """A summary costs readers one query when the page's parts are not cached, and none when they
    are; topics without one cost what they did (tests/forum/views/test_topic_page.py pins that)."""

    def test_one_query_for_the_summary_whatever_the_topic_holds(self, client, expert, settings):
        settings.FORUM_PAGE_CACHE = settings.FORUM_FRAGMENT_CACHE = False
        extra = []
        for total in (20, 1000):
            topic, _studies = ldn_topic(expert=expert)
            add_posts_fast(topic=topic, count=total - 2)
            without = queries_for(client, topic.get_absolute_url())
            evidence_summary_save(writer=expert, topic=topic, outcomes=[outcome()])
            extra.append(queries_for(client, topic.get_absolute_url()) - without)
        assert extra == [1, 1]

    def test_none_once_the_parts_are_cached(self, client, expert, member, settings):
        settings.FORUM_PAGE_CACHE = False
        topic, _studies = ldn_topic(expert=expert)
        client.force_login(member)
        client.get(topic.get_absolute_url())
        without = queries_for(client, topic.get_absolute_url())
        evidence_summary_save(writer=expert, topic=topic, outcomes=[outcome()])
        client.get(topic.get_absolute_url())  # renders and stores the new parts

        assert queries_for(client, topic.get_absolute_url()) == without


def test_the_summary_names_its_studies_by_the_topics_numbers_in_the_evidence_panels_order(client, expert):
    """Cited first is numbered first ([1] the protocol); the Evidence panel lists the strongest
    designs first. The summary's studies read the same: the panel's numbers, the panel's order,
    whatever order the writer ticked them in."""
    topic = make_topic(title="Does low-dose naltrexone help fibromyalgia pain?")
    _, (bested, bruun, innova) = ldn_topic(expert=expert)  # the studies, cited in another topic
    make_reply(topic=topic, author=expert, raw=f"A protocol [@doi:{innova.doi}], then [@doi:{bruun.doi}].")
    make_reply(topic=topic, author=expert, raw=f"And the crossover trial [@doi:{bested.doi}].")
    evidence_summary_save(writer=expert, topic=topic, outcomes=[
        outcome(certainty="low", study_ids=[innova.pk, bested.pk, bruun.pk])])

    page = parse(client.get(topic.get_absolute_url()).content)

    panel = [" ".join(a.text.split()) for item in page.find_all("li", class_="evidence__item")
             for a in inside(item, tag="a")[:1]]
    summary = page.find(id="evidence-summary")
    listed = [" ".join(a.text.split()) for a in inside(inside(summary, class_="certainty__studies")[0], tag="a")]
    assert [entry[:4] for entry in panel] == ["[2] ", "[3] ", "[1] "]  # strongest designs first
    assert [entry[:60] for entry in listed] == [entry[:60] for entry in panel]
    heading = " ".join(inside(summary, class_="certainty__studies-heading")[0].text.split())
    assert heading == "Rests on 3 studies ([2], [3], [1]):"

    # The form the writer ticks them in, and the summary's history, read the same way.
    client.force_login(expert)
    form = parse(client.get(edit_url(topic)).content)
    ticks = [" ".join(label.text.split()) for label in form.find_all("label", class_="checkbox")][:3]
    assert ticks == ["[2] Bruun 2024 · RCT", "[3] Bested 2023 · Crossover RCT", "[1] Colomer-Carbonell 2022 · Protocol · Protocol: no results yet"]
    history = " ".join(text_of(client.get(reverse("forum:evidence_summary_history",
                                                    args=[topic.slug, topic.pk]))).split())
    assert "Rests on: [2] Naltrexone 6 mg once daily versus placebo in women with fibromyalgia; [3] Low-dose" in history
