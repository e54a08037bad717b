"""A search page's results and studies are drawn once and kept for the next reader of the same
results (forum/search/shown.py); every change to how a result reads shows on the next search."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.discussion.editing import post_edit
from forum.models import Post, Study
from forum.moderation.actions import post_hide, topic_retitle
from tests.factories import UserFactory, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db
URL = reverse("forum:search")


@pytest.fixture(autouse=True)
def caches_on(settings):
    settings.FORUM_FRAGMENT_CACHE = True
    settings.FORUM_SEARCH_REUSE_SECONDS = 300


def hits(client, text: str) -> list[str]:
    page = parse(client.get(URL, {"q": text}).content)
    return [" ".join(hit.text.split()) for hit in page.find_all("li", class_="search-hit")]


def searched(client, text: str) -> tuple[bytes, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, {"q": text})
    assert response.status_code == 200
    return response.content, [query["sql"] for query in captured.captured_queries]


def test_the_same_results_again_are_not_read_or_drawn_again(client, member):
    topic = make_topic(title="Creatine and kidneys", raw="Is creatine safe for kidneys?", author=member)
    make_reply(topic=topic, raw="Creatine raised creatinine but not cystatin C.", author=member)
    Study.objects.create(doi="10.1/creatine", title="Creatine supplementation and kidney function", year=2019)
    first, first_queries = searched(client, "creatine")
    again, again_queries = searched(client, "creatine")
    assert again == first
    assert b"Creatine supplementation and kidney function" in again
    # The posts of the page (with their highlighted snippets) and the studies were read the first time only.
    assert any("forum_study" in sql for sql in first_queries)
    assert len(again_queries) < len(first_queries)
    assert not any("forum_study" in sql or "ts_headline" in sql.lower() or "snippet" in sql.lower()
                   for sql in again_queries)


def marks(client, text: str) -> list[list[str]]:
    """The words marked in each result, as a reader sees them highlighted."""
    page = parse(client.get(URL, {"q": text}).content)
    return [[mark.text.lower() for mark in hit.descendants() if mark.tag == "mark"]
            for hit in page.find_all("li", class_="search-hit")]


def test_the_same_post_found_by_another_query_is_highlighted_for_that_query(client, member):
    topic = make_topic(title="Zinc for colds", raw="Zinc lozenges within a day?", author=member)
    make_reply(topic=topic, raw="Zinc acetate shortened colds; magnesium did not.", author=member)
    assert sorted(marks(client, "zinc")) == [["zinc"], ["zinc"]]
    assert marks(client, "magnesium") == [["magnesium"]]
    assert sorted(marks(client, "zinc")) == [["zinc"], ["zinc"]]


def test_an_edited_post_reads_as_edited(client, member):
    topic = make_topic(title="Caffeine and sleep", raw="Does afternoon caffeine hurt sleep?", author=member)
    reply = make_reply(topic=topic, raw="Caffeine half-life is about five hours.", author=member)
    assert any("five hours" in hit for hit in hits(client, "caffeine"))
    post_edit(editor=member, post=reply, raw="Caffeine half-life is about six hours in pregnancy.")
    found = hits(client, "caffeine")
    assert any("six hours in pregnancy" in hit for hit in found)
    assert not any("five hours" in hit for hit in found)


def test_a_retitled_topic_and_a_renamed_author_show_at_once(client, member, moderator):
    topic = make_topic(title="Sauna and blood pressure", raw="Does sauna lower blood pressure?", author=member)
    assert hits(client, "sauna")[0].startswith("Sauna and blood pressure")
    topic_retitle(moderator=moderator, topic=topic, title="Sauna bathing and blood pressure")
    assert hits(client, "sauna")[0].startswith("Sauna bathing and blood pressure")
    member.display_name = "Maria L. Lopez"
    member.save()
    assert "Maria L. Lopez" in hits(client, "sauna")[0]


def test_a_hidden_post_leaves_the_kept_results(client, member, moderator):
    topic = make_topic(title="Iron and fatigue", raw="Iron for fatigue without anaemia?", author=member)
    reply = make_reply(topic=topic, raw="Iron helped fatigue in one trial of women.", author=UserFactory())
    assert len(hits(client, "iron")) == 2
    post_hide(moderator=moderator, post=reply, reason="Off topic")
    assert len(hits(client, "iron")) == 1


@pytest.mark.parametrize("how", ["update", "save"])
def test_a_re_rendered_post_shows_its_new_excerpt(client, member, how):
    # A post's HTML is rendered again when what it quotes or cites changes, its text unchanged.
    topic = make_topic(title="Vitamin D dose", raw="Which vitamin D dose for winter?", author=member)
    first = topic.posts.get(post_number=1)
    assert "Which vitamin D dose" in hits(client, "vitamin")[0]
    cooked = "<p>Which vitamin D dose for a northern winter?</p>"
    if how == "update":
        Post.objects.filter(pk=first.pk).update(cooked=cooked)
    else:
        first.cooked = cooked
        first.save(update_fields=["cooked"])
    assert "northern winter" in hits(client, "vitamin")[0]


def test_a_study_corrected_shows_its_new_title(client, db):
    study = Study.objects.create(doi="10.1/mel", title="Melatonin for jet lag", year=2002)
    make_topic(title="Melatonin", raw="Melatonin for flights?")
    page = parse(client.get(URL, {"q": "melatonin"}).content)
    assert page.find("li", class_="search-study").text.strip().startswith("Melatonin for jet lag")
    Study.objects.filter(pk=study.pk).update(title="Melatonin for the prevention and treatment of jet lag")
    page = parse(client.get(URL, {"q": "melatonin"}).content)
    assert page.find("li", class_="search-study").text.strip().startswith("Melatonin for the prevention")


def test_without_the_fragment_cache_every_page_is_drawn(client, member, settings):
    make_topic(title="Omega-3 and mood", raw="Fish oil for low mood?", author=member)
    Study.objects.create(doi="10.1/fish", title="Fish oil and depression", year=2020)
    searched(client, "fish")
    _kept, kept_queries = searched(client, "fish")
    settings.FORUM_FRAGMENT_CACHE = False
    _drawn, drawn_queries = searched(client, "fish")
    assert not any("forum_study" in sql for sql in kept_queries)
    assert any("forum_study" in sql for sql in drawn_queries)
    assert len(drawn_queries) > len(kept_queries)
