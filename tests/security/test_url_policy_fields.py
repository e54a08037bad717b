"""The spellings of a script scheme that once got through (bleach read `javascript:123` as a host
and port), in every place a URL is kept or shown: posts, quotes, bios and study URLs. Each link
keeps its text and loses its address."""

import json

import pytest
from django.urls import reverse

from forum.evidence.referencing import references_add
from forum.models import Study
from tests.factories import UserFactory, make_reply, make_topic
from tests.parsed_html import parse
from tests.security.checks import assert_safe

pytestmark = pytest.mark.django_db

SPELLINGS = {
    "digits": "javascript:123",
    "backtick": "javascript:`x`",
    "backtick_unicode": "javascript:`Ünïcødé – ваш пароль`",
    "data_digits": "data:123",
    "vbscript": "vbscript:1",
    "upper": "JAVASCRIPT:1",
    "entity_j": "&#106;avascript:1",
    "entity_tab": "java&#x09;script:1",
    "percent_j": "%6Aavascript:1",
    "zero_width": "java\u200bscript:1",
}
by_spelling = pytest.mark.parametrize("url", SPELLINGS.values(), ids=SPELLINGS.keys())


def markup(url: str, text: str) -> str:
    return f'<a href="{url}" onclick="alert(1)">{text} one</a> and [{text} two](<{url}>)'


def linked_texts(html: str, text: str) -> list[dict]:
    """The attributes of each element whose text names `text`."""
    return [element.attrs for element in parse(html).elements
            if element.tag == "a" and text in element.text]


def assert_links_are_text_only(html: str, text: str):
    found = linked_texts(html, text)
    assert len(found) == 2, html[:3000]
    assert all("href" not in attrs for attrs in found), found


@by_spelling
def test_posts_and_quotes_keep_the_text_without_the_address(client, url):
    alice = UserFactory(username="alice")
    topic = make_topic(author=alice, title="Links under test", raw=markup(url, "first post"))
    make_reply(topic=topic, raw=f'[quote="alice, post:1, topic:{topic.pk}"]\n{markup(url, "quoted")}\n[/quote]')
    html = client.get(topic.get_absolute_url()).content.decode()
    assert_safe(html, context=f"topic page with {url!r}")
    assert_links_are_text_only(html, "first post")
    assert_links_are_text_only(html, "quoted")


@by_spelling
def test_bios_keep_the_text_without_the_address(client, url):
    member = UserFactory(bio=markup(url, "my site"))
    html = client.get(member.get_absolute_url()).content.decode()
    assert_safe(html, context=f"profile with {url!r}")
    assert_links_are_text_only(html, "my site")


def _publisher_url(client, study: Study):
    return json.loads(client.get(reverse("api:study", args=[study.pk])).content)["publisher_url"]


@by_spelling
def test_study_urls_from_bibtex_and_ris_are_not_kept(client, url):
    bibtex = f"@article{{k1,\n  title = {{A trial}},\n  year = {{2020}},\n  doi = {{10.5555/url-bib}},\n  url = {{{url}}}\n}}\n"
    ris = f"TY  - JOUR\nTI  - A trial\nPY  - 2020\nDO  - 10.5555/url-ris\nUR  - {url}\nER  - \n"
    references_add(text=bibtex)
    references_add(text=ris)
    for doi in ("10.5555/url-bib", "10.5555/url-ris"):
        study = Study.objects.get(doi=doi)
        assert study.metadata["url"] == ""
        assert _publisher_url(client, study) is None


def test_a_study_url_stored_before_the_policy_is_not_served(client):
    study = Study.objects.create(doi="10.5555/old", title="Old", metadata={"title": "Old", "url": "javascript:123"})
    assert _publisher_url(client, study) is None
    study = Study.objects.create(doi="10.5555/fine", title="Fine",
                                 metadata={"title": "Fine", "url": "https://example.org/paper"})
    assert _publisher_url(client, study) == "https://example.org/paper"


@pytest.mark.parametrize("url", ["javascript:123", "ftp://files.example.org/paper.pdf", "data:123"])
def test_the_study_form_refuses_a_url_outside_the_policy(client, url):
    client.force_login(UserFactory())
    response = client.post(reverse("forum:study_add"), {
        "manual-title": "A trial typed by hand", "manual-url": url, "manual-year": "2020", "add_manual": "1"})
    assert not Study.objects.exists()
    assert response.status_code == 400
