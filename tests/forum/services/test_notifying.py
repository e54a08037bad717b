"""Who is told what: the notification matrix, one notification per person per event, nobody about
their own action, watch levels, edits, mention caps and inactive members."""

from dataclasses import dataclass
from typing import Callable

import pytest

from accounts.models import CredentialRequest
from forum.discussion.answers import answer_accept, vote_toggle
from forum.discussion.editing import post_edit
from forum.discussion.posting import reply_create
from forum.following.watching import category_level_set, topic_level_set, topic_mark_read
from forum.models import Notification, NotificationKind as Kind, WatchLevel
from forum.moderation import actions as moderation
from forum.moderation.experts import credential_decide, credential_request
from tests.factories import CategoryFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


def quote_of(post, text: str) -> str:
    return f'[quote="{post.author.username}, post:{post.post_number}, topic:{post.topic_id}"]\n{text}\n[/quote]\n\n'


@dataclass
class Cast:
    """Everyone who might be told about something happening in one topic."""

    asker: object         # started the topic, so watches it
    answerer: object      # replied (#2), so watches it too
    watcher: object       # chose "watching" for the topic
    category_watcher: object  # watches the whole category, never touched the topic
    tracker: object       # watches the category but chose "tracking" for this topic; wrote #3
    muter: object         # watches the category but muted this topic; wrote #4
    bystander: object     # has nothing to do with the topic
    writer: object        # does the thing being tested
    moderator: object
    topic: object
    question: object
    answer: object
    tracked_post: object
    muted_post: object

    def name_of(self, user_id: int) -> str:
        for role in ("asker", "answerer", "watcher", "category_watcher", "tracker", "muter", "bystander",
                     "writer", "moderator"):
            if getattr(self, role).pk == user_id:
                return role
        raise AssertionError(f"a notification went to someone outside the cast: {user_id}")


@pytest.fixture
def cast(db) -> Cast:
    users = {role: UserFactory(username=role) for role in (
        "asker", "answerer", "watcher", "category_watcher", "tracker", "muter", "bystander", "writer")}
    users["moderator"] = UserFactory(username="moderator", role="moderator")
    category = CategoryFactory(slug="nutrition", name="Nutrition")
    for role in ("category_watcher", "tracker", "muter"):
        category_level_set(user=users[role], category=category, level=WatchLevel.WATCHING)
    topic = make_topic(author=users["asker"], category=category, title="Does vitamin D prevent colds?",
                       raw="What do the trials say about vitamin D and colds?")
    answer = make_reply(topic=topic, author=users["answerer"], raw="Large trials found no effect on colds.")
    topic_level_set(user=users["watcher"], topic=topic, level=WatchLevel.WATCHING)
    topic_level_set(user=users["tracker"], topic=topic, level=WatchLevel.TRACKING)
    topic_level_set(user=users["muter"], topic=topic, level=WatchLevel.MUTED)
    tracked_post = make_reply(topic=topic, author=users["tracker"], raw="Some trials used weekly doses.")
    muted_post = make_reply(topic=topic, author=users["muter"], raw="I take it every winter anyway.")
    Notification.objects.all().delete()  # what the setup caused is not what the tests are about
    return Cast(**users, topic=topic, question=topic.posts.get(post_number=1), answer=answer,
                tracked_post=tracked_post, muted_post=muted_post)


def told(cast: Cast) -> dict[str, str]:
    """Who has been told, by role, and why; fails if anyone was told twice."""
    result: dict[str, str] = {}
    for note in Notification.objects.order_by("pk"):
        role = cast.name_of(note.recipient_id)
        assert role not in result, f"{role} was told twice: {result[role]} and {note.kind}"
        result[role] = note.kind
    return result


# Everyone who follows the topic hears about an ordinary reply in it.
WATCHERS = {"asker": Kind.POSTED, "answerer": Kind.POSTED, "watcher": Kind.POSTED, "category_watcher": Kind.POSTED}


@dataclass
class Event:
    name: str
    act: Callable[[Cast], object]
    expected: dict[str, str]

    def __repr__(self):
        return self.name


def reply_by_writer(raw: str, reply_to: str | None = None):
    def act(cast: Cast):
        return reply_create(author=cast.writer, topic=cast.topic, raw=raw,
                            reply_to=getattr(cast, reply_to) if reply_to else None)
    return act


def new_topic_in_the_category(cast: Cast):
    return make_topic(author=cast.writer, category=cast.topic.category, title="Zinc lozenges for colds?")


def accept_the_answer(cast: Cast):
    answer_accept(user=cast.asker, post=cast.answer)


