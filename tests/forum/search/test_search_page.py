"""The search page and the header search box, as a browser would read them."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.models import Study
from tests.factories import add_posts_fast, make_topic
from tests.parsed_html import parse

URL = reverse("forum:search")


def test_every_page_has_a_labelled_search_box_in_the_header(client, db):
    page = parse(client.get(reverse("forum:latest")).content)
    form = page.find("form", role="search", class_="site-search")
    assert form.get("action") == URL and form.get("method") == "get"
    label = page.find("label", for_="site-search-q")
    assert label.text.strip() == "Search"
    assert page.find("input", id="site-search-q").get("name") == "q"
    nav_links = [a.text.strip() for a in page.find("nav", class_="site-nav").children if a.tag == "a"]
    assert nav_links[:3] == ["Latest", "Categories", "Studies"]


def test_a_blank_query_shows_the_form_only(client, db):
    for params in ({}, {"q": ""}, {"q": "   "}):
        page = parse(client.get(URL, params).content)
        assert page.find_all("input", name="q")
        assert not page.find_all("section", class_="search-results")


def test_results_show_title_permalink_author_date_and_snippet(client, forum):
    page = parse(client.get(URL, {"q": "cochrane"}).content)
    [hit] = page.find_all("li", class_="search-hit")
    link = next(e for e in hit.descendants() if "search-hit__title" in e.classes)
    assert link.get("href") == forum["melatonin"].post_url(2)
    assert "Melatonin dose for jet lag" in link.text and "#2" in link.text
    assert "<mark>" not in link.text
    snippet = next(e for e in hit.descendants() if "search-hit__snippet" in e.classes)
    assert [m.text.lower() for m in snippet.children if m.tag == "mark"] == ["cochrane"]
    assert any(e.tag == "time" for e in hit.descendants())
    assert forum["expert"].name in hit.text


def test_a_search_with_only_stop_words_says_so(client, forum):
    page = parse(client.get(URL, {"q": "the of"}).content)
    assert "Nothing to search for" in page.text


def test_filters_arrive_from_the_query_string(client, forum):
    page = parse(client.get(URL, {"q": "magnesium", "category": "sleep", "author": "omar"}).content)
    assert len(page.find_all("li", class_="search-hit")) == 1
    page = parse(client.get(URL, {"q": "pain OR jet", "experts": "1"}).content)
    assert len(page.find_all("li", class_="search-hit")) == 2
    page = parse(client.get(URL, {"q": "naltrexone", "titles": "1"}).content)
    assert len(page.find_all("li", class_="search-hit")) == 1


def test_a_malformed_doi_is_explained_not_searched(client, forum):
    response = client.get(URL, {"q": "pain", "doi": "not a doi"})
    page = parse(response.content)
    assert response.status_code == 200
    assert "not a DOI" in page.find("ul", class_="field__errors").text
    assert not page.find_all("li", class_="search-hit")


def test_matching_studies_are_listed_above_posts(client, forum):
    Study.objects.create(doi="10.1/mel", title="Melatonin for the prevention of jet lag", year=2002)
    page = parse(client.get(URL, {"q": "melatonin"}).content)
    headings = [h.text.strip() for h in page.find_all("h2", class_="search-results__heading")]
    assert headings[0] == "Studies" and headings[1].endswith("posts")
    assert page.find("li", class_="search-study").text.strip().startswith("Melatonin for the prevention")


def test_pages_keep_the_query_and_filters(client, db):
    topic = make_topic(title="Long thread", raw="Opening.")
    add_posts_fast(topic=topic, count=25)
    page = parse(client.get(URL, {"q": "reply number", "author": topic.author.username}).content)
    assert len(page.find_all("li", class_="search-hit")) == 20
    next_href = page.find("a", rel="next").get("href")
    assert "q=reply+number" in next_href and "page=2" in next_href and "author=" in next_href
    second = parse(client.get(URL + next_href).content)
    assert len(second.find_all("li", class_="search-hit")) == 5


def test_the_results_page_makes_a_constant_number_of_queries(client, forum):
    def queries_for_results():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"q": "reply OR magnesium OR pain"}).status_code == 200
        return len(captured)

    few = queries_for_results()
    topic = make_topic(title="Another", raw="Opening.")
    add_posts_fast(topic=topic, count=30)
    assert queries_for_results() == few
