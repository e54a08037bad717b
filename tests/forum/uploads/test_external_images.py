"""Other sites' images wait behind a link, so reading a post sends nobody's address to them; the
link leads to the one page whose CSP lets that picture load (every other page: img-src 'self')."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from forum.markup import cook
from tests.parsed_html import parse

pytestmark = pytest.mark.any_database


@pytest.mark.parametrize("raw, host, src", [
    ("![Forest plot](https://img.example.org/plot.png)", "img.example.org", "https://img.example.org/plot.png"),
    ('<img src="//tracker.example/pixel.gif" alt="Forest plot">', "tracker.example", "//tracker.example/pixel.gif"),
    ("![Forest plot](http://img.example.org:8080/p.png?a=1&b=2)", "img.example.org",
     "http://img.example.org:8080/p.png?a=1&b=2"),
])
def test_an_external_image_becomes_a_show_link(raw, host, src):
    html = cook(raw).html
    assert "<img" not in html
    link = parse(html).find("a", class_="external-image")
    assert link.text == f"Image from {host} - show" and link.get("title") == "Forest plot"
    address = urlsplit(link.get("href"))
    assert address.path == "/external-image/"
    assert parse_qs(address.query) == {"src": [src], "alt": ["Forest plot"]}


def test_an_external_image_inside_a_link_is_named_not_nested():
    html = cook("[![Chart](https://img.example.org/c.png)](https://example.org/paper)").html
    assert html.count("<a ") == 1 and "<img" not in html and "Chart (image from img.example.org)" in html


def test_own_uploads_stay_images_and_hostile_alt_stays_text():
    own = "/uploads/" + "a" * 64 + ".png"
    assert f'<img alt="x" src="{own}">' in cook(f"![x]({own})").html
    html = cook('![x" onerror="alert(1)](https://img.example.org/a.png)').html
    assert "onerror=\"" not in html and "<img" not in html


def _directives(response) -> dict[str, str]:
    return {part.strip().split(" ", 1)[0]: part.strip().split(" ", 1)[1]
            for part in response["Content-Security-Policy"].split(";") if " " in part.strip()}


@pytest.mark.django_db
def test_the_show_page_alone_lets_the_picture_load_without_a_referrer(client):
    response = client.get(reverse("forum:external_image"),
                          {"src": "http://img.example.org/c.png", "alt": "Chart of the trials"},
                          HTTP_REFERER="http://testserver/t/some-topic/1")
    assert response.status_code == 200
    page = parse(response.content)
    image = page.find("img")
    assert image.get("src") == "https://img.example.org/c.png" and image.get("alt") == "Chart of the trials"
    assert image.get("referrerpolicy") == "no-referrer" and response["Referrer-Policy"] == "no-referrer"
    assert _directives(response)["img-src"] == "'self' https:"
    assert "script-src" in _directives(response) and _directives(response)["script-src"] == "'self'"
    assert "Image from img.example.org" in page.text and "not on" in page.text
    assert page.find("a", href="http://testserver/t/some-topic/1").text == "Back to the post"
    assert page.find("a", href="http://img.example.org/c.png").text == "Open the original address"
    # Everywhere else, images come from this site only.
    assert _directives(client.get(reverse("forum:latest")))["img-src"] == "'self'"


@pytest.mark.django_db
@pytest.mark.parametrize("src", ["javascript:alert(1)", "data:image/png;base64,AAAA", "/uploads/x.png", "",
                                 "https://x.example/" + "a" * 2000])
def test_the_show_page_refuses_what_is_not_another_sites_image(client, src):
    response = client.get(reverse("forum:external_image"), {"src": src, "alt": "x"})
    assert response.status_code == 400
    assert "<img" not in response.content.decode() and "Not an image address" in response.content.decode()


@pytest.mark.django_db
def test_a_back_link_only_to_this_site(client):
    response = client.get(reverse("forum:external_image"), {"src": "https://img.example.org/c.png"},
                          HTTP_REFERER="https://evil.example/")
    assert "Back to the post" not in response.content.decode()
