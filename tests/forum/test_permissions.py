"""Who may write what, checked both as rules and through the pages that enforce them."""

from urllib.parse import quote

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from forum.access.permissions import can_edit_post, can_see_deleted
from forum.discussion.deleting import post_delete
from forum.models import Post, Topic
from tests.factories import CategoryFactory, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(member):
    return make_topic(author=member, raw="The question")


@pytest.fixture
def question(topic):
    return topic.posts.get(post_number=1)


def test_authors_and_moderators_may_edit_a_post_and_nobody_else(member, other_member, moderator, question):
    assert can_edit_post(member, question)
    assert can_edit_post(moderator, question)
    assert not can_edit_post(other_member, question)
    assert not can_edit_post(AnonymousUser(), question)


def test_nobody_may_edit_a_deleted_post(member, moderator, question):
    post_delete(actor=member, post=question)
    question.refresh_from_db()

    assert not can_edit_post(member, question)
    assert not can_edit_post(moderator, question)


def test_only_moderators_see_deleted_content(member, moderator):
    assert can_see_deleted(moderator)
    assert not can_see_deleted(member)
    assert not can_see_deleted(AnonymousUser())


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("page", ["new_topic", "reply", "post_edit", "post_delete"])
def test_anonymous_visitors_are_sent_to_log_in_and_nothing_changes(client, question, page, method):
    args = {"new_topic": [], "reply": [question.topic_id]}.get(page, [question.pk])
    url = reverse(f"forum:{page}", args=args)

    data = {"raw": "Drive-by text", "title": "Drive-by title"} if method == "post" else {}

    response = getattr(client, method)(url, data)

    if method == "post" and page != "post_delete":
        # A composer POST keeps the typed text and asks to sign in again (tests/faults).
        assert response.status_code == 403 and b"Drive-by text" in response.content
        assert f"next={quote(url, safe='')}".encode() in response.content
    else:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={url}"
    stored = Post.objects.get()
    assert (stored.raw, stored.is_deleted, Topic.objects.count()) == ("The question", False, 1)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("page, message", [
    ("post_edit", "You can only edit your own posts."),
    ("post_delete", "You can only delete your own posts."),
])
def test_members_cannot_edit_or_delete_someone_elses_post(client, other_member, question, page, method, message):
    client.force_login(other_member)

    response = getattr(client, method)(reverse(f"forum:{page}", args=[question.pk]), {"raw": "Vandalised"})

    assert response.status_code == 403
    assert message in parse(response.content).text
    stored = Post.objects.get()
    assert (stored.raw, stored.is_deleted) == ("The question", False)


def test_moderators_can_edit_and_delete_anyones_post(client, moderator, topic, other_member):
    reply = make_reply(topic=topic, author=other_member, raw="Spam link")
    client.force_login(moderator)

    client.post(reverse("forum:post_edit", args=[reply.pk]), {"raw": "[removed]", "reason": "Spam"})
    client.post(reverse("forum:post_delete", args=[reply.pk]))

    reply.refresh_from_db()
    assert reply.raw == "[removed]"
    assert reply.deleted_by == moderator


def test_edit_and_delete_controls_appear_only_on_posts_you_may_change(client, member, other_member, topic):
    make_reply(topic=topic, author=other_member)
    client.force_login(other_member)

    page = parse(client.get(topic.get_absolute_url()).content)

    def actions(number):
        footer = page.find("article", id=f"post-{number}").children[-1]
        return [" ".join(e.text.split()) for e in footer.descendants() if e.tag in {"a", "button"}]

    assert actions(1) == ["Helpful 0", "Reply", "Quote", "Flag"]
    assert actions(2) == ["Reply", "Quote", "Edit", "Delete"]


def test_the_reply_page_never_writes_on_get(member_client, topic):
    member_client.get(reverse("forum:reply", args=[topic.pk]), {"raw": "Sneaky GET body"})

    assert topic.posts.count() == 1


class TestCsrf:
    @pytest.fixture
    def strict_client(self, member):
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(member)
        return strict

    def test_a_reply_without_the_csrf_token_is_refused(self, strict_client, topic):
        response = strict_client.post(reverse("forum:reply", args=[topic.pk]), {"raw": "Forged from elsewhere"})

        assert response.status_code == 403
        assert topic.posts.count() == 1

    def test_a_delete_without_the_csrf_token_is_refused(self, strict_client, question):
        response = strict_client.post(reverse("forum:post_delete", args=[question.pk]))

        assert response.status_code == 403
        assert not Post.objects.get(pk=question.pk).is_deleted

    def test_a_new_topic_without_the_csrf_token_is_refused(self, strict_client):
        category = CategoryFactory()

        response = strict_client.post(reverse("forum:new_topic"),
                                      {"title": "A forged new topic", "category": category.pk, "raw": "Forged"})

        assert response.status_code == 403
        assert not Topic.objects.exists()

    def test_the_same_reply_with_the_pages_token_is_accepted(self, strict_client, topic):
        page = parse(strict_client.get(topic.get_absolute_url()).content)
        composer = page.find("form", class_="composer")
        token = [field.get("value") for field in composer.children if field.get("name") == "csrfmiddlewaretoken"]

        response = strict_client.post(composer.get("action"),
                                      {"raw": "Posted properly", "csrfmiddlewaretoken": token[0]})

        assert response.status_code == 302
        assert topic.posts.get(post_number=2).raw == "Posted properly"