def three_helpful_votes(cast: Cast):
    for voter in (cast.asker, cast.watcher, cast.writer):
        vote_toggle(user=voter, post=cast.answer)


def request_and_decide(approve: bool):
    def act(cast: Cast):
        request = credential_request(user=cast.answerer, credential="MD, general practice")
        credential_decide(moderator=cast.moderator, request=request, approve=approve, note="Checked the register.")
    return act


MATRIX = [
    Event("reply to your post", reply_by_writer("Which trials?", reply_to="answer"),
          {**WATCHERS, "answerer": Kind.REPLIED}),
    Event("reply in a topic you created (so watch)", reply_by_writer("A new angle."), WATCHERS),
    Event("reply to the question itself", reply_by_writer("Good question.", reply_to="question"),
          {**WATCHERS, "asker": Kind.REPLIED}),
    Event("quoted", lambda c: reply_by_writer(quote_of(c.answer, "Large trials found no effect") + "Which?")(c),
          {**WATCHERS, "answerer": Kind.QUOTED}),
    Event("mentioned", reply_by_writer("@bystander might know."), {**WATCHERS, "bystander": Kind.MENTIONED}),
    Event("mentioned, quoted and replied to in one post",
          lambda c: reply_by_writer(quote_of(c.answer, "Large trials") + "@answerer which ones?",
                                    reply_to="answer")(c),
          {**WATCHERS, "answerer": Kind.MENTIONED}),
    Event("tracking: no posted, but replies reach you", reply_by_writer("Weekly?", reply_to="tracked_post"),
          {**WATCHERS, "tracker": Kind.REPLIED}),
    Event("tracking: mentions reach you", reply_by_writer("@tracker which trials?"),
          {**WATCHERS, "tracker": Kind.MENTIONED}),
    Event("tracking: quotes reach you",
          lambda c: reply_by_writer(quote_of(c.tracked_post, "Some trials used weekly doses") + "Yes.")(c),
          {**WATCHERS, "tracker": Kind.QUOTED}),
    Event("muted: not even a reply, quote or mention",
          lambda c: reply_by_writer(quote_of(c.muted_post, "every winter") + "@muter why?",
                                    reply_to="muted_post")(c),
          WATCHERS),
    Event("nobody about their own post", lambda c: reply_create(
        author=c.answerer, topic=c.topic, raw=quote_of(c.answer, "Large trials") + "@answerer (me) again.",
        reply_to=c.answer), {role: kind for role, kind in WATCHERS.items() if role != "answerer"}),
    Event("new topic in a watched category", new_topic_in_the_category,
          {"category_watcher": Kind.POSTED, "tracker": Kind.POSTED, "muter": Kind.POSTED}),
    Event("your answer accepted", accept_the_answer, {"answerer": Kind.ACCEPTED}),
    Event("helpful votes are batched", three_helpful_votes, {"answerer": Kind.HELPFUL}),
    Event("moderator hid your post",
          lambda c: moderation.post_hide(moderator=c.moderator, post=c.answer, reason="Off topic."),
          {"answerer": Kind.POST_HIDDEN}),
    Event("moderator deleted your post",
          lambda c: moderation.post_moderator_delete(moderator=c.moderator, post=c.answer, reason="Spam."),
          {"answerer": Kind.POST_DELETED}),
    Event("moderator edited your post",
          lambda c: moderation.post_moderator_edit(moderator=c.moderator, post=c.answer,
                                                   raw="Large trials found no effect.", reason="Typo."),
          {"answerer": Kind.POST_EDITED}),
    Event("expert credential approved", request_and_decide(True), {"answerer": Kind.CREDENTIAL}),
    Event("expert credential declined", request_and_decide(False), {"answerer": Kind.CREDENTIAL}),
]


@pytest.mark.parametrize("event", MATRIX, ids=repr)
def test_each_event_tells_exactly_these_people_once_each(cast, event):
    event.act(cast)

    assert told(cast) == event.expected


