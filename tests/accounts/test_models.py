"""The User model: names, initials, avatar colours, roles, the rendered bio."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

User = get_user_model()


def _user(username="maria", display_name=""):
    # Unsaved: these properties need no database.
    return User(username=username, display_name=display_name)


@pytest.mark.parametrize("display_name, username, initials", [
    ("Maria Lopez", "maria", "ML"),          # two words: first and last
    ("Maria José Lopez", "maria", "ML"),     # middle names skipped
    ("maria lopez", "maria", "ML"),          # upper-cased
    ("Maria", "maria", "MA"),                # one word: its first two letters
    ("M", "maria", "M"),
    ("", "maria", "MA"),                     # no display name: the username
    ("", "maria_lopez", "ML"),               # username separators split words
    ("", "maria.lopez", "ML"),
    ("", "maria-lopez", "ML"),
    ("Dr. J. Smith", "js", "DS"),            # punctuation is not a letter
    ("(Ann) Lee", "ann", "AL"),
    ("“Ann”", "ann", "AN"),
    ("Jean-Luc Picard", "jlp", "JP"),
    ("O'Brien", "ob", "OB"),
    ("  Maria   Lopez  ", "maria", "ML"),
    ("Ōe Kenzaburō", "oe", "ŌK"),
    ("Émile", "emile", "ÉM"),
    ("E\u0301mile Zola", "emile", "ÉZ"),     # decomposed accent stays with its letter
    ("李 小龙", "bruce", "李小"),
    ("!!!", "maria", "MA"),                 # nothing usable: fall back to the username
    ("🙂", "maria", "MA"),
    ("", "___", "?"),
    ("<img src=x onerror=alert(1)>", "mallory", "I1"),
])
def test_initials(display_name, username, initials):
    assert _user(username, display_name).initials == initials


@pytest.mark.parametrize("display_name", ["ß", "ßa", "straße bahn", "ǆ"])
def test_initials_are_at_most_two_characters(display_name):
    assert 1 <= len(_user("x1", display_name).initials) <= 2


def test_avatar_hue_is_one_of_twelve_and_stable():
    member = _user("maria", "Maria Lopez")
    assert member.avatar_hue in range(12)
    assert member.avatar_hue == _user("maria").avatar_hue


def test_avatar_hue_follows_the_username_not_the_display_name():
    assert _user("maria", "Maria Lopez").avatar_hue == _user("maria", "Someone Else").avatar_hue


def test_avatar_hues_spread_across_the_palette():
    hues = {_user(f"member{n}").avatar_hue for n in range(24)}
    assert len(hues) >= 8
    hues = {_user(name).avatar_hue for name in ["maria", "omar", "mod", "ann", "bo", "chen", "dana", "eve"]}
    assert len(hues) >= 4


def test_name_prefers_the_display_name():
    assert _user("maria", "Maria Lopez").name == "Maria Lopez"
    assert _user("maria", "").name == "maria"
    assert str(_user("maria", "Maria Lopez")) == "maria"


@pytest.mark.parametrize("role, is_moderator, badge", [
    ("member", False, ""),
    ("expert", False, "Expert"),
    ("moderator", True, "Moderator"),
    ("admin", True, "Administrator"),
])
def test_roles(role, is_moderator, badge):
    member = User(username="x1", role=role)
    assert member.is_moderator is is_moderator
    assert member.role_badge == badge


def test_a_superuser_is_a_moderator_whatever_the_role():
    assert User(username="root", is_superuser=True).is_moderator


def test_bio_is_rendered_on_save():
    member = User.objects.create_user("maria", "maria@example.org", "x", bio="Hello *world*")
    assert "<em>world</em>" in member.bio_cooked
    member.refresh_from_db()
    assert "<em>world</em>" in member.bio_cooked


def test_usernames_are_unique_ignoring_case_through_allauth():
    # The database constraint is case-sensitive; allauth lowercases on sign-up and checks
    # case-insensitively, so "Maria" cannot sign up next to "maria" (see test_signup).
    from allauth.account.utils import filter_users_by_username

    User.objects.create_user("maria", "maria@example.org", "x")
    assert filter_users_by_username("MARIA").count() == 1
