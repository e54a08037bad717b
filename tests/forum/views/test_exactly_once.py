"""Never lose or double a word: each composer's one-time token lets only its first submit write;
refusals come back where the writer was, with their text; confirmations sit beside the post."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forum.models import Draft, Flag, Post, PostRevision, Topic, Vote
from tests.factories import CategoryFactory, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

BODY = "Vitamin D did not prevent colds in the largest trial."


@pytest.fixture
def topic(other_member):
    return make_topic(author=other_member, title="Does vitamin D prevent colds?")


def token_of(response) -> str:
    return parse(response.content).find("input", name="submit_token").get("value")


def within(element, tag=None, **attrs) -> list:
    return [e for e in element.descendants() if (tag is None or e.tag == tag)
            and all(e.attrs.get(name) == value for name, value in attrs.items())]


def selected_options(page) -> list:
    return [option for option in page.find_all("option") if "selected" in option.attrs]


def follow_to_page(client, response):
    while response.status_code == 302:
        response = client.get(response["Location"])
    return response


def notices_after(page, post_number: int) -> list[str]:
    return [p.text.strip() for p in page.find_all(**{"data-post-notice": str(post_number)})]


class TestReplyOnce:
    def test_sending_the_same_reply_form_twice_posts_once_and_answers_with_that_post(self, member_client, topic):
        token = token_of(member_client.get(topic.get_absolute_url()))
        form = {"raw": BODY, "submit_token": token}

        first = member_client.post(reverse("forum:reply", args=[topic.pk]), form)
        again = member_client.post(reverse("forum:reply", args=[topic.pk]), form)

        assert Post.objects.filter(topic=topic).count() == 2
        assert first["Location"] == again["Location"] == topic.post_page_url(2)
        page = parse(follow_to_page(member_client, again).content)
        assert notices_after(page, 2)[-1].startswith("This reply was already posted: here it is.")

    def test_each_rendering_of_the_composer_has_its_own_token(self, member_client, topic):
        assert token_of(member_client.get(topic.get_absolute_url())) != token_of(
            member_client.get(topic.get_absolute_url()))

    def test_after_posting_the_new_post_is_confirmed_beside_it_and_the_composer_is_empty(self, member_client, topic):
        token = token_of(member_client.get(topic.get_absolute_url()))
        member_client.post(reverse("forum:draft", args=[f"topic-{topic.pk}"]), {"raw": BODY})

        response = member_client.post(reverse("forum:reply", args=[topic.pk]), {"raw": BODY, "submit_token": token})

        page = parse(follow_to_page(member_client, response).content)
        assert notices_after(page, 2)[0].startswith("Your reply is posted.")
        assert page.find("textarea", name="raw").text.strip() == ""
        assert not Draft.objects.exists()
        # Placed beside the post, not in the list at the top of the page.
        assert all("Your reply is posted." not in element.text for element in page.find_all(class_="messages"))


class TestNewTopicOnce:
    def test_sending_the_same_new_topic_form_twice_creates_one_topic(self, member_client):
        category = CategoryFactory()
        token = token_of(member_client.get(reverse("forum:new_topic")))
        form = {"title": "Is creatine safe for teenagers?", "category": category.pk, "tags": "creatine",
                "raw": BODY, "submit_token": token}

        first = member_client.post(reverse("forum:new_topic"), form)
        again = member_client.post(reverse("forum:new_topic"), form)

        topic = Topic.objects.get()
        assert first.status_code == again.status_code == 302
        assert again["Location"] == topic.post_page_url(1)

    def test_a_refused_topic_keeps_every_field(self, member_client, settings):
        category = CategoryFactory()
        settings.FORUM_POSTS_PER_MINUTE_PER_USER = 0
        form = {"title": "Is creatine safe for teenagers?", "category": category.pk, "tags": "creatine, youth",
                "raw": BODY, "submit_token": "t1"}

        response = member_client.post(reverse("forum:new_topic"), form)

        page = parse(response.content)
        assert response.status_code == 429
        assert page.find("input", name="title").get("value") == form["title"]
        assert [option.get("value") for option in selected_options(page)] == [str(category.pk)]
        assert page.find("input", name="tags").get("value") == "creatine, youth"
        assert page.find("textarea", name="raw").text.strip() == BODY
        assert "Everything you wrote is still in the form below." in " ".join(a.text for a in page.find_all(role="alert"))


class TestRefusedReplyInPlace:
    def test_an_empty_reply_comes_back_on_the_topic_page_at_its_composer(self, member_client, topic):
        response = member_client.post(reverse("forum:reply", args=[topic.pk]), {"raw": " ", "submit_token": "t"})

        page = parse(response.content)
        assert response.status_code == 400
        assert page.find("h1").text == "Does vitamin D prevent colds?"
        assert page.find_all(id="post-1")  # the topic's posts, not a bare form page
        assert "Write at least 2 characters." in page.find(id="composer").text

    def test_a_rate_limited_reply_keeps_its_text_and_says_why(self, member_client, topic, settings):
        settings.FORUM_POSTS_PER_MINUTE_PER_USER = 0

        response = member_client.post(reverse("forum:reply", args=[topic.pk]), {"raw": BODY, "submit_token": "t"})

        page = parse(response.content)
        assert response.status_code == 429
        assert page.find("h1").text == "Does vitamin D prevent colds?"
        assert within(page.find(id="composer"), "textarea", name="raw")[0].text.strip() == BODY
        assert "your text is kept" in page.find(id="composer-error").text
        # The refused submit spent nothing: the same form may be sent again once the limit lifts.
        assert token_of(response) == "t"

    def test_the_composer_posts_to_the_composer_anchor(self, member_client, topic):
        page = parse(member_client.get(topic.get_absolute_url()).content)

        assert page.find("form", class_="composer").get("action").endswith("/reply/#composer")


class TestSuspended:
    def test_a_suspended_member_sees_until_when_instead_of_a_composer(self, member, member_client, topic):
        member.suspended_until = timezone.now() + timedelta(days=3)
        member.save()

        page = parse(member_client.get(topic.get_absolute_url()).content)

        section = page.find(id="composer")
        assert within(section, "textarea", name="raw") == []
        assert page.find(class_="suspended-notice").text.startswith("You are suspended until ")

    def test_a_reply_sent_just_after_suspension_is_given_back_to_copy(self, member, member_client, topic):
        member.suspended_until = timezone.now() + timedelta(days=3)
        member.save()

        response = member_client.post(reverse("forum:reply", args=[topic.pk]), {"raw": BODY, "submit_token": "t"})

        page = parse(response.content)
        assert response.status_code == 403
        assert page.find("textarea", id="typed-raw").text.strip() == BODY


class TestFlagOnce:
    def flag(self, client, post, **fields):
        return client.post(reverse("forum:post_flag", args=[post.pk]), fields)

    def test_the_same_flag_form_twice_keeps_one_flag(self, member_client, topic):
        post = topic.posts.get()
        form = {"reason": "off_topic", "submit_token": "f1"}

        self.flag(member_client, post, **form)
        again = self.flag(member_client, post, **form)

        assert Flag.objects.count() == 1
        page = parse(follow_to_page(member_client, again).content)
        assert notices_after(page, 1)[-1].startswith("You flagged this post")

    def test_a_second_flag_changes_the_reason_and_says_so(self, member_client, topic):
        post = topic.posts.get()
        self.flag(member_client, post, reason="off_topic", submit_token="f1")

        second = self.flag(member_client, post, reason="needs_source", note="Which trial?", submit_token="f2")

        flag = Flag.objects.get()
        assert (flag.reason, flag.note) == ("needs_source", "Which trial?")
        page = parse(follow_to_page(member_client, second).content)
        assert "your reason is now “Needs a source”" in notices_after(page, 1)[-1]

    def test_a_flagged_post_says_so_and_offers_to_change_the_flag(self, member_client, topic):
        post = topic.posts.get()
        self.flag(member_client, post, reason="off_topic", submit_token="f1")

        page = parse(member_client.get(topic.get_absolute_url()).content)

        actions = [e for e in page.find(id="post-1").descendants() if "post__actions" in e.classes][0]
        assert "You flagged this" in actions.text
        assert within(actions, "a", **{"aria-label": "Change your flag on post 1"})

    def test_an_overlong_note_is_refused_with_its_length_and_kept(self, member_client, topic):
        note = "n" * 600

        response = self.flag(member_client, topic.posts.get(), reason="other", note=note, submit_token="f1")

        page = parse(response.content)
        assert response.status_code == 400
        assert "Notes are limited to 500 characters (this one has 600)." in page.find(role="alert").text
        assert page.find("textarea", id="note").text == note
        assert not Flag.objects.exists()


class TestVoteIsNotAToggle:
    def test_voting_helpful_twice_counts_once_and_stays_voted(self, member_client, topic):
        post = topic.posts.get()
        url = reverse("forum:post_vote", args=[post.pk])

        member_client.post(url, {"helpful": "1"})
        again = member_client.post(url, {"helpful": "1"}, HTTP_ACCEPT="application/json")

        assert again.json() == {"voted": True, "count": 1}
        assert Vote.objects.count() == 1

    def test_the_vote_form_asks_for_the_state_it_shows(self, member_client, topic):
        post = topic.posts.get()
        before = parse(member_client.get(topic.get_absolute_url()).content)
        member_client.post(reverse("forum:post_vote", args=[post.pk]), {"helpful": "1"})
        after = parse(member_client.get(topic.get_absolute_url()).content)

        assert before.find("input", name="helpful").get("value") == "1"
        assert after.find("input", name="helpful").get("value") == "0"


class TestEditOnce:
    def test_the_same_edit_form_twice_keeps_one_revision(self, member, member_client):
        topic = make_topic(author=member, title="Does vitamin D prevent colds?")
        post = make_reply(topic=topic, author=member, raw="First words.")
        url = reverse("forum:post_edit", args=[post.pk])
        form = {"raw": "Second words.", "submit_token": token_of(member_client.get(url))}

        member_client.post(url, form)
        again = member_client.post(url, dict(form, raw="Second words, sent again."))

        assert PostRevision.objects.filter(post=post).count() == 1
        assert Post.objects.get(pk=post.pk).raw == "Second words."
        assert again["Location"] == post.topic.post_page_url(post.post_number)

    def test_the_edit_page_restores_its_draft_and_offers_add_reference(self, member, member_client):
        topic = make_topic(author=member, title="Does vitamin D prevent colds?")
        post = topic.posts.get()
        member_client.post(reverse("forum:draft", args=[f"edit-{post.pk}"]),
                           {"raw": "Half-edited text", "title": "Does vitamin D prevent colds at all?",
                            "reason": "clearer title"})

        page = parse(member_client.get(reverse("forum:post_edit", args=[post.pk])).content)

        assert page.find("textarea", name="raw").text.strip() == "Half-edited text"
        assert page.find("input", name="title").get("value") == "Does vitamin D prevent colds at all?"
        assert page.find("input", name="reason").get("value") == "clearer title"
        assert [a.text for a in page.find_all("a") if "data-add-reference" in a.attrs] == ["Add reference"]
        assert "Restored your draft" in [e for e in page.elements if "data-draft-status" in e.attrs][0].text

    def test_saving_the_edit_discards_its_draft(self, member, member_client):
        topic = make_topic(author=member, title="Does vitamin D prevent colds?")
        post = topic.posts.get()
        url = reverse("forum:post_edit", args=[post.pk])
        member_client.post(reverse("forum:draft", args=[f"edit-{post.pk}"]), {"raw": "New words"})

        member_client.post(url, {"raw": "New words", "title": topic.title, "submit_token": "e1"})

        assert not Draft.objects.exists()


class TestNewTopicDraft:
    def test_the_draft_brings_back_title_category_and_tags(self, member_client):
        category = CategoryFactory(name="Sports Medicine", slug="sports-medicine")
        member_client.post(reverse("forum:draft", args=["new-topic"]), {
            "title": "Is creatine safe for teenagers?", "category": str(category.pk), "tags": "creatine, youth",
            "raw": BODY})

        page = parse(member_client.get(reverse("forum:new_topic")).content)

        assert page.find("input", name="title").get("value") == "Is creatine safe for teenagers?"
        assert [option.text for option in selected_options(page)] == ["Sports Medicine"]
        assert page.find("input", name="tags").get("value") == "creatine, youth"
        assert page.find("textarea", name="raw").text.strip() == BODY


class TestLimitsThatDoNotCut:
    @pytest.mark.parametrize("page_url", ["new_topic", "topic", "edit", "flag", "profile"])
    def test_no_field_carries_a_maxlength_that_would_cut_a_paste(self, member, member_client, page_url):
        topic = make_topic(author=member, title="Does vitamin D prevent colds?")
        other_post = make_reply(topic=topic)
        url = {
            "new_topic": reverse("forum:new_topic"),
            "topic": topic.get_absolute_url(),
            "edit": reverse("forum:post_edit", args=[topic.posts.get(post_number=1).pk]),
            "flag": reverse("forum:post_flag", args=[other_post.pk]),
            "profile": reverse("accounts:profile_edit"),
        }[page_url]

        page = parse(member_client.get(url).content)

        typed_fields = {"raw", "title", "bio", "note", "reason", "tags", "display_name"}
        cutting = [e.get("name") for e in page.elements if "maxlength" in e.attrs and e.get("name") in typed_fields]
        assert cutting == []
        assert {e.get("name") for e in page.elements if "data-limit" in e.attrs} & typed_fields


class TestModerationConfirmedInPlace:
    def test_a_moderators_action_is_confirmed_beside_the_post(self, client, moderator, topic):
        reply = make_reply(topic=topic, raw="Needs a citation, this one.")
        client.force_login(moderator)

        response = client.post(reverse("forum:post_moderate", args=[reply.pk]), {"action": "needs_source"})

        page = parse(follow_to_page(client, response).content)
        assert notices_after(page, reply.post_number)[0].startswith("Done: mark as needing a source (logged).")
