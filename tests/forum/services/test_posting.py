import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection

from forum.discussion.posting import reply_create, topic_create
from forum.models import Post, Tag, Topic
from tests.factories import CategoryFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


def post_numbers(topic):
    return list(topic.posts.order_by("post_number").values_list("post_number", flat=True))


def test_topic_create_makes_the_question_post_number_one(member):
    category = CategoryFactory(name="Pain & Medicine", slug="pain-medicine")

    topic = topic_create(author=member, category=category, title="  Does LDN help fibromyalgia pain?  ",
                         raw="Has **LDN** been shown to help?", tag_names=["fibromyalgia", "naltrexone"])

    topic.refresh_from_db()
    first = topic.posts.get()
    assert first.post_number == 1
    assert first.author == member
    assert first.raw == "Has **LDN** been shown to help?"
    assert "<strong>LDN</strong>" in first.cooked
    assert topic.title == "Does LDN help fibromyalgia pain?"
    assert topic.slug == "does-ldn-help-fibromyalgia-pain"
    assert topic.posts_count == 1
    assert topic.last_posted_at is not None
    assert topic.last_poster == member
    assert sorted(topic.tags.values_list("name", flat=True)) == ["fibromyalgia", "naltrexone"]


def test_topics_share_existing_tags_instead_of_duplicating_them(member):
    make_topic(author=member, tag_names=["naltrexone"])
    make_topic(author=member, tag_names=["naltrexone", "sleep"])

    assert sorted(Tag.objects.values_list("name", flat=True)) == ["naltrexone", "sleep"]
    assert Tag.objects.get(name="naltrexone").topics.count() == 2


def test_a_title_with_no_letters_still_gets_a_usable_slug(member):
    topic = make_topic(author=member, title="¿¿¿ ??? !!!")

    assert topic.slug == "topic"


def test_replies_are_numbered_contiguously_and_update_the_topic(member, other_member):
    topic = make_topic(author=member)

    replies = [make_reply(topic=topic, author=other_member) for _ in range(3)]

    topic.refresh_from_db()
    assert [reply.post_number for reply in replies] == [2, 3, 4]
    assert post_numbers(topic) == [1, 2, 3, 4]
    assert topic.posts_count == 4
    assert topic.last_poster == other_member
    assert topic.last_posted_at == replies[-1].created_at


def test_numbering_continues_after_a_deleted_post(member, other_member):
    from forum.discussion.deleting import post_delete

    topic = make_topic(author=member)
    doomed = make_reply(topic=topic, author=other_member)
    post_delete(actor=other_member, post=doomed)

    assert make_reply(topic=topic, author=other_member).post_number == 3


def test_reply_to_a_post_in_the_same_topic_is_kept(member, other_member):
    topic = make_topic(author=member)
    question = topic.posts.get(post_number=1)

    reply = make_reply(topic=topic, author=other_member, reply_to=question)

    assert Post.objects.get(pk=reply.pk).reply_to == question


def test_reply_to_a_post_in_another_topic_is_dropped(member, other_member):
    topic = make_topic(author=member)
    elsewhere = make_topic(author=member, title="An unrelated discussion")

    reply = make_reply(topic=topic, author=other_member, reply_to=elsewhere.posts.get(post_number=1))

    assert Post.objects.get(pk=reply.pk).reply_to is None


@pytest.mark.parametrize("state", [Topic.State.CLOSED, Topic.State.ARCHIVED])
def test_members_cannot_reply_to_closed_or_archived_topics(member, other_member, state):
    topic = make_topic(author=member)
    Topic.objects.filter(pk=topic.pk).update(state=state)
    topic.refresh_from_db()

    with pytest.raises(PermissionDenied, match=f"This topic is {state.label.lower()}"):
        reply_create(author=other_member, topic=topic, raw="Too late?")
    assert post_numbers(topic) == [1]


def test_moderators_may_still_reply_to_a_closed_topic(member, moderator):
    topic = make_topic(author=member)
    Topic.objects.filter(pk=topic.pk).update(state=Topic.State.CLOSED)
    topic.refresh_from_db()

    assert reply_create(author=moderator, topic=topic, raw="Closing note.").post_number == 2


def test_nobody_can_reply_to_a_deleted_topic(member, moderator):
    topic = make_topic(author=member)
    from forum.discussion.deleting import post_delete

    post_delete(actor=member, post=topic.posts.get(post_number=1))
    topic.refresh_from_db()

    with pytest.raises(PermissionDenied, match="deleted"):
        reply_create(author=moderator, topic=topic, raw="Anyone here?")
    assert post_numbers(topic) == [1]


def test_members_with_an_unconfirmed_email_cannot_post(member):
    unverified = UserFactory(verified=False)
    topic = make_topic(author=member)

    with pytest.raises(PermissionDenied, match="Confirm your email"):
        topic_create(author=unverified, category=CategoryFactory(), title="A brand new topic", raw="Hello there")
    with pytest.raises(PermissionDenied, match="Confirm your email"):
        reply_create(author=unverified, topic=topic, raw="Hello there")
    assert Topic.objects.count() == 1 and Post.objects.count() == 1


def test_anonymous_visitors_and_inactive_accounts_cannot_post(member):
    topic = make_topic(author=member)
    inactive = UserFactory(is_active=False)

    with pytest.raises(PermissionDenied, match="Sign in"):
        reply_create(author=AnonymousUser(), topic=topic, raw="Drive-by")
    with pytest.raises(PermissionDenied, match="not active"):
        reply_create(author=inactive, topic=topic, raw="Ghost")
    assert post_numbers(topic) == [1]


@pytest.mark.django_db(transaction=True)
def test_reply_gets_next_post_number_under_concurrency():
    # Real concurrency needs a server database: SQLite's in-memory test database is shared by
    # threads through one cache with table locks, so there the replies run one after another
    # and the test checks the same numbering invariant without the race.
    authors = [UserFactory() for _ in range(8)]
    topic = make_topic(author=authors[0])
    concurrent = connection.vendor == "postgresql"
    start = threading.Barrier(len(authors)) if concurrent else None
    errors = []

    def write_reply(author):
        try:
            if start:
                start.wait(timeout=10)
            reply_create(author=author, topic=Topic.objects.get(pk=topic.pk), raw=f"Reply from {author.username}")
        except Exception as exc:  # collected so a failure in a thread fails the test
            errors.append(exc)
        finally:
            if concurrent:
                connection.close()

    if concurrent:
        threads = [threading.Thread(target=write_reply, args=(author,)) for author in authors]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    else:
        for author in authors:
            write_reply(author)

    assert errors == []
    topic.refresh_from_db()
    assert post_numbers(topic) == list(range(1, len(authors) + 2))
    assert topic.posts_count == len(authors) + 1