class TestDetails:
    def test_the_post_notification_names_the_writer_the_post_and_the_topic(self, cast):
        post = reply_create(author=cast.writer, topic=cast.topic, raw="@bystander see this.")

        note = Notification.objects.get(recipient=cast.bystander)
        assert (note.kind, note.actor, note.post, note.topic, note.read_at) == (
            Kind.MENTIONED, cast.writer, post, cast.topic, None)

    def test_three_votes_are_one_notification_counting_three_people(self, cast):
        three_helpful_votes(cast)

        note = Notification.objects.get(recipient=cast.answerer)
        assert (note.kind, note.count, note.actor) == (Kind.HELPFUL, 3, cast.writer)

    def test_voting_unvoting_and_voting_again_is_still_one_person(self, cast):
        vote_toggle(user=cast.asker, post=cast.answer)
        vote_toggle(user=cast.asker, post=cast.answer)
        vote_toggle(user=cast.asker, post=cast.answer)
        vote_toggle(user=cast.watcher, post=cast.answer)

        note = Notification.objects.get(recipient=cast.answerer)
        assert note.count == 2

    def test_a_vote_after_the_batch_was_read_starts_a_new_one(self, cast):
        vote_toggle(user=cast.asker, post=cast.answer)
        Notification.objects.update(read_at="2026-01-01T00:00:00Z")
        vote_toggle(user=cast.watcher, post=cast.answer)

        assert [n.count for n in Notification.objects.order_by("pk")] == [1, 1]

    def test_a_moderator_acting_on_their_own_post_is_not_told(self, cast):
        own = make_reply(topic=cast.topic, author=cast.moderator, raw="Please keep it civil.")
        Notification.objects.all().delete()

        moderation.post_hide(moderator=cast.moderator, post=own, reason="Testing.")
        moderation.post_moderator_edit(moderator=cast.moderator, post=own, raw="Please stay civil.", reason="Tone.")

        assert not Notification.objects.filter(recipient=cast.moderator).exists()

    def test_the_moderators_reason_travels_with_the_notification(self, cast):
        moderation.post_hide(moderator=cast.moderator, post=cast.answer, reason="Medical advice without a source.")

        assert Notification.objects.get().message == "Medical advice without a source."

    def test_the_credential_outcome_says_what_was_decided(self, cast):
        request_and_decide(False)(cast)

        assert "declined" in Notification.objects.get().message
        assert CredentialRequest.objects.get().state == CredentialRequest.State.DECLINED


class TestWatching:
    def test_a_category_watcher_who_has_read_the_topic_still_hears_of_replies(self, cast):
        # Reading leaves a position marker behind; it must not count as choosing a level.
        topic_mark_read(user=cast.category_watcher, topic=cast.topic, post_number=4)

        reply_by_writer("Another reply.")(cast)

        assert told(cast)["category_watcher"] == Kind.POSTED

    def test_a_category_watcher_who_muted_the_topic_hears_nothing(self, cast):
        reply_by_writer("Another reply.")(cast)

        assert "muter" not in told(cast)

    def test_tracking_a_category_means_no_posted_notifications(self, cast):
        category_level_set(user=cast.category_watcher, category=cast.topic.category, level=WatchLevel.TRACKING)

        new_topic_in_the_category(cast)
        reply_by_writer("Another reply.")(cast)

        assert not Notification.objects.filter(recipient=cast.category_watcher).exists()

    def test_muting_a_category_silences_new_topics(self, cast):
        category_level_set(user=cast.category_watcher, category=cast.topic.category, level=WatchLevel.MUTED)

        new_topic_in_the_category(cast)

        assert not Notification.objects.filter(recipient=cast.category_watcher).exists()


class TestEdits:
    def test_an_edit_that_changes_nothing_about_people_tells_nobody(self, cast):
        post = reply_by_writer("@bystander what about zinc?", reply_to="answer")(cast)
        before = told(cast)

        post_edit(editor=cast.writer, post=post, raw="@bystander what about zinc lozenges?")

        assert told(cast) == before

    def test_re_saving_a_mention_does_not_repeat_it(self, cast):
        post = reply_by_writer("@bystander what about zinc?")(cast)

        post_edit(editor=cast.writer, post=post, raw="@bystander what about zinc lozenges?")

        assert Notification.objects.filter(recipient=cast.bystander).count() == 1

    def test_an_edit_adding_a_mention_tells_only_the_new_person(self, cast):
        post = reply_by_writer("What about zinc?")(cast)
        Notification.objects.all().delete()

        post_edit(editor=cast.writer, post=post, raw="What about zinc, @bystander?")

        assert told(cast) == {"bystander": Kind.MENTIONED}

    def test_an_edit_adding_a_quote_tells_only_the_quoted_person(self, cast):
        post = reply_by_writer("What about zinc?")(cast)
        Notification.objects.all().delete()

        post_edit(editor=cast.writer, post=post, raw=quote_of(cast.tracked_post, "weekly doses") + "Zinc?")

        assert told(cast) == {"tracker": Kind.QUOTED}

    def test_an_edit_mentioning_someone_who_already_heard_of_the_post_tells_them_nothing_more(self, cast):
        post = reply_by_writer("Which trials?", reply_to="answer")(cast)
        assert told(cast)["answerer"] == Kind.REPLIED

        post_edit(editor=cast.writer, post=post, raw="Which trials, @answerer?")

        assert Notification.objects.filter(recipient=cast.answerer).count() == 1


