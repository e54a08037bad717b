"""The composer's @mention suggestions: /u/-/suggest/?q=prefix."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:suggest")


def usernames(response) -> list[str]:
    assert response.status_code == 200
    return [found["username"] for found in response.json()["results"]]


@pytest.fixture
def members(db):
    return [
        UserFactory(username="dr_rivera", display_name="Dr. Sam Rivera"),
        UserFactory(username="dr_ross", display_name=""),
        UserFactory(username="drew", display_name="Drew Park"),
        UserFactory(username="DrAcula", display_name="Count"),
        UserFactory(username="dr_gone", display_name="Gone", is_active=False),
        UserFactory(username="lena", display_name="Lena Park"),
    ]


def test_members_whose_username_starts_with_the_text(member_client, members):
    assert usernames(member_client.get(URL, {"q": "dr_r"})) == ["dr_rivera", "dr_ross"]


def test_the_prefix_is_matched_without_case_and_an_at_sign_is_ignored(member_client, members):
    assert usernames(member_client.get(URL, {"q": "@DR_RI"})) == ["dr_rivera"]


def test_a_match_in_the_middle_of_a_name_does_not_count(member_client, members):
    assert usernames(member_client.get(URL, {"q": "ivera"})) == []


def test_each_result_carries_a_name_to_show(member_client, members):
    results = member_client.get(URL, {"q": "dr_r"}).json()["results"]

    assert results == [{"username": "dr_rivera", "name": "Dr. Sam Rivera"},
                       {"username": "dr_ross", "name": "dr_ross"}]  # no display name: the username


def test_inactive_members_are_not_suggested(member_client, members):
    assert "dr_gone" not in usernames(member_client.get(URL, {"q": "dr"}))


def test_at_most_eight_in_username_order(member_client, db):
    for n in range(12):
        UserFactory(username=f"reader{n:02d}")

    assert usernames(member_client.get(URL, {"q": "reader"})) == [f"reader{n:02d}" for n in range(8)]


@pytest.mark.parametrize("query", ["", "   ", "@"])
def test_an_empty_prefix_suggests_nobody(member_client, members, query):
    assert usernames(member_client.get(URL, {"q": query})) == []


@pytest.mark.parametrize("query", ["%", "_", "dr%", "d_", "' OR 1=1 --", "x" * 5000])
def test_odd_text_is_a_plain_prefix_not_a_pattern(member_client, members, query):
    assert usernames(member_client.get(URL, {"q": query})) == []


def test_a_visitor_is_sent_to_log_in(client, members):
    response = client.get(URL, {"q": "dr"})

    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_path_does_not_shadow_a_member_called_suggest(client, db):
    UserFactory(username="suggest")

    assert client.get(reverse("accounts:profile", args=["suggest"])).status_code == 200
