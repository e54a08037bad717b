"""Drafts: saved through the endpoint as the composer is typed in, restored into the composer by
the server (so it works without JavaScript), and gone once the post is made or the text cleared."""

import pytest
from django.urls import reverse

from forum.models import Draft, Post
from tests.factories import CategoryFactory, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(other_member):
    return make_topic(author=other_member, title="Does vitamin D prevent colds?")


def draft_url(key: str) -> str:
    return reverse("forum:draft", args=[key])


def topic_key(topic) -> str:
    return f"topic-{topic.pk}"


def composer_text(response) -> str:
    page = parse(response.content)
    return page.find("textarea", name="raw").text


class TestEndpoint:
    def test_saving_and_reading_back(self, member_client, member, topic):
        response = member_client.post(draft_url(topic_key(topic)), {"raw": "Half a thought", "reply_to": "1"})

        assert response.status_code == 200 and response.json()["saved"] is True
        data = member_client.get(draft_url(topic_key(topic))).json()
        assert (data["raw"], data["reply_to"]) == ("Half a thought", 1)
        assert Draft.objects.get(user=member).key == topic_key(topic)

    def test_saving_again_replaces_the_draft(self, member_client, member, topic):
        member_client.post(draft_url(topic_key(topic)), {"raw": "First"})
        member_client.post(draft_url(topic_key(topic)), {"raw": "Second"})

        assert list(Draft.objects.filter(user=member).values_list("raw", flat=True)) == ["Second"]

    def test_a_new_topic_draft_keeps_its_title(self, member_client):
        member_client.post(draft_url("new-topic"), {"title": "Zinc for colds?", "raw": "Is there"})

        data = member_client.get(draft_url("new-topic")).json()
        assert (data["title"], data["raw"]) == ("Zinc for colds?", "Is there")

    def test_no_draft_reads_as_empty(self, member_client, topic):
        assert member_client.get(draft_url(topic_key(topic))).json() == {
            "raw": "", "title": "", "updated_at": None, "submitted": False}

    def test_an_emptied_composer_deletes_the_draft(self, member_client, member, topic):
        member_client.post(draft_url(topic_key(topic)), {"raw": "Something"})

        response = member_client.post(draft_url(topic_key(topic)), {"raw": "   \n"})

        assert response.json() == {"saved": False, "updated_at": None}
        assert not Draft.objects.filter(user=member).exists()

    def test_discarding_from_script(self, member_client, member, topic):
        member_client.post(draft_url(topic_key(topic)), {"raw": "Something"})

        response = member_client.post(draft_url(topic_key(topic)), {"discard": "1"},
                                      HTTP_ACCEPT="application/json")

        assert response.json() == {"saved": False}
        assert not Draft.objects.exists()

    def test_discarding_from_a_form_returns_to_the_page(self, member_client, topic):
        member_client.post(draft_url(topic_key(topic)), {"raw": "Something"})

        response = member_client.post(draft_url(topic_key(topic)),
                                      {"discard": "1", "next": topic.get_absolute_url()})

        assert response.status_code == 302 and response.url == topic.get_absolute_url()
        assert not Draft.objects.exists()

    @pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
    def test_discarding_never_redirects_off_site(self, member_client, topic, next_url):
        response = member_client.post(draft_url(topic_key(topic)), {"discard": "1", "next": next_url})

        assert response.status_code == 302 and response.url == reverse("forum:latest")

    def test_an_overlong_draft_is_kept_whole(self, member_client, member):
        # The forms say by how much a text is over its limit; the draft keeps it safe meanwhile.
        member_client.post(draft_url("new-topic"), {"title": "t" * 500, "raw": "x" * 40_000})

        draft = Draft.objects.get(user=member)
        assert (len(draft.title), len(draft.raw)) == (500, 40_000)

    def test_nul_characters_are_dropped_rather_than_failing(self, member_client, member):
        response = member_client.post(draft_url("new-topic"), {"title": "Zinc\x00?", "raw": "Half\x00 a thought"})

        assert response.status_code == 200
        assert Draft.objects.filter(user=member).values_list("title", "raw").get() == ("Zinc?", "Half a thought")

    def test_a_visitor_is_sent_to_log_in(self, client, topic):
        response = client.post(draft_url(topic_key(topic)), {"raw": "Something"})

        assert response.status_code == 302 and "/accounts/login/" in response.url
        assert not Draft.objects.exists()

    def test_you_only_ever_see_and_change_your_own_draft(self, client, member, other_member, topic):
        client.force_login(member)
        client.post(draft_url(topic_key(topic)), {"raw": "Maria's private draft"})
        client.force_login(other_member)

        assert client.get(draft_url(topic_key(topic))).json()["raw"] == ""
        client.post(draft_url(topic_key(topic)), {"discard": "1"})
        client.post(draft_url(topic_key(topic)), {"raw": ""})

        assert Draft.objects.get(user=member).raw == "Maria's private draft"

    @pytest.mark.parametrize("key", ["topic-", "topic-abc", "topic-1x", "new_topic", "reply-1", "topic--1",
                                     "topic-%C2%B2", "..%2Fetc"])
    def test_bad_keys_are_not_found(self, member_client, key):
        assert member_client.get(f"/drafts/{key}/").status_code == 404
        assert member_client.post(f"/drafts/{key}/", {"raw": "x"}).status_code == 404
        assert not Draft.objects.exists()