class TestMentionCaps:
    def names(self, count: int) -> list:
        return [UserFactory(username=f"reader{n}") for n in range(count)]

    def test_a_new_member_can_ping_only_a_few_people(self, cast, settings):
        settings.FORUM_NEW_USER_MAX_MENTIONS = 2
        readers = self.names(4)

        reply_by_writer(" ".join(f"@{r.username}" for r in readers))(cast)

        mentioned = Notification.objects.filter(kind=Kind.MENTIONED).values_list("recipient__username", flat=True)
        assert sorted(mentioned) == ["reader0", "reader1"]  # in the order written

    def test_an_established_member_gets_the_larger_cap(self, cast, settings):
        settings.FORUM_NEW_USER_MAX_MENTIONS = 1
        settings.FORUM_MAX_MENTIONS = 3
        expert = UserFactory(username="expert", role="expert")
        readers = self.names(4)

        reply_create(author=expert, topic=cast.topic, raw=" ".join(f"@{r.username}" for r in readers))

        assert Notification.objects.filter(kind=Kind.MENTIONED).count() == 3

    def test_the_same_name_twice_is_one_mention(self, cast):
        reply_by_writer("@bystander, yes you, @Bystander.")(cast)

        assert Notification.objects.filter(recipient=cast.bystander).count() == 1


class TestInactiveMembers:
    def test_an_inactive_member_is_not_mentioned(self, cast):
        cast.bystander.is_active = False
        cast.bystander.save()

        post = reply_by_writer("@bystander any thoughts?")(cast)

        assert not Notification.objects.filter(recipient=cast.bystander).exists()
        assert 'class="mention"' not in post.cooked

    def test_an_inactive_watcher_is_not_told_of_replies(self, cast):
        cast.watcher.is_active = False
        cast.watcher.save()

        reply_by_writer("Another reply.")(cast)

        assert "watcher" not in told(cast)

    def test_an_inactive_author_is_not_told_of_moderation(self, cast):
        cast.answerer.is_active = False
        cast.answerer.save()

        moderation.post_hide(moderator=cast.moderator, post=cast.answer, reason="Spam.")

        assert not Notification.objects.filter(recipient=cast.answerer).exists()


def test_an_edit_quoting_a_watcher_tells_them_although_they_heard_the_post_was_written(cast):
    post = reply_by_writer("What about zinc?")(cast)
    assert told(cast)["watcher"] == Kind.POSTED
    watchers_post = make_reply(topic=cast.topic, author=cast.watcher, raw="Zinc lozenges shortened colds.")

    post_edit(editor=cast.writer, post=post, raw=quote_of(watchers_post, "Zinc lozenges") + "What about zinc?")

    assert Notification.objects.get(recipient=cast.watcher, kind=Kind.QUOTED).post == post


def test_a_reply_asks_everyone_s_preferences_at_once_and_honours_each(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from forum.following.notifying import preference_set

    topic = make_topic(title="Sleep and memory", raw="Does sleep consolidate memory?")

    def reply_with_watchers(count: int) -> int:
        for n in range(count):
            topic_level_set(user=UserFactory(), topic=topic, level=WatchLevel.WATCHING)
        with CaptureQueriesContext(connection) as captured:
            reply_create(topic=topic, author=UserFactory(), raw="Slow-wave sleep in particular.")
        return len(captured)

    few, many = reply_with_watchers(2), reply_with_watchers(12)
    # Each watcher costs no query of their own: asking their preferences was one query per watcher.
    assert many == few

    quiet = UserFactory(username="quiet")
    topic_level_set(user=quiet, topic=topic, level=WatchLevel.WATCHING)
    preference_set(user=quiet, kind=Kind.POSTED, web=False, email=False)
    mailed = UserFactory(username="mailed")
    topic_level_set(user=mailed, topic=topic, level=WatchLevel.WATCHING)
    preference_set(user=mailed, kind=Kind.POSTED, web=False, email=True)
    post = reply_create(topic=topic, author=UserFactory(), raw="And REM sleep for emotional memory.")
    told = {n.recipient.username: n for n in Notification.objects.filter(post=post)}
    assert "quiet" not in told
    assert told["mailed"].read_at is not None  # e-mail only: kept for the mail, not in the inbox
    assert len(told) == 14 + 1 + 2 + 1  # every watcher, the asker, the two earlier repliers and "mailed"
