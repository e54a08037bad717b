import pytest

from forum.discussion.answers import vote_toggle
from forum.models import Notification, NotificationKind, Post, Vote
from tests.factories import UserFactory, make_reply, make_topic

from .conftest import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_fifty_members_voting_at_once_count_fifty_and_toggling_back_counts_zero():
    author = UserFactory()
    answer = make_reply(topic=make_topic(), author=author)
    voters = [UserFactory() for _ in range(50)]

    def toggle_as(voter):
        return lambda: vote_toggle(user=voter, post=Post.objects.get(pk=answer.pk))

    results, errors = run_together(*(toggle_as(voter) for voter in voters))
    assert errors == [None] * 50
    assert all(voted for voted, _count in results)
    assert Post.objects.get(pk=answer.pk).helpful_count == 50
    assert Vote.objects.filter(post=answer).count() == 50
    # Votes are batched into one unread notification that counts every voter.
    helpful = Notification.objects.filter(recipient=author, kind=NotificationKind.HELPFUL, post=answer)
    assert [n.count for n in helpful] == [50]

    results, errors = run_together(*(toggle_as(voter) for voter in voters))
    assert errors == [None] * 50
    assert not any(voted for voted, _count in results)
    assert Post.objects.get(pk=answer.pk).helpful_count == 0
    assert Vote.objects.filter(post=answer).count() == 0
