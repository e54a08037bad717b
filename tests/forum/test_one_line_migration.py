"""The data migration that puts titles and names stored before normalisation on one line,
keeping the old value where the site keeps history."""

import importlib

import pytest
from django.apps import apps

from forum.models import ModerationAction, Post, Topic
from tests.factories import UserFactory, make_topic

pytestmark = pytest.mark.django_db

migration = importlib.import_module("forum.migrations.0010_one_line_titles_and_names")


def test_stored_titles_and_names_are_repaired_and_the_old_ones_kept(client):
    author = UserFactory(username="maria")
    topic = make_topic(author=author, title="Placeholder title")
    untouched = make_topic(author=author, title="Already one line")
    old_title = "Line one\r\nLine two\u202e\u200b"
    # As a crafted POST stored them before the fix: straight into the database.
    Topic.objects.filter(pk=topic.pk).update(title=old_title)
    type(author).objects.filter(pk=author.pk).update(display_name="Maria\nLopez", expert_credential="MD\tPhD")

    migration.repair(apps, None)
    migration.repair(apps, None)  # running it again changes nothing more

    topic.refresh_from_db()
    assert topic.title == "Line one Line two"
    first = Post.objects.get(topic=topic, post_number=1)
    [revision] = first.revisions.all()
    assert (revision.title, revision.raw, revision.number, first.version) == (old_title, first.raw, 1, 2)
    assert "removed by the site" in revision.reason
    assert not Post.objects.get(topic=untouched, post_number=1).revisions.exists()
    # The old title shows in the history a reader can open.
    history = client.get(first.revisions_url()).content.decode()
    assert "Line one" in history and "Line one Line two" in history

    author.refresh_from_db()
    assert (author.display_name, author.expert_credential) == ("Maria Lopez", "MD PhD")
    [entry] = ModerationAction.objects.filter(action="repair_one_line")
    assert entry.target_user == author
    assert entry.details == {"display_name": ["Maria\nLopez", "Maria Lopez"], "expert_credential": ["MD\tPhD", "MD PhD"]}
