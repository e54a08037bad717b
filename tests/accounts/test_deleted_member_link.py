"""A "Deleted member" signature links to a page that says the account was deleted, not a 404."""

import pytest
from django.test import Client

from accounts.member_data import member_delete
from tests.factories import UserFactory, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


def test_the_deleted_members_link_says_the_account_was_deleted():
    leaver = UserFactory(username="leaver")
    topic = make_topic()
    make_reply(topic=topic, author=leaver, raw="Words that stay")
    member_delete(user=leaver)

    page = parse(Client().get(topic.get_absolute_url()).content)
    [link] = [a for a in page.find_all("a") if a.text.strip() == "Deleted member"]
    response = Client().get(link.get("href"))

    assert response.status_code == 410
    text = parse(response.content).text
    assert "This account was deleted" in text and "couldn’t find" not in text


def test_an_account_only_deactivated_is_still_not_found():
    member = UserFactory(username="paused", is_active=False)
    assert Client().get(member.get_absolute_url()).status_code == 404
