"""Other sites' images wait behind a link, so reading a post sends nobody's address to them."""

import pytest

from forum.markup import cook

pytestmark = pytest.mark.any_database


@pytest.mark.parametrize("raw, host", [
    ("![Forest plot](https://img.example.org/plot.png)", "img.example.org"),
    ('<img src="//tracker.example/pixel.gif" alt="Forest plot">', "tracker.example"),
    ("![Forest plot](http://img.example.org:8080/p.png?a=1&b=2)", "img.example.org"),
])
def test_an_external_image_becomes_a_show_link(raw, host):
    html = cook(raw).html
    assert "<img" not in html
    assert f">Image from {host} - show</a>" in html and 'class="external-image"' in html
    assert 'title="Forest plot"' in html


def test_an_external_image_inside_a_link_is_named_not_nested():
    html = cook("[![Chart](https://img.example.org/c.png)](https://example.org/paper)").html
    assert html.count("<a ") == 1 and "<img" not in html and "Chart (image from img.example.org)" in html


def test_own_uploads_stay_images_and_hostile_alt_stays_text():
    own = "/uploads/" + "a" * 64 + ".png"
    assert f'<img alt="x" src="{own}">' in cook(f"![x]({own})").html
    html = cook('![x" onerror="alert(1)](https://img.example.org/a.png)').html
    assert "onerror=\"" not in html and "<img" not in html
