"""The index follows every change to posts and titles, whichever code path makes it."""

from django.utils import timezone

from forum.discussion.deleting import post_delete
from forum.discussion.editing import post_edit
from forum.models import Post, Topic
from forum.moderation.actions import post_hide, post_restore, post_unhide, topic_delete, topic_retitle
from tests.factories import UserFactory, make_reply, make_topic

from .conftest import found


def test_new_posts_are_found_at_once(db):
    topic = make_topic(title="Vitamin D and winter colds", raw="Worth taking?")
    make_reply(topic=topic, raw="Cholecalciferol at 1000 IU daily.")
    assert found("cholecalciferol") == [("Vitamin D and winter colds", 2)]


def test_after_an_edit_old_words_are_gone_and_new_words_found(db):
    topic = make_topic(title="Creatine for older adults", raw="Any evidence?")
    reply = make_reply(topic=topic, raw="Sarcopenia trials look promising.")
    post_edit(editor=reply.author, post=reply, raw="Dementia trials look promising.")
    assert found("sarcopenia") == []
    assert found("dementia") == [("Creatine for older adults", 2)]


def test_editing_the_question_with_a_new_title_reindexes_the_title(db):
    topic = make_topic(title="Turmeric for arthritis", raw="Any evidence?")
    first = topic.posts.get(post_number=1)
    post_edit(editor=topic.author, post=first, raw="Any evidence at all?", title="Curcumin for osteoarthritis")
    assert found("turmeric") == []
    assert found("curcumin") == [("Curcumin for osteoarthritis", 1)]


def test_a_moderator_retitle_reindexes_the_title(db, moderator):
    topic = make_topic(title="Fish oil and mood", raw="Any evidence?")
    topic_retitle(moderator=moderator, topic=topic, title="Omega-3 and depression")
    assert found("fish") == []
    assert found("depression", titles_only=True) == [("Omega-3 and depression", 1)]


def test_a_title_changed_by_a_bare_update_is_reindexed_too(db):
    topic = make_topic(title="Zinc lozenges", raw="For colds?")
    Topic.objects.filter(pk=topic.pk).update(title="Elderberry syrup")
    assert found("zinc") == []
    assert found("elderberry") == [("Elderberry syrup", 1)]


def test_deleted_posts_disappear_and_return_when_restored(db, moderator):
    topic = make_topic(title="Probiotics after antibiotics", raw="Do they help?")
    reply = make_reply(topic=topic, raw="Saccharomyces boulardii reduced diarrhoea in trials.")
    post_delete(actor=reply.author, post=reply)
    assert found("boulardii") == []
    post_restore(moderator=moderator, post=reply)
    assert found("boulardii") == [("Probiotics after antibiotics", 2)]


def test_deleting_the_question_removes_the_whole_topic(db, moderator):
    topic = make_topic(title="Ketogenic diet for epilepsy", raw="In adults?")
    make_reply(topic=topic, raw="Ketogenic diets reduce seizures in children.")
    topic_delete(moderator=moderator, topic=topic)
    assert found("ketogenic") == []


def test_hidden_posts_disappear_whether_by_service_or_bare_update(db, moderator):
    topic = make_topic(title="Acupuncture for migraine", raw="Is it placebo?")
    by_service = make_reply(topic=topic, raw="Sham-controlled trials show small effects.")
    by_update = make_reply(topic=topic, raw="Sham acupuncture works nearly as well.")
    post_hide(moderator=moderator, post=by_service, reason="Off topic")
    Post.objects.filter(pk=by_update.pk).update(hidden_at=timezone.now())
    assert found("sham") == []
    post_unhide(moderator=moderator, post=by_service)
    assert found("sham") == [("Acupuncture for migraine", 2)]


def test_posts_removed_from_the_database_leave_the_index(db):
    topic = make_topic(title="Garlic and blood pressure", raw="Any effect?")
    reply = make_reply(topic=topic, raw="Allicin lowered systolic pressure slightly.")
    Post.objects.filter(pk=reply.pk).delete()
    assert found("allicin") == []


def test_index_rebuild_gives_the_same_answers(db):
    from django.db import connection

    from forum.search import schema

    topic = make_topic(author=UserFactory(), title="Saffron for low mood", raw="Any trials?")
    make_reply(topic=topic, raw='[quote="someone, post:1, topic:1"]\nAny trials?\n[/quote]\nCrocin trials exist.')
    before = found("saffron OR crocin OR someone")
    schema.rebuild(connection)
    assert found("saffron OR crocin OR someone") == before == [("Saffron for low mood", 1), ("Saffron for low mood", 2)]
