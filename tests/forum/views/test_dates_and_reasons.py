"""Dates are written one way site-wide, and a reason a moderator typed is closed with one full stop."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


def suspended(reason: str):
    member = UserFactory(username="sanctioned", date_joined=timezone.now() - timedelta(days=90))
    member.suspended_until = timezone.now() + timedelta(days=7)
    member.suspension_reason = reason
    member.save()
    return member


def page_text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(parse(response.content).text.split())


@pytest.mark.parametrize("reason", ["Repeated spam links.", "Repeated spam links"])
def test_a_suspension_reason_is_shown_with_one_full_stop(reason):
    member = suspended(reason)
    client = Client()
    client.force_login(member)

    profile = page_text(client, member.get_absolute_url())
    topic = page_text(client, make_topic().get_absolute_url())

    for text in (profile, topic):
        assert "Repeated spam links." in text
        assert "links.." not in text


def test_dates_are_written_one_way_on_the_profile_and_in_the_suspension_notice():
    member = suspended("Spam.")
    client = Client()
    client.force_login(member)

    text = page_text(client, member.get_absolute_url())

    until = timezone.localtime(member.suspended_until)
    assert f"Suspended until {until:%-d %b %Y, %H:%M} UTC: Spam." in text
    assert f"Your account is suspended until {until:%-d %b %Y, %H:%M} UTC" in text
    assert f"{timezone.localtime(member.date_joined):%-d %b %Y}" in text
    assert f"{timezone.localtime(member.date_joined):%B}" not in text
    assert "UTC UTC" not in text
