"""Reads composed once and run with new values (forum/common/prepared.py) give what the queryset
gives: the same rows, objects, related objects, deferred fields and annotations, whatever values
and list lengths follow the first call."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F
from django.db.models.signals import post_init
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext

from forum.access.visible import get_visible_topic
from forum.models import Post, Study, Topic, TopicSubscription
from forum.common.prepared import Prepared
from forum.moderation.actions import topic_delete
from tests.factories import UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


def post_facts(post):
    return (post.pk, post.post_number, post.cooked, post.created_at, post.edited_at, post.reply_to_number,
            post.author.username, post.topic.title)


def test_a_page_read_twice_with_other_values_matches_the_queryset_each_time():
    topics = [make_topic(title=f"Question {n}") for n in range(2)]
    for topic in topics:
        for _ in range(4):
            make_reply(topic=topic, reply_to=topic.posts.first())

    def build(topic_id, first, last):
        return (Post.objects.filter(topic=topic_id, post_number__range=(first, last)).defer("raw")
                .select_related("author", "topic").annotate(reply_to_number=F("reply_to__post_number"))
                .order_by("post_number"))

    read = Prepared(build)
    for topic, first, last in [(topics[0], 1, 3), (topics[1], 2, 5), (topics[0], 4, 9)]:
        expected = list(build(topic.pk, first, last))
        got = read.fetch(topic.pk, first, last)
        assert [post_facts(post) for post in got] == [post_facts(post) for post in expected]
        assert got, "each range holds posts"
        # Dates come back as the ORM gives them (aware), and the deferred body is read on demand.
        assert got[0].created_at.tzinfo is not None
        assert got[0].get_deferred_fields() == {"raw"}
        assert got[-1].raw == Post.objects.get(pk=got[-1].pk).raw


def _state(instance):
    return {name: value for name, value in vars(instance).items() if name != "_state"}, instance._state.adding, \
        instance._state.db


def test_instances_are_those_the_orm_makes_and_save_as_they_would():
    topic = make_topic(title="Question")
    make_reply(topic=topic)
    read = Prepared(lambda topic_id: Post.objects.filter(topic=topic_id).defer("raw").order_by("post_number"))

    got, expected = read.fetch(topic.pk), list(Post.objects.filter(topic=topic.pk).defer("raw").order_by("post_number"))

    assert [_state(post) for post in got] == [_state(post) for post in expected]
    assert got[1].get_deferred_fields() == {"raw"}
    # A read instance is a saved row: saving it updates that row, never adds one.
    got[1].competing_interests = "None declared."
    got[1].save(update_fields=["competing_interests"])
    assert Post.objects.get(pk=got[1].pk).competing_interests == "None declared." and topic.posts.count() == 2
    assert got[1].author == expected[1].author  # the related object, read on demand


def test_related_instances_are_those_the_orm_makes():
    topic = make_topic(title="Question")
    make_reply(topic=topic)

    def build(topic_id):
        return Post.objects.filter(topic=topic_id).select_related("author", "topic__category").order_by("post_number")

    got, expected = Prepared(build).fetch(topic.pk), list(build(topic.pk))

    assert [(_state(p.author), _state(p.topic), _state(p.topic.category)) for p in got] == \
        [(_state(p.author), _state(p.topic), _state(p.topic.category)) for p in expected]
    with CaptureQueriesContext(connection) as queries:
        assert got[1].topic.category.name == expected[1].topic.category.name
    assert len(queries) == 0


def test_a_receiver_of_post_init_hears_each_instance_read():
    topic = make_topic(title="Question")
    read = Prepared(lambda topic_id: Post.objects.filter(topic=topic_id).select_related("author"))
    read.fetch(topic.pk)  # composed before anyone listens
    heard = []

    def receiver(sender, instance, **kwargs):
        heard.append((sender.__name__, instance.pk))

    post_init.connect(receiver, sender=Post)
    post_init.connect(receiver, sender=get_user_model())
    try:
        posts = read.fetch(topic.pk)
    finally:
        post_init.disconnect(receiver, sender=Post)
        post_init.disconnect(receiver, sender=get_user_model())

    assert heard == [item for post in posts for item in (("Post", post.pk), ("User", post.author_id))] and heard


def test_lists_of_each_length_are_their_own_shape():
    studies = [Study.objects.create(doi=f"10.5555/prepared-{n}", title=f"Trial {n}", registry=[{"nct_id": f"NCT0000000{n}"}])
               for n in range(4)]
    read = Prepared(lambda ids: Study.objects.filter(pk__in=ids).order_by("pk"))
    for chosen in ([studies[0]], studies[1:3], studies, [studies[3], studies[0]]):
        got = read.fetch([study.pk for study in chosen])
        assert [(s.pk, s.doi, s.registry) for s in got] == sorted((s.pk, s.doi, s.registry) for s in chosen)
    assert read.fetch([0]) == []


def test_rows_of_values_list_come_back_as_tuples():
    topic = make_topic(title="Rows, not objects")
    read = Prepared(lambda topic_id: Post.objects.filter(topic=topic_id).values_list("post_number", "topic__title"))
    assert read.fetch(topic.pk) == [(1, "Rows, not objects")]


def test_one_query_a_read_once_composed():
    topic = make_topic()
    read = Prepared(lambda topic_id: Topic.objects.filter(pk=topic_id).select_related("author", "category"))
    read.fetch(topic.pk)
    with CaptureQueriesContext(connection) as queries:
        found = read.fetch(topic.pk)
        assert (found[0].author.username, found[0].category.name) == (topic.author.username, topic.category.name)
    assert len(queries) == 1


def test_reads_it_cannot_run_faithfully_are_refused_when_composed():
    topic = make_topic()
    with pytest.raises(ValueError):
        Prepared(lambda topic_id: Topic.objects.filter(pk=topic_id).prefetch_related("tags")).fetch(topic.pk)
    with pytest.raises(ValueError):
        Prepared(lambda topic_id: Topic.objects.filter(pk=topic_id).values("title")).fetch(topic.pk)
    with pytest.raises(ValueError):  # a value worked out from one given is not the caller's
        Prepared(lambda topic_id: Topic.objects.filter(pk=topic_id + 1)).fetch(topic.pk)
    with pytest.raises(ValueError):  # a slice's numbers would stay those it was composed with
        Prepared(lambda topic_id, rows: Topic.objects.filter(pk=topic_id)).fetch(topic.pk, rows=slice(0, 1))


def test_a_value_used_in_several_places_goes_to_each():
    # A member's reading state is two subqueries on their id, which the unread filter repeats.
    reader, other = UserFactory(), UserFactory()
    topics = [make_topic(title=f"Question {n}") for n in range(3)]
    for topic in topics:
        make_reply(topic=topic)
    TopicSubscription.objects.create(user=reader, topic=topics[0], last_read_post_number=2)
    TopicSubscription.objects.create(user=other, topic=topics[1], last_read_post_number=2)

    def build(user_id):
        return Topic.objects.with_reading_state(user_id).unread_for_member().order_by("pk")

    read = Prepared(build)
    for user in (reader, other, reader):
        assert [(t.pk, t.last_read) for t in read.fetch(user.pk)] == [(t.pk, t.last_read) for t in build(user.pk)]
    assert [t.title for t in read.fetch(reader.pk)] == ["Question 1", "Question 2"]


@pytest.mark.parametrize("ids_first", [False, True])
def test_a_page_of_rows_is_a_value_not_a_shape(ids_first):
    # Django writes a slice's numbers into the SQL: each page number would be composed anew.
    for n in range(7):
        make_topic(title=f"Question {n}", tag_names=["sleep"])

    def build(tag_id, *, rows):
        topics = Topic.objects.filter(tags=tag_id).order_by("-pk")
        return topics.filter(pk__in=topics.values("pk")[rows]) if ids_first else topics[rows]

    read = Prepared(build)
    tag_id = Topic.tags.through.objects.values_list("tag_id", flat=True).first()
    for rows in (slice(0, 3), slice(3, 6), slice(6, 9), slice(9, 12), slice(2, 2)):
        assert [t.title for t in read.fetch(tag_id, rows=rows)] == [t.title for t in build(tag_id, rows=rows)]
    assert [t.title for t in read.fetch(tag_id, rows=slice(5, 7))] == ["Question 1", "Question 0"]
    assert len(read._compiled) == 1, "every page ran the SQL composed for the first"


def test_a_deleted_topic_is_found_by_moderators_only(client):
    topic = make_topic(title="Gone for members")
    moderator, member = UserFactory(role="moderator"), UserFactory()
    topic_delete(topic=topic, moderator=moderator)
    assert client.get(topic.get_absolute_url()).status_code == 404
    with pytest.raises(Http404):
        get_visible_topic(member, topic.pk)
    found = get_visible_topic(moderator, topic.pk)
    assert (found.title, found.is_deleted) == ("Gone for members", True)


def test_a_member_read_by_id_is_that_member_or_none():
    # Every signed-in request reads its member this way (accounts/models.py, MemberManager.get).
    member = UserFactory(username="reader_one")
    User = get_user_model()
    assert User.objects.get(pk=member.pk).username == "reader_one"
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=member.pk + 1000)
    client = Client()
    client.force_login(member)
    assert client.get("/").context["user"].username == "reader_one"
