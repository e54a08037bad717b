"""Checked quotes: each quote is compared with its source when saved and again whenever the source
changes, and the quoted author hears about it once."""

import pytest

from forum.discussion.deleting import post_delete
from forum.discussion.editing import post_edit
from forum.discussion.quote_rechecks import quoting_posts_recheck
from forum.discussion.quoting import full_quote, plain_text
from forum.discussion.rendering import post_recook
from forum.models import Notification, NotificationKind, Post, Quote, QuoteStatus
from tests.factories import UserFactory, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

QUESTION = ("There are no randomised controlled trials with long-term follow-ups. "
            "Is *low-dose naltrexone* safe?")


def quote_of(post: Post, text: str, *, username: str | None = None, topic: bool = True) -> str:
    where = f", topic:{post.topic_id}" if topic else ""
    return f'[quote="{username or post.author.username}, post:{post.post_number}{where}"]\n{text}\n[/quote]\n\n'


def rendered_quotes(post: Post):
    post.refresh_from_db()
    return parse(post.cooked).find_all("aside", class_="quote")


def status_of(post: Post) -> str:
    """The one quote's status, as stored and as shown; the two must agree."""
    (aside,) = rendered_quotes(post)
    (row,) = Quote.objects.filter(quoting_post=post)
    assert aside.get("data-status") == row.status
    return row.status


def title_of(post: Post):
    post.refresh_from_db()
    return parse(post.cooked).find("div", class_="quote__title")


def quoted_notifications(user):
    return Notification.objects.filter(recipient=user, kind=NotificationKind.QUOTED)


@pytest.fixture
def topic(member):
    return make_topic(author=member, title="Low-dose naltrexone for fibromyalgia", raw=QUESTION)


@pytest.fixture
def question(topic):
    return topic.posts.get(post_number=1)


class TestPlainText:
    @pytest.mark.parametrize("a, b", [
        ("Small   trials,\n\nfew people.", "small trials, few people."),
        ("**Small** _trials_", "small trials"),
        ("[the trial](https://example.org) was small", "the trial was small"),
        ("It’s “safe” – they say", "it's \"safe\" - they say"),
        ("ＦＵＬＬ width", "full width"),
        ('[quote="maria, post:1"]\ninner\n[/quote]', "inner"),
    ])
    def test_words_are_compared_without_markup_case_or_typography(self, a, b):
        assert plain_text(a) == plain_text(b)


