"""The composer: a failed or previewed submit never loses what the member typed."""

import pytest
from django.urls import reverse

from forum.discussion.deleting import post_delete
from forum.discussion.forms import BODY_MAX_LENGTH, TITLE_MAX_LENGTH
from forum.models import Post, Topic
from tests.factories import CategoryFactory, UserFactory, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

BODY = "I read the INNOVA protocol <and> wondered what it means."


@pytest.fixture
def category(db):
    return CategoryFactory(name="Pain & Medicine", slug="pain-medicine")


def typed_body(response) -> str:
    return parse(response.content).find("textarea", name="raw").text


def typed_title(response) -> str | None:
    return parse(response.content).find("input", name="title").get("value")


def alerts(response) -> str:
    return " ".join(element.text for element in parse(response.content).find_all(role="alert"))


def new_topic(client, **fields):
    return client.post(reverse("forum:new_topic"), fields)


class TestNewTopic:
    def test_a_valid_topic_is_created_and_opened(self, member_client, member, category):
        response = new_topic(member_client, title="Does LDN help fibromyalgia pain?", category=category.pk,
                             tags="Fibromyalgia, low dose naltrexone, fibromyalgia", raw=BODY)

        topic = Topic.objects.get()
        assert response.status_code == 302
        assert response["Location"] == topic.get_absolute_url()
        assert topic.author == member and topic.category == category
        assert topic.posts.get().raw == BODY
        assert sorted(topic.tags.values_list("name", flat=True)) == ["fibromyalgia", "low-dose-naltrexone"]

    def test_the_form_preselects_the_category_from_the_link(self, member_client, category):
        page = parse(member_client.get(reverse("forum:new_topic"), {"category": "pain-medicine"}).content)

        selected = [option for option in page.find_all("option") if "selected" in option.attrs]
        assert [option.text for option in selected] == ["Pain & Medicine"]

    @pytest.mark.parametrize("title, message", [
        ("", "Give your topic a title."),
        ("   ", "Give your topic a title."),
        ("LDN?", "Titles need at least 8 characters"),
        ("x" * (TITLE_MAX_LENGTH + 1), f"Titles are limited to {TITLE_MAX_LENGTH} characters (this one has 201)"),
    ])
    def test_a_bad_title_is_explained_and_the_body_kept(self, member_client, category, title, message):
        response = new_topic(member_client, title=title, category=category.pk, raw=BODY)

        assert response.status_code == 400
        assert message in alerts(response)
        assert typed_body(response) == BODY
        assert Topic.objects.count() == 0

    @pytest.mark.parametrize("raw, message", [
        ("", "Write something before posting."),
        ("  \n ", "Write at least 2 characters."),
        ("x", "Write at least 2 characters."),
    ])
    def test_a_missing_body_is_explained_and_the_title_kept(self, member_client, category, raw, message):
        response = new_topic(member_client, title="Does LDN help fibromyalgia pain?", category=category.pk, raw=raw)

        assert response.status_code == 400
        assert message in alerts(response)
        assert typed_title(response) == "Does LDN help fibromyalgia pain?"
        assert Topic.objects.count() == 0

    def test_an_overlong_body_is_refused_but_kept_for_trimming(self, member_client, category):
        raw = "word " * (BODY_MAX_LENGTH // 5) + "extra"

        response = new_topic(member_client, title="A very long question", category=category.pk, raw=raw)

        assert response.status_code == 400
        assert f"Posts are limited to {BODY_MAX_LENGTH:,} characters (this one has {len(raw):,})" in alerts(response)
        assert typed_body(response) == raw
        assert Topic.objects.count() == 0

    @pytest.mark.parametrize("category_value", ["999999", "not-a-number", ""])
    def test_an_unknown_category_is_explained_and_the_text_kept(self, member_client, category, category_value):
        response = new_topic(member_client, title="Does LDN help fibromyalgia pain?", category=category_value, raw=BODY)

        assert response.status_code == 400
        assert "Choose" in alerts(response) and "categor" in alerts(response)
        assert typed_title(response) == "Does LDN help fibromyalgia pain?"
        assert typed_body(response) == BODY
        assert Topic.objects.count() == 0

    @pytest.mark.parametrize("tags, message", [
        ("ok, <b>bad</b>", "is not a valid tag"),
        ("a, b, c, d, e, f", "Use at most 5 tags."),
    ])
    def test_bad_tags_are_explained_and_the_text_kept(self, member_client, category, tags, message):
        response = new_topic(member_client, title="Does LDN help fibromyalgia pain?", category=category.pk,
                             tags=tags, raw=BODY)

        assert response.status_code == 400
        assert message in alerts(response)
        assert typed_body(response) == BODY

    def test_an_unconfirmed_member_is_told_why_and_keeps_the_text(self, client, category):
        client.force_login(UserFactory(verified=False))

        warning = client.get(reverse("forum:new_topic"))
        response = new_topic(client, title="Does LDN help fibromyalgia pain?", category=category.pk, raw=BODY)

        assert "Confirm your email address" in alerts(warning)
        assert response.status_code == 403
        assert "Confirm your email address before posting" in alerts(response)
        assert typed_body(response) == BODY
        assert Topic.objects.count() == 0

    def test_preview_without_javascript_shows_the_rendering_and_keeps_everything(self, member_client, category):
        raw = "**Bold claim** <script>alert(1)</script> see https://example.org"

        response = new_topic(member_client, title="Does LDN help fibromyalgia pain?", category=category.pk,
                             raw=raw, preview="1")

        assert response.status_code == 200
        page = parse(response.content)
        preview = page.find("div", class_="composer__preview")
        assert "hidden" not in preview.attrs
        assert [child.tag for child in preview.children] == ["h3", "p"]
        assert "Bold claim" in [element.text for element in page.find_all("strong")]
        assert not any(script.text for script in page.find_all("script"))  # only the site's own external script
        assert typed_body(response) == raw
        assert typed_title(response) == "Does LDN help fibromyalgia pain?"
        assert Topic.objects.count() == 0


class TestReply:
    @pytest.fixture
    def topic(self, other_member):
        return make_topic(author=other_member, title="Does LDN help fibromyalgia pain?")

    def reply(self, client, topic, **fields):
        return client.post(reverse("forum:reply", args=[topic.pk]), fields)

    def test_a_reply_is_posted_and_the_member_lands_on_it(self, member_client, member, topic):
        response = self.reply(member_client, topic, raw=BODY, reply_to="1")

        post = Post.objects.get(topic=topic, post_number=2)
        assert response.status_code == 302
        assert response["Location"] == topic.post_page_url(2)
        assert post.author == member and post.raw == BODY
        assert post.reply_to.post_number == 1

    def test_a_reply_to_a_missing_post_number_is_posted_without_a_target(self, member_client, topic):
        self.reply(member_client, topic, raw=BODY, reply_to="77")

        assert Post.objects.get(topic=topic, post_number=2).reply_to is None

    @pytest.mark.parametrize("mangled", ["abc", "0", "-3", "99999999999999"])
    def test_a_mangled_reply_target_still_posts_the_reply(self, member_client, topic, mangled):
        response = self.reply(member_client, topic, raw=BODY, reply_to=mangled)

        assert response.status_code == 302
        assert Post.objects.get(topic=topic, post_number=2).reply_to is None

    def test_the_reply_page_names_the_post_being_answered(self, member_client, topic):
        page = parse(member_client.get(reverse("forum:reply", args=[topic.pk]), {"to": 1}).content)

        assert "Replying to #1 by Omar Haddad" in page.find("p", class_="composer__context").text
        assert page.find("input", name="reply_to").get("value") == "1"

    @pytest.mark.parametrize("raw, message", [
        ("", "Write something before posting."),
        (" ", "Write at least 2 characters."),
        ("x" * (BODY_MAX_LENGTH + 1), "Posts are limited to 32,000 characters"),
    ])
    def test_a_bad_body_is_explained_and_kept(self, member_client, topic, raw, message):
        response = self.reply(member_client, topic, raw=raw)

        assert response.status_code == 400
        assert message in alerts(response)
        assert typed_body(response) == raw
        assert topic.posts.count() == 1

    def test_a_closed_topic_refuses_the_reply_and_keeps_the_text(self, member_client, topic):
        Topic.objects.filter(pk=topic.pk).update(state=Topic.State.CLOSED)

        warning = member_client.get(reverse("forum:reply", args=[topic.pk]))
        response = self.reply(member_client, topic, raw=BODY)

        assert "This topic is closed, so it takes no new replies." in alerts(warning)
        assert response.status_code == 403
        assert "This topic is closed, so it takes no new replies." in alerts(response)
        # The topic page, which shows no composer on a closed topic, gives the text back to copy.
        assert parse(response.content).find("textarea", id="typed-raw").text.lstrip("\n") == BODY
        assert parse(response.content).find("h1").text == topic.title
        assert topic.posts.count() == 1

    @pytest.mark.parametrize("replier", ["member", "moderator"])
    def test_a_deleted_topic_refuses_the_reply_and_keeps_the_text(self, client, other_member, topic, replier,
                                                                  request):
        # The topic may vanish while someone is typing: the POST explains why instead of a bare 404.
        post_delete(actor=other_member, post=topic.posts.get(post_number=1))
        client.force_login(request.getfixturevalue(replier))

        response = self.reply(client, topic, raw=BODY)

        assert response.status_code == 403
        assert "This topic has been deleted, so it takes no new replies." in alerts(response)
        assert typed_body(response) == BODY
        assert topic.posts.count() == 1
        title_shown = "Does LDN help fibromyalgia pain?" in response.content.decode()
        assert title_shown == (replier == "moderator")

    def test_the_reply_page_of_a_deleted_topic_is_not_found_for_members(self, member_client, other_member, topic):
        post_delete(actor=other_member, post=topic.posts.get(post_number=1))

        assert member_client.get(reverse("forum:reply", args=[topic.pk])).status_code == 404

    def test_preview_without_javascript_keeps_the_text_and_posts_nothing(self, member_client, topic):
        response = self.reply(member_client, topic, raw="A *careful* answer", reply_to="1", preview="1")

        assert response.status_code == 200
        page = parse(response.content)
        assert "hidden" not in page.find("div", class_="composer__preview").attrs
        assert "careful" in [em.text for em in page.find_all("em")]
        assert typed_body(response) == "A *careful* answer"
        assert page.find("input", name="reply_to").get("value") == "1"
        assert topic.posts.count() == 1


class TestPreviewEndpoint:
    url = reverse("forum:preview")

    def test_returns_the_sanitised_rendering(self, member_client):
        response = member_client.post(self.url, {"raw": "**yes** [x](javascript:alert(1)) <img src=x onerror=alert(1)>"})

        assert response.status_code == 200
        page = parse(response.content)
        assert page.find("strong").text == "yes"
        links = page.find_all("a")
        assert links[0].get("href") is None
        # The image (another address) waits behind a "show" link, without its handler.
        assert page.find_all("img") == [] and "onerror" not in response.content.decode()
        assert links[1].text.strip() == "Image from another address - show"

    def test_requires_post(self, member_client):
        assert member_client.get(self.url, {"raw": "hi"}).status_code == 405

    def test_requires_login(self, client, db):
        response = client.post(self.url, {"raw": "hi"})

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_refuses_text_too_long_to_post(self, member_client):
        response = member_client.post(self.url, {"raw": "x" * (BODY_MAX_LENGTH + 1)})

        assert response.status_code == 400
        assert "too long to preview" in alerts(response)
