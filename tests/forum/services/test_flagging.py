"""Flags from members, spam consensus, and the moderators' review queue."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from forum.discussion.editing import post_edit
from forum.models import Flag, FlagReason, FlagState, ModerationAction, Notification, NotificationKind, Post, Topic
from forum.moderation import actions as moderation
from forum.moderation.flagging import flag_create, flags_resolve
from tests.factories import UserFactory, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


def trusted(**kwargs):
    # Past both new-member thresholds: joined long ago, with the posts FORUM_NEW_USER_MIN_POSTS asks.
    return UserFactory(date_joined=timezone.now() - timedelta(days=30), **kwargs)


@pytest.fixture(autouse=True)
def _small_thresholds(settings):
    settings.FORUM_NEW_USER_MIN_POSTS = 0
    settings.FORUM_SPAM_FLAGS_TO_HIDE = 3


@pytest.fixture
def topic(member):
    return make_topic(author=member, title="Is red light therapy evidence-based?", raw="The question.")


@pytest.fixture
def post(topic, other_member):
    return make_reply(topic=topic, author=other_member, raw="Buy my red light panel at a discount!")


class TestFlagging:
    @pytest.mark.parametrize("reason", [r for r in FlagReason.values if r != FlagReason.OTHER])
    def test_each_listed_reason_is_accepted(self, member, post, reason):
        flag = flag_create(flagger=member, post=post, reason=reason)
        assert (flag.reason, flag.state) == (reason, FlagState.OPEN)

    def test_something_else_needs_a_note(self, member, post):
        with pytest.raises(PermissionDenied, match="short note"):
            flag_create(flagger=member, post=post, reason=FlagReason.OTHER, note="  ")
        assert flag_create(flagger=member, post=post, reason=FlagReason.OTHER, note="Copied from a blog").note == (
            "Copied from a blog")

    def test_an_unknown_reason_is_refused(self, member, post):
        with pytest.raises(PermissionDenied):
            flag_create(flagger=member, post=post, reason="boring")

    def test_nobody_flags_their_own_post(self, other_member, post):
        with pytest.raises(PermissionDenied, match="own post"):
            flag_create(flagger=other_member, post=post, reason="spam")

    def test_flagging_again_keeps_one_open_flag(self, member, post):
        first = flag_create(flagger=member, post=post, reason="spam")
        again = flag_create(flagger=member, post=post, reason="off_topic")
        assert again.pk == first.pk and Flag.objects.count() == 1

    def test_the_flag_form_explains_a_missing_note_and_keeps_the_choice(self, member_client, post):
        response = member_client.post(reverse("forum:post_flag", args=[post.pk]), {"reason": "other", "note": ""})
        assert response.status_code == 400
        assert "short note" in response.content.decode()
        assert not Flag.objects.exists()


class TestSpamConsensus:
    def test_enough_distinct_trusted_flaggers_hide_the_post(self, post, topic, client):
        for _ in range(3):
            flag_create(flagger=trusted(), post=post, reason="spam")

        post.refresh_from_db()
        assert post.is_hidden
        assert Notification.objects.filter(recipient=post.author, kind=NotificationKind.POST_HIDDEN).count() == 1
        assert "Buy my red light panel" not in client.get(topic.get_absolute_url()).content.decode()

    def test_fewer_flaggers_or_other_reasons_do_not(self, post):
        flag_create(flagger=trusted(), post=post, reason="spam")
        flag_create(flagger=trusted(), post=post, reason="spam")
        flag_create(flagger=trusted(), post=post, reason="off_topic")

        assert not Post.objects.get(pk=post.pk).is_hidden

    def test_new_members_flags_do_not_count(self, settings, post):
        settings.FORUM_NEW_USER_MIN_POSTS = 3
        flag_create(flagger=trusted(), post=post, reason="spam")  # no posts: still new
        for _ in range(3):
            flag_create(flagger=UserFactory(), post=post, reason="spam")  # joined today

        assert not Post.objects.get(pk=post.pk).is_hidden

    def test_a_hidden_expert_reply_stops_counting_as_an_expert_answer(self, topic):
        expert = UserFactory(role="expert")
        reply = make_reply(topic=topic, author=expert, raw="Spammy expert")
        assert Topic.objects.get(pk=topic.pk).expert_answered

        for _ in range(3):
            flag_create(flagger=trusted(), post=reply, reason="spam")

        assert not Topic.objects.get(pk=topic.pk).expert_answered


class TestReviewQueue:
    def test_only_moderators_see_it(self, member_client):
        assert member_client.get(reverse("forum:review_queue")).status_code == 403

    def test_it_groups_flags_by_post(self, client, moderator, topic, post):
        other = make_reply(topic=topic, raw="Another dubious post")
        flag_create(flagger=trusted(username="ann"), post=post, reason="spam")
        flag_create(flagger=trusted(username="bob"), post=post, reason="other", note="Advert for a product")
        flag_create(flagger=trusted(username="cyd"), post=other, reason="needs_source")
        client.force_login(moderator)

        page = parse(client.get(reverse("forum:review_queue")).content)

        items = page.find_all("li", class_="review-item")
        assert len(items) == 2
        post_item = next(item.text for item in items if f"#{post.post_number} in" in item.text)
        assert "Spam" in post_item and "Advert for a product" in post_item
        assert "Needs a source" not in post_item


@pytest.fixture
def flagged(post):
    flaggers = [trusted(), trusted()]
    for flagger, reason in zip(flaggers, ["spam", "inappropriate"]):
        flag_create(flagger=flagger, post=post, reason=reason)
    return flaggers


OUTCOMES = [
    ("agree", FlagState.AGREED, lambda p: p.is_hidden),
    ("disagree", FlagState.DISAGREED, lambda p: not p.is_hidden and not p.is_deleted),
    ("delete", FlagState.DELETED, lambda p: p.is_deleted),
    ("ask_source", FlagState.SOURCE_REQUESTED, lambda p: p.needs_source),
]


@pytest.mark.parametrize("outcome, state, took_effect", OUTCOMES, ids=[o[0] for o in OUTCOMES])
def test_each_outcome_settles_every_open_flag_logs_once_and_tells_every_flagger(
        moderator, post, flagged, outcome, state, took_effect):
    settled = flags_resolve(moderator=moderator, post=post, outcome=outcome, reason="Reviewed")

    assert settled == 2
    assert set(Flag.objects.values_list("state", "resolved_by")) == {(state, moderator.pk)}
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.post, entry.target_user, entry.details["flags"]) == (
        f"flags_{outcome}", post, post.author, 2)
    told = Notification.objects.filter(kind=NotificationKind.FLAG_OUTCOME)
    assert sorted(told.values_list("recipient", flat=True)) == sorted(f.pk for f in flagged)
    assert set(told.values_list("message", flat=True)) == {f"{state.label}. Reason: Reviewed"}
    post.refresh_from_db()
    assert took_effect(post)


def test_the_review_form_settles_flags_through_the_page(client, moderator, post, flagged):
    client.force_login(moderator)
    response = client.post(reverse("forum:review_post", args=[post.pk]), {"outcome": "agree", "reason": "Advert"})

    assert response.status_code == 302 and response["Location"] == reverse("forum:review_queue")
    post.refresh_from_db()
    assert post.is_hidden and post.hidden_reason == "Advert"
    assert not Flag.objects.open().exists()


def test_disagreeing_restores_a_post_hidden_by_spam_consensus(moderator, post):
    for _ in range(3):
        flag_create(flagger=trusted(), post=post, reason="spam")
    assert Post.objects.get(pk=post.pk).is_hidden

    flags_resolve(moderator=moderator, post=Post.objects.get(pk=post.pk), outcome="disagree")

    assert not Post.objects.get(pk=post.pk).is_hidden
    assert Notification.objects.filter(recipient=post.author, kind=NotificationKind.POST_UNHIDDEN).exists()


def test_disagreeing_does_not_undo_a_moderators_own_hide(moderator, post):
    from forum.moderation.actions import post_hide

    post_hide(moderator=moderator, post=post, reason="Advert")
    flag_create(flagger=trusted(), post=post, reason="spam")

    flags_resolve(moderator=moderator, post=Post.objects.get(pk=post.pk), outcome="disagree")

    assert Post.objects.get(pk=post.pk).is_hidden


def test_agreeing_with_a_spam_consensus_makes_the_hide_the_moderators(moderator, post):
    for _ in range(3):
        flag_create(flagger=trusted(), post=post, reason="spam")
    flags_resolve(moderator=moderator, post=Post.objects.get(pk=post.pk), outcome="agree", reason="Advert")
    flag_create(flagger=trusted(), post=post, reason="off_topic")

    flags_resolve(moderator=moderator, post=Post.objects.get(pk=post.pk), outcome="disagree")

    post.refresh_from_db()
    assert post.is_hidden and post.hidden_reason == "Advert"


def test_members_cannot_review(member, post, flagged):
    with pytest.raises(PermissionDenied):
        flags_resolve(moderator=member, post=post, outcome="agree")
    assert Flag.objects.open().count() == 2


def test_an_unknown_outcome_is_refused(moderator, post, flagged):
    with pytest.raises(PermissionDenied):
        flags_resolve(moderator=moderator, post=post, outcome="shrug")


class TestNeedsASource:
    @pytest.fixture
    def marked(self, moderator, post, flagged):
        flags_resolve(moderator=moderator, post=post, outcome="ask_source", reason="Which trial?")
        post.refresh_from_db()
        return post

    def test_readers_see_the_mark_and_the_author_is_told(self, client, topic, marked):
        page = parse(client.get(topic.get_absolute_url()).content)
        assert "Needs a source." in page.find("article", id=f"post-{marked.post_number}").text
        note = Notification.objects.get(recipient=marked.author, kind=NotificationKind.NEEDS_SOURCE)
        assert note.message == "Which trial?"

    def test_editing_without_a_citation_keeps_the_mark(self, marked):
        post_edit(editor=marked.author, post=marked, raw="Still no evidence, honestly.")
        assert Post.objects.get(pk=marked.pk).needs_source

    def test_editing_in_a_citation_clears_it(self, client, topic, marked):
        post_edit(editor=marked.author, post=marked, raw="A trial found benefit [@doi:10.5555/x].")

        assert not Post.objects.get(pk=marked.pk).needs_source
        assert "Needs a source." not in client.get(topic.get_absolute_url()).content.decode()


ACTIONS_ON_THE_POST = [
    ("hide", FlagState.AGREED, lambda mod, p: moderation.post_hide(moderator=mod, post=p, reason="Advert")),
    ("delete", FlagState.DELETED, lambda mod, p: moderation.post_moderator_delete(moderator=mod, post=p)),
    ("needs source", FlagState.SOURCE_REQUESTED, lambda mod, p: moderation.post_mark_needs_source(moderator=mod, post=p)),
    ("edit", FlagState.EDITED, lambda mod, p: moderation.post_moderator_edit(moderator=mod, post=p, raw="A fair point.",
                                                                            reason="Link removed")),
]


@pytest.mark.parametrize("how, state, act", ACTIONS_ON_THE_POST, ids=[a[0] for a in ACTIONS_ON_THE_POST])
def test_acting_on_a_flagged_post_outside_the_queue_settles_its_flags(moderator, post, flagged, how, state, act):
    act(moderator, post)

    assert set(Flag.objects.values_list("state", "resolved_by")) == {(state, moderator.pk)}
    entry = ModerationAction.objects.exclude(action__startswith="flags_").get()
    assert entry.details["flags_settled"] == 2
    told = Notification.objects.filter(kind=NotificationKind.FLAG_OUTCOME)
    assert sorted(told.values_list("recipient", flat=True)) == sorted(f.pk for f in flagged)
    # The flagger reads what was done and, where the moderator gave one, why.
    assert set(told.values_list("message", flat=True)) == {
        state.label + (f". Reason: {entry.reason}" if entry.reason else "")}


def test_the_moderate_page_shows_the_post_and_its_flags(client, moderator, post, flagged):
    client.force_login(moderator)
    page = parse(client.get(reverse("forum:post_moderate", args=[post.pk])).content)

    assert "Buy my red light panel at a discount!" in page.find("div", class_="mod-post__body").text
    flags = [" ".join(li.text.split()) for li in page.find("ul", class_="review-item__flags").children]
    assert len(flags) == 2 and all("Open" in f for f in flags)
    assert any(f.startswith("Spam by") for f in flags) and any(f.startswith("Inappropriate by") for f in flags)


def test_moderators_see_how_many_posts_wait_for_review_in_the_header(client, moderator, member, post, flagged):
    client.force_login(moderator)
    review = [a for a in parse(client.get(reverse("forum:latest")).content).find_all("a", class_="site-nav__review")]
    assert [" ".join(a.text.split()) for a in review] == ["Review 1 waiting"]

    flags_resolve(moderator=moderator, post=post, outcome="disagree")
    review = parse(client.get(reverse("forum:latest")).content).find("a", class_="site-nav__review")
    assert review.text.strip() == "Review"

    client.force_login(member)
    assert not parse(client.get(reverse("forum:latest")).content).find_all("a", class_="site-nav__review")


def test_the_cited_study_does_not_say_this_is_a_reason_that_reaches_the_review_queue(client, member, moderator, topic):
    citing = make_reply(topic=topic, author=trusted(username="cites"),
                        raw="LDN cures it [@doi:10.1097/PR9.0000000000001080 supports].")
    client.force_login(member)
    form = parse(client.get(reverse("forum:post_flag", args=[citing.pk])).content)
    label = next(label for label in form.find_all("label") if label.text == "The cited study does not say this")

    response = client.post(reverse("forum:post_flag", args=[citing.pk]),
                           {"reason": form.find("input", id=label.get("for")).get("value"),
                            "note": "Bested 2023 found no clinically relevant effect."})

    assert response.status_code == 302
    client.force_login(moderator)
    page = parse(client.get(reverse("forum:review_queue")).content)
    [item] = page.find_all("li", class_="review-item")
    assert "The cited study does not say this" in item.text
    assert "Bested 2023 found no clinically relevant effect." in item.text