class TestStatus:
    @pytest.mark.parametrize("quoted", [
        "There are no randomised controlled trials with long-term follow-ups.",
        "there are NO randomised controlled trials",
        "no   randomised\ncontrolled\n\ntrials",
        "Is low-dose naltrexone safe?",
        "Is **low-dose naltrexone** safe?",
        "Is _low-dose naltrexone_ safe?",
    ])
    def test_words_found_in_the_source_are_verified(self, topic, question, other_member, quoted):
        reply = make_reply(topic=topic, author=other_member, raw=quote_of(question, quoted) + "Not yet.")

        assert status_of(reply) == QuoteStatus.VERIFIED
        title = title_of(reply)
        assert "Maria Lopez" in title.text
        assert parse(reply.cooked).find("a", class_="quote__source").get("href") == topic.post_url(1)
        assert "Matches the source" in title.text

    def test_curly_quotes_and_dashes_copied_from_a_browser_still_match(self, member, other_member):
        topic = make_topic(author=member, raw="Patients said it's \"life-changing\" -- or not.")
        reply = make_reply(topic=topic, author=other_member,
                           raw=quote_of(topic.posts.get(post_number=1), "it’s “life-changing”"))

        assert status_of(reply) == QuoteStatus.VERIFIED

    def test_a_whole_post_quote_is_verified(self, topic, question, other_member):
        reply = make_reply(topic=topic, author=other_member, raw=full_quote(question) + "Thanks.")

        assert status_of(reply) == QuoteStatus.VERIFIED
        assert Quote.objects.get(quoting_post=reply).full is True

    def test_the_topic_defaults_to_the_quoting_posts_own(self, topic, question, other_member):
        reply = make_reply(topic=topic, author=other_member, raw=quote_of(question, "Is low-dose", topic=False))

        assert status_of(reply) == QuoteStatus.VERIFIED
        assert Quote.objects.get(quoting_post=reply).quoted_post == question

    def test_the_username_is_matched_without_case(self, topic, question, other_member):
        reply = make_reply(topic=topic, author=other_member, raw=quote_of(question, "Is low-dose", username="MARIA"))

        assert status_of(reply) == QuoteStatus.VERIFIED

    def test_a_display_name_with_username_parameter_is_verified(self, topic, question, other_member):
        raw = f'[quote="Maria Lopez, post:1, topic:{topic.pk}, username:maria"]\nIs low-dose naltrexone safe?\n[/quote]'

        assert status_of(make_reply(topic=topic, author=other_member, raw=raw)) == QuoteStatus.VERIFIED

    def test_invented_words_are_unmatched(self, topic, question, other_member):
        reply = make_reply(topic=topic, author=other_member, raw=quote_of(question, "LDN cures fibromyalgia."))

        assert status_of(reply) == QuoteStatus.UNMATCHED
        assert "Not found in the source" in title_of(reply).text

    @pytest.mark.parametrize("source, quoted", [
        ("LDN is an ineffective treatment for most.", "LDN is an effective treatment"),
        ("LDN is an ineffective treatment for most.", "effective treatment"),
        ("The results were significantly worse.", "The results were significant"),
        ("Patients were unsafe at home.", "safe at home"),
    ])
    def test_words_cut_out_of_longer_words_are_unmatched(self, member, other_member, source, quoted):
        topic = make_topic(author=member, raw=source)

        reply = make_reply(topic=topic, author=other_member, raw=quote_of(topic.posts.get(post_number=1), quoted))

        assert status_of(reply) == QuoteStatus.UNMATCHED

    @pytest.mark.parametrize("quoted", ["(n = 12)", "n = 12", "\"small\" (n = 12).", "“small”"])
    def test_quotes_starting_or_ending_in_punctuation_still_match(self, member, other_member, quoted):
        topic = make_topic(author=member, raw='The trial was "small" (n = 12).')

        reply = make_reply(topic=topic, author=other_member, raw=quote_of(topic.posts.get(post_number=1), quoted))

        assert status_of(reply) == QuoteStatus.VERIFIED

    def test_real_words_credited_to_the_wrong_person_are_unmatched(self, topic, question, other_member):
        UserFactory(username="lena")
        reply = make_reply(topic=topic, author=other_member, raw=quote_of(question, "Is low-dose", username="lena"))

        assert status_of(reply) == QuoteStatus.UNMATCHED

    def test_a_post_that_does_not_exist_is_missing(self, topic, question, other_member):
        raw = f'[quote="maria, post:42, topic:{topic.pk}"]\nIs low-dose\n[/quote]'
        reply = make_reply(topic=topic, author=other_member, raw=raw)

        assert status_of(reply) == QuoteStatus.MISSING
        assert Quote.objects.get(quoting_post=reply).quoted_post is None

    def test_a_topic_that_does_not_exist_is_missing(self, topic, other_member):
        raw = '[quote="maria, post:1, topic:987654321"]\nIs low-dose\n[/quote]'

        assert status_of(make_reply(topic=topic, author=other_member, raw=raw)) == QuoteStatus.MISSING

    def test_the_largest_possible_post_number_is_missing(self, topic, other_member):
        raw = f'[quote="maria, post:2147483647, topic:{topic.pk}"]\nIs low-dose\n[/quote]'

        assert status_of(make_reply(topic=topic, author=other_member, raw=raw)) == QuoteStatus.MISSING

    @pytest.mark.parametrize("number", ["2147483648", "999999999999"])
    def test_a_post_number_no_post_can_have_is_text_not_an_error(self, topic, other_member, number):
        # Past the 32-bit post number column, PostgreSQL would refuse to record the quote.
        raw = f'[quote="maria, post:{number}, topic:{topic.pk}"]\nIs low-dose\n[/quote]'

        reply = make_reply(topic=topic, author=other_member, raw=raw)

        assert rendered_quotes(reply) == []
        assert f"post:{number}" in parse(reply.cooked).text
        assert not Quote.objects.filter(quoting_post=reply).exists()

    def test_a_quote_of_another_topic_shows_its_title(self, topic, question, other_member):
        elsewhere = make_topic(author=other_member, title="Sleep & pain")
        reply = make_reply(topic=elsewhere, author=other_member, raw=quote_of(question, "Is low-dose"))

        assert status_of(reply) == QuoteStatus.VERIFIED
        link = parse(reply.cooked).find("a", class_="quote__source")
        assert (link.text, link.get("href")) == ("Low-dose naltrexone for fibromyalgia", topic.post_url(1))

    def test_a_quote_of_the_same_topic_shows_the_post_number(self, topic, question, other_member):
        reply = make_reply(topic=topic, author=other_member, raw=quote_of(question, "Is low-dose"))

        assert parse(reply.cooked).find("a", class_="quote__source").text == "#1"

    def test_an_experts_quote_carries_their_badge(self, topic, member):
        expert = UserFactory(username="sam", display_name="Dr. Sam Rivera", role="expert")
        answer = make_reply(topic=topic, author=expert, raw="The trials are small.")

        reply = make_reply(topic=topic, author=member, raw=quote_of(answer, "The trials are small."))

        title = title_of(reply)
        assert "Dr. Sam Rivera" in title.text
        assert "Expert" in title.text


