"""The audit log page: moderators read and filter every moderator action."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forum.models import ModerationAction
from forum.moderation import actions as moderation
from tests.factories import UserFactory, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(moderator, member, other_member):
    second_moderator = UserFactory(username="mod2", role="moderator")
    topic = make_topic(author=member, title="Are standing desks worth it?")
    reply = make_reply(topic=topic, author=other_member)
    moderation.topic_set_state(moderator=moderator, topic=topic, state="closed", reason="Settled")
    moderation.post_hide(moderator=second_moderator, post=reply, reason="Advert")
    moderation.user_suspend(moderator=moderator, user=other_member, until=timezone.now() + timedelta(days=2),
                            reason="Adverts again")
    old = ModerationAction.objects.get(action="close")
    ModerationAction.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))


def rows(client, **params) -> list[str]:
    response = client.get(reverse("forum:audit_log"), params)
    assert response.status_code == 200
    return [row.text for row in parse(response.content).find_all("tr")[1:]]


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def test_members_cannot_read_it(member_client, entries):
    assert member_client.get(reverse("forum:audit_log")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("forum:audit_log"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_it_lists_who_did_what_on_what_and_why(moderator_client, entries):
    listed = rows(moderator_client)

    assert len(listed) == 3
    hide = next(row for row in listed if "Hid the post" in row)
    assert "Advert" in hide and "Are standing desks worth it?" in hide and "@omar" in hide


@pytest.mark.parametrize("params, expected", [
    ({"action": "suspend"}, ["Suspended"]),
    ({"actor": "mod2"}, ["Hid the post"]),
    ({"member": "omar"}, ["Hid the post", "Suspended"]),
    ({"since": (timezone.now() - timedelta(days=1)).date().isoformat()}, ["Hid the post", "Suspended"]),
])
def test_it_filters_by_action_moderator_member_and_date(moderator_client, entries, params, expected):
    listed = rows(moderator_client, **params)

    labels = ["Closed", "Hid the post", "Suspended"]
    assert sorted(label for row in listed for label in labels if label in row) == expected


def test_moves_retitles_and_state_changes_say_from_what_to_what(moderator_client, moderator, member):
    from tests.factories import CategoryFactory

    pain = CategoryFactory(name="Pain", slug="pain")
    training = CategoryFactory(name="Training", slug="training")
    topic = make_topic(author=member, category=pain, title="Are standing desks worth it?")
    moderation.topic_move(moderator=moderator, topic=topic, category=training)
    moderation.topic_retitle(moderator=moderator, topic=topic, title="Do standing desks help back pain?")
    moderation.topic_set_state(moderator=moderator, topic=topic, state="closed")
    response = moderator_client.get(reverse("forum:audit_log"))
    listed = [" ".join(row.split()) for row in rows(moderator_client)]

    assert any("Moved: Pain → to Training" in row for row in listed), listed
    assert any("Retitled: Are standing desks worth it? → to Do standing desks help back pain?" in row for row in listed)
    assert any("Closed: open → to closed" in row for row in listed)
    assert "<code>" not in response.content.decode()
    links = [a.get("href") for a in parse(response.content).find_all("a")]
    assert topic.get_absolute_url() in links
    options = [o.text for o in parse(response.content).find_all("option")]
    assert "Moved" in options and "move" not in options


def test_a_bad_date_is_explained_not_a_crash(moderator_client, entries):
    response = moderator_client.get(reverse("forum:audit_log"), {"since": "23/11/2026"})

    assert response.status_code == 200
    assert "Use a date like" in response.content.decode()
    assert len(parse(response.content).find_all("tr")) == 4  # unfiltered: header and three entries
