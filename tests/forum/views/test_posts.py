import pytest
from django.urls import reverse

from forum.discussion.deleting import post_delete
from forum.discussion.editing import post_edit
from forum.models import Post, PostRevision, Topic
from tests.factories import make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(member):
    return make_topic(author=member, title="Does LDN help fibromyalgia pain?", raw="My question")


@pytest.fixture
def own_reply(topic, member):
    return make_reply(topic=topic, author=member, raw="First line\nSecond line")


def edit_url(post):
    return reverse("forum:post_edit", args=[post.pk])


def delete_url(post):
    return reverse("forum:post_delete", args=[post.pk])


class TestEdit:
    def test_the_form_starts_from_the_current_text(self, member_client, own_reply):
        page = parse(member_client.get(edit_url(own_reply)).content)

        assert page.find("textarea", name="raw").text == "First line\nSecond line"
        assert page.find_all("input", name="title") == []  # only the question has a title

    def test_saving_an_edit_updates_the_post_and_returns_to_it(self, member_client, own_reply):
        response = member_client.post(edit_url(own_reply), {"raw": "First line\nBetter second line",
                                                            "reason": "Clarified"})

        assert response.status_code == 302
        assert response["Location"] == own_reply.topic.post_page_url(2)
        own_reply.refresh_from_db()
        assert own_reply.raw == "First line\nBetter second line"
        assert own_reply.revisions.get().reason == "Clarified"

    def test_editing_the_question_can_retitle_the_topic(self, member_client, topic):
        first = topic.posts.get(post_number=1)

        form = parse(member_client.get(edit_url(first)).content)
        member_client.post(edit_url(first), {"title": "Does low-dose naltrexone help?", "raw": "My question"})

        assert form.find("input", name="title").get("value") == "Does LDN help fibromyalgia pain?"
        assert Topic.objects.get(pk=topic.pk).title == "Does low-dose naltrexone help?"

    def test_an_empty_edit_is_refused_with_a_reason_and_changes_nothing(self, member_client, own_reply):
        response = member_client.post(edit_url(own_reply), {"raw": " ", "reason": "oops"})

        assert response.status_code == 400
        assert "Write at least 2 characters." in parse(response.content).find(role="alert").text
        assert parse(response.content).find("input", name="reason").get("value") == "oops"
        assert Post.objects.get(pk=own_reply.pk).raw == "First line\nSecond line"

    def test_a_moderator_is_reminded_they_are_editing_someone_elses_post(self, client, moderator, own_reply):
        client.force_login(moderator)

        page = parse(client.get(edit_url(own_reply)).content)

        assert "You are editing Maria Lopez’s post as a moderator." in page.find("p", class_="notice").text


class TestDelete:
    def test_get_asks_for_confirmation_and_changes_nothing(self, member_client, own_reply):
        response = member_client.get(delete_url(own_reply))

        assert response.status_code == 200
        page = parse(response.content)
        assert page.find("h1").text == "Delete post #2?"
        confirm = [form for form in page.find_all("form") if "Delete post" in form.text]
        assert [form.get("method") for form in confirm] == ["post"]
        assert not Post.objects.get(pk=own_reply.pk).is_deleted

    def test_deleting_a_reply_returns_to_its_placeholder(self, member_client, own_reply):
        response = member_client.post(delete_url(own_reply))

        assert response["Location"] == own_reply.topic.post_page_url(2)
        assert Post.objects.get(pk=own_reply.pk).is_deleted
        page = parse(member_client.get(own_reply.topic.get_absolute_url()).content)
        assert "This post was deleted by its author." in page.find("article", id="post-2").text

    def test_deleting_the_question_deletes_the_topic_and_returns_to_its_category(self, member_client, topic):
        page = parse(member_client.get(delete_url(topic.posts.get(post_number=1))).content)
        response = member_client.post(delete_url(topic.posts.get(post_number=1)))

        assert "Deleting it deletes the whole topic." in page.text
        assert response["Location"] == topic.category.get_absolute_url()
        assert member_client.get(topic.get_absolute_url()).status_code == 404
        listed = parse(member_client.get(reverse("forum:latest")).content).find_all("a", class_="topic-row__title")
        assert listed == []

    def test_a_deleted_post_cannot_be_deleted_or_edited_again(self, member_client, own_reply):
        member_client.post(delete_url(own_reply))

        assert member_client.post(delete_url(own_reply)).status_code == 403
        assert member_client.post(edit_url(own_reply), {"raw": "resurrected"}).status_code == 403
        assert Post.objects.get(pk=own_reply.pk).raw == "First line\nSecond line"


class TestRevisions:
    def test_history_lists_every_version_newest_first_with_diffs(self, client, member, moderator, own_reply):
        post_edit(editor=member, post=own_reply, raw="First line\nSecond line, corrected", reason="Typo")
        post_edit(editor=moderator, post=own_reply, raw="First line\nSecond line, corrected\nThird line",
                  reason="Added context")

        response = client.get(own_reply.revisions_url())

        assert response.status_code == 200
        page = parse(response.content)
        assert [h2.text for h2 in page.find_all("h2")] == ["Version 3 (current)", "Version 2", "Version 1"]
        sections = page.find_all("section", class_="revision")
        assert "Edited by Moderator Mo" in sections[0].text and "Added context" in sections[0].text
        assert "Edited by Maria Lopez" in sections[1].text and "Typo" in sections[1].text
        assert "Written by Maria Lopez" in sections[2].text
        newest_diff = sections[0].children[-1]
        assert [(mark.tag, mark.text) for mark in newest_diff.children] == [("ins", "[added: \nThird line]")]
        assert "Changes from version 2: 2 words added, 0 removed." in sections[0].text
        middle_diff = sections[1].children[-1]
        # Only the changed word is marked, not the whole line.
        assert [(mark.tag, mark.text) for mark in middle_diff.children] == [
            ("del", "[removed: line]"), ("ins", "[added: line, corrected]")]
        assert "First line\nSecond line" == sections[2].children[-1].text

    def test_history_of_the_question_shows_old_titles(self, client, member, topic):
        first = topic.posts.get(post_number=1)
        post_edit(editor=member, post=first, raw="My question, refined", title="A retitled question")

        page = parse(client.get(first.revisions_url()).content)

        assert "Title: A retitled question" in page.find_all("section")[0].text
        assert "Title: Does LDN help fibromyalgia pain?" in page.find_all("section")[1].text

    def test_history_of_a_deleted_post_is_for_moderators_only(self, client, member, moderator, own_reply):
        post_edit(editor=member, post=own_reply, raw="Something else")
        post_delete(actor=member, post=own_reply)

        assert client.get(own_reply.revisions_url()).status_code == 403
        client.force_login(moderator)
        assert "Something else" in parse(client.get(own_reply.revisions_url()).content).text

    def test_revision_text_is_escaped(self, client, member, own_reply):
        post_edit(editor=member, post=own_reply, raw="<script>alert(1)</script>")

        page = parse(client.get(own_reply.revisions_url()).content)

        assert not any(script.text for script in page.find_all("script"))
        assert "[added: <script>alert(1)</script>]" in page.text
        assert PostRevision.objects.count() == 1