class TestMissingSources:
    """A source nobody may read reveals nothing: not its author, topic, link or whether it matched."""

    def assert_reveals_nothing(self, post, *secrets):
        title = title_of(post)
        assert title.text == "maria" + "The source was removed or is not visible"
        assert parse(post.cooked).find_all("a") == []
        for secret in secrets:
            assert secret not in post.cooked
        for status in ("Matches the source", "Not found in the source", "The source has changed since"):
            assert status not in post.cooked

    def test_a_deleted_source_post_is_missing(self, topic, other_member, member):
        source = make_reply(topic=topic, author=member, raw="A claim I retract.")
        post_delete(actor=member, post=source)

        reply = make_reply(topic=topic, author=other_member, raw=quote_of(source, "A claim I retract."))

        assert status_of(reply) == QuoteStatus.MISSING
        self.assert_reveals_nothing(reply, "Maria Lopez", topic.post_url(2))

    def test_a_post_in_a_deleted_topic_is_missing(self, member, other_member):
        hidden = make_topic(author=member, title="Withdrawn question", raw="Secret words.")
        post_delete(actor=member, post=hidden.posts.get(post_number=1))
        elsewhere = make_topic(author=other_member)

        reply = make_reply(topic=elsewhere, author=other_member, raw=quote_of(hidden.posts.get(post_number=1),
                                                                              "Secret words."))

        assert status_of(reply) == QuoteStatus.MISSING
        self.assert_reveals_nothing(reply, "Maria Lopez", "Withdrawn question", hidden.get_absolute_url())

    def test_deleting_the_source_afterwards_rechecks_the_quote(self, topic, member, other_member,
                                                                django_capture_on_commit_callbacks):
        source = make_reply(topic=topic, author=member, raw="A claim I retract.")
        reply = make_reply(topic=topic, author=other_member, raw=quote_of(source, "A claim I retract."))
        assert status_of(reply) == QuoteStatus.VERIFIED

        with django_capture_on_commit_callbacks(execute=True):
            post_delete(actor=member, post=source)

        assert status_of(reply) == QuoteStatus.MISSING
        self.assert_reveals_nothing(reply, "Maria Lopez", topic.post_url(2))

    def test_deleting_the_source_topic_rechecks_quotes_of_any_of_its_posts(self, member, other_member,
                                                                            django_capture_on_commit_callbacks):
        hidden = make_topic(author=member, title="Withdrawn question")
        source = make_reply(topic=hidden, author=other_member, raw="A reply in the withdrawn topic.")
        elsewhere = make_topic(author=member, title="Another topic")
        reply = make_reply(topic=elsewhere, author=member, raw=quote_of(source, "A reply in the withdrawn topic."))
        assert status_of(reply) == QuoteStatus.VERIFIED

        with django_capture_on_commit_callbacks(execute=True):
            post_delete(actor=member, post=hidden.posts.get(post_number=1))

        assert status_of(reply) == QuoteStatus.MISSING
        title = title_of(reply)
        assert "Withdrawn question" not in reply.cooked and "Omar Haddad" not in title.text

    def test_recheck_without_on_commit_waits_for_the_commit(self, topic, member, other_member,
                                                            django_capture_on_commit_callbacks, no_page_cache):
        source = make_reply(topic=topic, author=member, raw="A claim I retract.")
        reply = make_reply(topic=topic, author=other_member, raw=quote_of(source, "A claim I retract."))

        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            post_delete(actor=member, post=source)

        assert len(callbacks) == 1
        assert status_of(reply) == QuoteStatus.VERIFIED  # not yet: the recheck runs after commit


