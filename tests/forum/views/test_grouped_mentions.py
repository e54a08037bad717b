"""Several mentions of a member by one writer in one topic are one notification row."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forum.discussion.editing import post_edit
from forum.discussion.posting import reply_create
from forum.models import Notification
from tests.factories import UserFactory, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


def rows(client) -> list[str]:
    page = parse(client.get(reverse("forum:notifications")).content)
    return [" ".join(a.text.split()) for a in page.find_all("a", class_="notification__link")]


@pytest.fixture
def people():
    joined = timezone.now() - timedelta(days=90)
    return (UserFactory(username="lena", display_name="Lena Park", date_joined=joined),
            UserFactory(username="dr_rivera", display_name="Dr. Sam Rivera", date_joined=joined))


def test_three_mentions_in_one_topic_are_one_row_saying_three_times(people):
    lena, rivera = people
    topic = make_topic(title="Does LDN help?")
    first = reply_create(author=rivera, topic=topic, raw="@lena the first trial is small.")
    reply_create(author=rivera, topic=topic, raw="@lena and the second one too.")
    reply_create(author=rivera, topic=topic, raw="@lena one more thing.")
    client = Client()
    client.force_login(lena)

    assert rows(client) == ["Unread: Dr. Sam Rivera mentioned you 3 times in “Does LDN help?”"]
    assert Notification.objects.filter(recipient=lena).unread().count() == 1
    # The row leads to the first mention, where reading starts.
    link = parse(client.get(reverse("forum:notifications")).content).find("a", class_="notification__link")
    assert link.get("href") == topic.post_url(first.post_number)

    # Editing a post that already mentioned her does not count it again.
    post_edit(editor=rivera, post=first, raw="@lena the first trial is small, and short.", reason="typo")
    assert rows(client) == ["Unread: Dr. Sam Rivera mentioned you 3 times in “Does LDN help?”"]


def test_once_read_the_next_mention_is_a_new_row(people):
    lena, rivera = people
    topic = make_topic(title="Does LDN help?")
    reply_create(author=rivera, topic=topic, raw="@lena the first trial is small.")
    Notification.objects.filter(recipient=lena).update(read_at=timezone.now())
    reply_create(author=rivera, topic=topic, raw="@lena a new trial came out.")
    client = Client()
    client.force_login(lena)

    assert rows(client) == ["Unread: Dr. Sam Rivera mentioned you in “Does LDN help?”",
                            "Dr. Sam Rivera mentioned you in “Does LDN help?”"]