class TestRestoredByTheServer:
    def test_the_topic_page_puts_the_draft_in_the_composer(self, member_client, topic):
        member_client.post(draft_url(topic_key(topic)), {"raw": "Half a <thought> & more"})

        response = member_client.get(topic.get_absolute_url())

        assert composer_text(response) == "Half a <thought> & more"
        assert "Restored your draft" in parse(response.content).find("p", class_="composer__draft").text

    def test_the_draft_remembers_which_post_it_replies_to(self, member_client, topic):
        member_client.post(draft_url(topic_key(topic)), {"raw": "Which trials?", "reply_to": "1"})

        page = parse(member_client.get(topic.get_absolute_url()).content)

        assert page.find("input", name="reply_to").get("value") == "1"

    def test_the_reply_page_restores_it_too(self, member_client, topic):
        member_client.post(draft_url(topic_key(topic)), {"raw": "Half a thought"})

        response = member_client.get(reverse("forum:reply", args=[topic.pk]))

        assert composer_text(response) == "Half a thought"

    def test_a_draft_for_another_topic_stays_there(self, member_client, topic, other_member):
        elsewhere = make_topic(author=other_member, title="Zinc lozenges")
        member_client.post(draft_url(topic_key(elsewhere)), {"raw": "About zinc"})

        assert composer_text(member_client.get(topic.get_absolute_url())) == ""

    def test_the_new_topic_page_restores_title_and_body(self, member_client):
        member_client.post(draft_url("new-topic"), {"title": "Zinc for colds?", "raw": "Is there a trial"})

        page = parse(member_client.get(reverse("forum:new_topic")).content)

        assert page.find("input", name="title").get("value") == "Zinc for colds?"
        assert page.find("textarea", name="raw").text == "Is there a trial"

    def test_the_composer_knows_where_to_save(self, member_client, topic):
        page = parse(member_client.get(topic.get_absolute_url()).content)

        assert page.find("form", class_="composer").get("data-draft-url") == draft_url(topic_key(topic))

    def test_without_a_draft_the_composer_is_empty(self, member_client, topic):
        response = member_client.get(topic.get_absolute_url())

        assert composer_text(response) == ""
        assert "Restored your draft" not in response.content.decode()


class TestPostingClearsTheDraft:
    def test_a_posted_reply_deletes_the_topics_draft(self, member_client, member, topic):
        member_client.post(draft_url(topic_key(topic)), {"raw": "Half a thought"})

        response = member_client.post(reverse("forum:reply", args=[topic.pk]), {"raw": "A whole thought."})

        assert response.status_code == 302
        assert not Draft.objects.filter(user=member).exists()
        assert composer_text(member_client.get(topic.get_absolute_url(), {"page": 1})) == ""

    def test_a_new_topic_deletes_the_new_topic_draft_but_not_others(self, member_client, member, topic):
        category = CategoryFactory()
        member_client.post(draft_url("new-topic"), {"title": "Zinc?", "raw": "Draft"})
        member_client.post(draft_url(topic_key(topic)), {"raw": "A reply in progress"})

        response = member_client.post(reverse("forum:new_topic"), {
            "title": "Zinc lozenges for the common cold?", "category": category.pk,
            "raw": "What do the trials say about zinc?",
        })

        assert response.status_code == 302
        assert list(Draft.objects.filter(user=member).values_list("key", flat=True)) == [topic_key(topic)]

    def test_someone_elses_reply_leaves_your_draft_alone(self, member_client, member, topic, other_member):
        member_client.post(draft_url(topic_key(topic)), {"raw": "Half a thought"})

        make_reply(topic=topic, author=other_member)

        assert Draft.objects.filter(user=member).exists()

    def test_a_preview_keeps_the_draft(self, member_client, member, topic):
        member_client.post(draft_url(topic_key(topic)), {"raw": "Half a thought"})

        member_client.post(reverse("forum:reply", args=[topic.pk]), {"raw": "Half a thought", "preview": "1"})

        assert Draft.objects.filter(user=member).exists()
        assert not Post.objects.filter(raw="Half a thought").exists()