class TestEditedSources:
    def test_retitling_the_source_topic_updates_quotes_from_other_topics(
            self, topic, member, other_member, django_capture_on_commit_callbacks):
        answer = make_reply(topic=topic, author=other_member, raw="The trials are small.")
        elsewhere = make_topic(author=member, title="Another topic")
        reply = make_reply(topic=elsewhere, author=member, raw=quote_of(answer, "The trials are small."))
        first = topic.posts.get(post_number=1)

        with django_capture_on_commit_callbacks(execute=True):
            post_edit(editor=member, post=first, raw=first.raw, title="LDN: what the trials show")

        reply.refresh_from_db()
        assert parse(reply.cooked).find("a", class_="quote__source").text == "LDN: what the trials show"
        assert status_of(reply) == QuoteStatus.VERIFIED

    def test_editing_the_source_marks_the_quote_modified_with_a_history_link(
            self, topic, question, member, other_member, django_capture_on_commit_callbacks):
        reply = make_reply(topic=topic, author=other_member,
                           raw=quote_of(question, "There are no randomised controlled trials"))

        with django_capture_on_commit_callbacks(execute=True):
            post_edit(editor=member, post=question, raw="There is one small randomised trial. Is LDN safe?")

        assert status_of(reply) == QuoteStatus.MODIFIED
        status = parse(reply.cooked).find("a", class_="quote__status")
        assert status.text == "The source has changed since"
        assert status.get("href") == question.revisions_url()

    def test_an_edit_restoring_the_words_makes_the_quote_verified_again(
            self, topic, question, member, other_member, django_capture_on_commit_callbacks):
        reply = make_reply(topic=topic, author=other_member,
                           raw=quote_of(question, "There are no randomised controlled trials"))
        with django_capture_on_commit_callbacks(execute=True):
            post_edit(editor=member, post=question, raw="Rewritten entirely.")
        assert status_of(reply) == QuoteStatus.MODIFIED

        with django_capture_on_commit_callbacks(execute=True):
            post_edit(editor=member, post=question, raw=QUESTION)

        assert status_of(reply) == QuoteStatus.VERIFIED
        assert parse(reply.cooked).find_all("a", class_="quote__status") == []

    def test_an_edit_that_keeps_the_words_keeps_the_quote_verified(
            self, topic, question, member, other_member, django_capture_on_commit_callbacks):
        reply = make_reply(topic=topic, author=other_member, raw=quote_of(question, "Is low-dose naltrexone safe?"))

        with django_capture_on_commit_callbacks(execute=True):
            post_edit(editor=member, post=question, raw=QUESTION + "\n\nEdit: typo.")

        assert status_of(reply) == QuoteStatus.VERIFIED

    def test_words_that_only_an_old_version_had_are_modified_when_quoted_later(
            self, topic, question, member, other_member):
        post_edit(editor=member, post=question, raw="Rewritten entirely.")

        reply = make_reply(topic=topic, author=other_member,
                           raw=quote_of(question, "There are no randomised controlled trials"))

        assert status_of(reply) == QuoteStatus.MODIFIED

    def test_only_posts_quoting_the_edited_reply_are_rechecked(self, topic, question, member, other_member):
        source = make_reply(topic=topic, author=member, raw="A claim.")
        make_reply(topic=topic, author=other_member, raw=quote_of(source, "A claim."))
        make_reply(topic=topic, author=other_member, raw=quote_of(question, "Is low-dose"))

        assert quoting_posts_recheck(source_post_id=source.pk) == 1

    def test_the_first_post_stands_for_its_topic_when_rechecking(self, topic, question, member, other_member):
        source = make_reply(topic=topic, author=member, raw="A claim.")
        make_reply(topic=topic, author=other_member, raw=quote_of(source, "A claim."))
        make_reply(topic=topic, author=other_member, raw=quote_of(question, "Is low-dose"))

        assert quoting_posts_recheck(source_post_id=question.pk) == 2


