"""The same composer form sent several times at once (a double click, two tabs, a retry) writes
one post: the one-time token is claimed under a unique index, and the twins wait for it."""

import pytest

from forum.discussion.posting import reply_create, topic_create
from forum.discussion.submissions import AlreadySubmitted
from forum.models import Post, Submission, Topic
from tests.factories import CategoryFactory, UserFactory, make_topic

from .conftest import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_eight_submits_of_one_reply_form_at_once_create_one_post():
    writer = UserFactory()
    topic = make_topic(author=UserFactory())

    def submit():
        return reply_create(author=writer, topic=Topic.objects.get(pk=topic.pk), raw="Said once.",
                            submit_token="one-form").pk

    created, errors = run_together(*(submit for _ in range(8)))

    made = [pk for pk in created if pk is not None]
    repeats = [error for error in errors if error is not None]
    assert len(made) == 1
    assert len(repeats) == 7 and all(isinstance(error, AlreadySubmitted) for error in repeats)
    # Every repeat is answered with the post the first one wrote.
    assert {error.post.pk for error in repeats} == set(made)
    assert list(Post.objects.filter(topic=topic, author=writer).values_list("raw", flat=True)) == ["Said once."]
    topic.refresh_from_db()
    assert topic.posts_count == 2


def test_two_tabs_sending_one_new_topic_form_create_one_topic():
    writer = UserFactory()
    category = CategoryFactory()

    def submit():
        return topic_create(author=writer, category=category, title="Is creatine safe for teenagers?",
                            raw="What do the trials say?", submit_token="the-form").pk

    created, errors = run_together(submit, submit)

    assert sum(pk is not None for pk in created) == 1
    assert [type(error) for error in errors if error is not None] == [AlreadySubmitted]
    assert Topic.objects.count() == 1 and Submission.objects.count() == 1
