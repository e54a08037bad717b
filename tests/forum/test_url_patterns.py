"""Links formatted from a pattern reversed once are the links reverse() makes."""

import pytest
from django.urls import reverse, set_script_prefix

from forum.common.url_patterns import UrlPattern, fast_reverse


@pytest.mark.parametrize(("name", "args"), [
    ("forum:post_vote", [7]),
    ("forum:reply", [123456]),
    ("forum:post_permalink", ["is-magnesium-worth-it", 42, 3]),
    ("accounts:profile", ["dr.j_smith-2"]),
    ("accounts:profile", ["Ünïcode"]),      # quoted by reverse(): goes through the resolver
    ("accounts:profile", ["two words"]),     # likewise
])
def test_fast_reverse_gives_what_reverse_gives(name, args):
    assert fast_reverse(name, *args) == reverse(name, args=args)


def test_fixed_and_varying_arguments():
    pattern = UrlPattern("forum:post_permalink", "a-topic", int, int)
    assert pattern(5, 9) == reverse("forum:post_permalink", args=["a-topic", 5, 9])


def test_the_script_prefix_of_a_sub_path_deployment_is_kept():
    set_script_prefix("/forum/")
    try:
        assert fast_reverse("forum:post_vote", 3) == "/forum/p/3/vote/" == reverse("forum:post_vote", args=[3])
    finally:
        set_script_prefix("/")