class TestQuoteRows:
    def test_nested_quotes_are_not_recorded_as_this_posts_quotes(self, topic, question, member, other_member):
        answer = make_reply(topic=topic, author=other_member,
                            raw=quote_of(question, "Is low-dose naltrexone safe?") + "Probably.")
        rejoinder = make_reply(topic=topic, author=member,
                               raw=quote_of(answer, quote_of(question, "Is low-dose naltrexone safe?") + "Probably."))

        (row,) = Quote.objects.filter(quoting_post=rejoinder)
        assert row.quoted_post == answer
        assert row.status == QuoteStatus.VERIFIED
        assert len(rendered_quotes(rejoinder)) == 2  # still shown nested

    def test_each_quote_is_recorded_with_what_it_says(self, topic, question, member, other_member):
        answer = make_reply(topic=topic, author=other_member, raw="The trials are small.")
        raw = quote_of(question, "Is low-dose") + quote_of(answer, "Invented.") + "[quote]\nanonymous\n[/quote]"

        reply = make_reply(topic=topic, author=member, raw=raw)

        rows = list(Quote.objects.filter(quoting_post=reply).order_by("quoted_post_number")
                    .values_list("quoted_username", "quoted_topic_id", "quoted_post_number", "text", "status"))
        assert rows == [("maria", topic.pk, 1, "Is low-dose", QuoteStatus.VERIFIED),
                        ("omar", topic.pk, 2, "Invented.", QuoteStatus.UNMATCHED)]

    def test_editing_the_quoting_post_replaces_its_quote_rows(self, topic, question, member, other_member):
        answer = make_reply(topic=topic, author=member, raw="The trials are small.")
        reply = make_reply(topic=topic, author=other_member, raw=quote_of(question, "Is low-dose"))

        post_edit(editor=other_member, post=reply, raw=quote_of(answer, "The trials are small."))

        assert list(Quote.objects.filter(quoting_post=reply).values_list("quoted_post", flat=True)) == [answer.pk]

    def test_editing_the_quotes_away_removes_the_rows(self, topic, question, other_member):
        reply = make_reply(topic=topic, author=other_member, raw=quote_of(question, "Is low-dose"))

        post_edit(editor=other_member, post=reply, raw="Never mind.")

        assert not Quote.objects.filter(quoting_post=reply).exists()

    def test_recooking_keeps_the_quote_title_and_rows(self, topic, question, other_member):
        reply = make_reply(topic=topic, author=other_member, raw=quote_of(question, "Is low-dose"))
        before = Post.objects.get(pk=reply.pk).cooked
        Post.objects.filter(pk=reply.pk).update(cooked="<p>stale</p>")

        post_recook(post=Post.objects.select_related("topic").get(pk=reply.pk))

        assert Post.objects.get(pk=reply.pk).cooked == before
        assert Quote.objects.filter(quoting_post=reply).count() == 1


