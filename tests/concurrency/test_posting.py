import pytest

from forum.discussion.posting import reply_create
from forum.models import Post, Topic
from tests.factories import UserFactory, make_topic

from .conftest import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_fifty_replies_at_once_are_numbered_1_to_51_without_gaps():
    asker = UserFactory()
    topic = make_topic(author=asker)
    authors = [UserFactory() for _ in range(50)]

    def reply_as(author):
        return lambda: reply_create(author=author, topic=Topic.objects.get(pk=topic.pk),
                                    raw=f"Reply from {author.username}").post_number

    numbers, errors = run_together(*(reply_as(author) for author in authors))

    assert errors == [None] * 50
    assert sorted(numbers) == list(range(2, 52))
    stored = list(Post.objects.filter(topic=topic).order_by("post_number").values_list("post_number", flat=True))
    assert stored == list(range(1, 52))
    topic.refresh_from_db()
    assert topic.posts_count == 51
    last = Post.objects.get(topic=topic, post_number=51)
    assert topic.last_poster_id == last.author_id
    assert topic.last_posted_at == last.created_at
    # Every author got exactly one post: none was lost or doubled in the race.
    assert sorted(Post.objects.filter(topic=topic, post_number__gt=1).values_list("author_id", flat=True)) == \
        sorted(author.pk for author in authors)