class TestNotifications:
    def test_the_quoted_author_is_notified_once(self, topic, question, member, other_member):
        reply = make_reply(topic=topic, author=other_member,
                           raw=quote_of(question, "Is low-dose") + quote_of(question, "naltrexone safe"))

        (notification,) = quoted_notifications(member)
        assert (notification.actor, notification.topic, notification.post) == (other_member, topic, reply)
        assert notification.read_at is None

    def test_quoting_yourself_notifies_nobody(self, topic, question, member):
        make_reply(topic=topic, author=member, raw=quote_of(question, "Is low-dose"))

        assert not Notification.objects.exists()

    def test_editing_the_quoting_post_does_not_notify_again(self, topic, question, member, other_member):
        reply = make_reply(topic=topic, author=other_member, raw=quote_of(question, "Is low-dose"))
        quoted_notifications(member).update(read_at="2025-01-01T00:00:00Z")

        post_edit(editor=other_member, post=reply, raw=quote_of(question, "Is low-dose naltrexone") + "Edited.")

        (notification,) = quoted_notifications(member)
        assert notification.read_at is not None  # the old one, still read; no new unread one

    def test_an_edit_adding_a_quote_of_someone_new_notifies_them(self, topic, question, member, other_member):
        lena = UserFactory(username="lena")
        answer = make_reply(topic=topic, author=lena, raw="The trials are small.")
        reply = make_reply(topic=topic, author=other_member, raw=quote_of(question, "Is low-dose"))

        post_edit(editor=other_member, post=reply,
                  raw=quote_of(question, "Is low-dose") + quote_of(answer, "The trials are small."))

        assert quoted_notifications(member).count() == 1
        assert quoted_notifications(lena).get().post == reply

    def test_a_recheck_notifies_nobody(self, topic, question, member, other_member,
                                       django_capture_on_commit_callbacks):
        make_reply(topic=topic, author=other_member, raw=quote_of(question, "Is low-dose"))
        Notification.objects.all().delete()

        with django_capture_on_commit_callbacks(execute=True):
            post_edit(editor=member, post=question, raw="Rewritten.")

        assert not Notification.objects.exists()

    def test_quoting_a_deleted_post_notifies_nobody(self, topic, member, other_member):
        source = make_reply(topic=topic, author=member, raw="A claim I retract.")
        post_delete(actor=member, post=source)

        make_reply(topic=topic, author=other_member, raw=quote_of(source, "A claim I retract."))

        assert not quoted_notifications(member).exists()

    def test_quoting_a_post_that_does_not_exist_notifies_nobody(self, topic, member, other_member):
        make_reply(topic=topic, author=other_member, raw=f'[quote="maria, post:9, topic:{topic.pk}"]\nx\n[/quote]')

        assert not Notification.objects.filter(kind=NotificationKind.QUOTED).exists()

    def test_two_quoting_posts_make_two_notifications(self, topic, question, member, other_member):
        first = make_reply(topic=topic, author=other_member, raw=quote_of(question, "Is low-dose"))
        second = make_reply(topic=topic, author=other_member, raw=quote_of(question, "naltrexone safe"))

        assert {n.post for n in quoted_notifications(member)} == {first, second}

    def test_a_nested_quote_does_not_notify_its_author(self, topic, question, member, other_member):
        lena = UserFactory(username="lena")
        answer = make_reply(topic=topic, author=other_member,
                            raw=quote_of(question, "Is low-dose naltrexone safe?") + "Probably.")
        Notification.objects.all().delete()

        make_reply(topic=topic, author=lena,
                   raw=quote_of(answer, quote_of(question, "Is low-dose naltrexone safe?") + "Probably."))

        quoted = Notification.objects.filter(kind=NotificationKind.QUOTED)
        assert list(quoted.values_list("recipient__username", flat=True)) == ["omar"]

    def test_the_first_post_of_a_new_topic_can_quote_and_notify(self, topic, question, member, other_member):
        new_topic = make_topic(author=other_member, title="Follow-up", raw=quote_of(question, "Is low-dose"))

        assert quoted_notifications(member).get().post == new_topic.posts.get(post_number=1)
