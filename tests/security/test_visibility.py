"""Hidden and deleted content is gone for everyone who may not see it, on every surface.

One hidden reply and one deleted topic, each carrying a word found nowhere else; then every page,
feed, JSON document, quote expansion and notification a member or an anonymous visitor can reach
is fetched and searched for those words.
"""

import pytest
from django.test import Client
from django.urls import reverse

from forum.models import Notification
from forum.moderation.actions import post_hide, topic_delete
from tests.factories import UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

# Searched for; each is followed in the text by its PROOF word, which is what must never show
# (the query itself is echoed back in the search box, so it cannot be the test).
HIDDEN_WORD, HIDDEN_PROOF = "zanzibarquokka", "ocelotmarmalade"
DELETED_WORD, DELETED_PROOF = "xylophonewombat", "pangolinsherbet"


@pytest.fixture
def scene(db):
    moderator = UserFactory(username="modvis", role="moderator")
    reader = UserFactory(username="readervis")
    author = UserFactory(username="authorvis")
    topic = make_topic(author=author, title="Zinc lozenges and colds", raw="Do they shorten a cold?")
    make_reply(topic=topic, raw="A visible answer about zinc.")
    hidden = make_reply(topic=topic, author=author, raw=f"Buy {HIDDEN_WORD} {HIDDEN_PROOF} pills @readervis")
    post_hide(moderator=moderator, post=hidden, reason="Advert")
    gone = make_topic(author=author, category=topic.category, title=f"The {DELETED_WORD} {DELETED_PROOF} cure",
                      raw=f"All about {DELETED_WORD} {DELETED_PROOF}, mentioning @readervis")
    make_reply(topic=gone, raw=f"More on {DELETED_WORD} {DELETED_PROOF}.")
    topic_delete(moderator=moderator, topic=gone, reason="Spam")
    return {"reader": reader, "author": author, "moderator": moderator, "topic": topic, "hidden": hidden, "gone": gone}


def surfaces(scene) -> dict[str, str]:
    topic, hidden, gone = scene["topic"], scene["hidden"], scene["gone"]
    category = topic.category
    return {
        "latest": reverse("forum:latest"),
        "categories": reverse("forum:categories"),
        "category": category.get_absolute_url(),
        "topic page": topic.get_absolute_url(),
        "hidden post permalink": reverse("forum:post_permalink", args=[topic.slug, topic.pk, hidden.post_number]),
        "deleted topic page": gone.get_absolute_url(),
        "deleted topic short link": reverse("forum:topic_short", args=[gone.pk]),
        "quote expand (hidden post)": reverse("forum:post_cooked", args=[topic.pk, hidden.post_number]),
        "quote expand (deleted topic)": reverse("forum:post_cooked", args=[gone.pk, 1]),
        "search (hidden)": reverse("forum:search") + f"?q={HIDDEN_WORD}",
        "search (deleted)": reverse("forum:search") + f"?q={DELETED_WORD}",
        "latest feed": reverse("forum:latest_feed"),
        "latest rss": reverse("forum:latest_rss"),
        "category feed": reverse("forum:category_feed", args=[category.slug]),
        "topic feed": reverse("forum:topic_feed", args=[topic.slug, topic.pk]),
        "deleted topic feed": reverse("forum:topic_feed", args=[gone.slug, gone.pk]),
        "API topics": reverse("api:topics"),
        "API topic": reverse("api:topic", args=[topic.pk]),
        "API deleted topic": reverse("api:topic", args=[gone.pk]),
        "API search (hidden)": reverse("api:search") + f"?q={HIDDEN_WORD}",
        "API search (deleted)": reverse("api:search") + f"?q={DELETED_WORD}",
        "author profile": scene["author"].get_absolute_url(),
        "notifications": reverse("forum:notifications"),
    }


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_hidden_and_deleted_content_appears_on_no_surface(scene, who):
    client = Client()
    if who == "member":
        client.force_login(scene["reader"])
    leaks = []
    for name, url in surfaces(scene).items():
        response = client.get(url)
        body = response.content.decode(errors="replace").lower()
        if response.status_code >= 500:
            leaks.append(f"{name}: {response.status_code}")
        for word in (HIDDEN_PROOF, DELETED_PROOF):
            if word in body or word in response.get("Location", ""):
                leaks.append(f"{name} ({url}) shows {word}")

    assert leaks == []


def test_notifications_about_hidden_or_deleted_posts_are_not_opened_into_them(scene):
    client = Client()
    client.force_login(scene["reader"])
    for notification in Notification.objects.filter(recipient=scene["reader"]):
        response = client.post(reverse("forum:notification_open", args=[notification.pk]), follow=True)
        body = response.content.decode().lower()
        assert HIDDEN_PROOF not in body and DELETED_PROOF not in body


def test_moderators_still_see_them(scene):
    # The check above is meaningful only if the words would show to someone allowed to see them.
    client = Client()
    client.force_login(scene["moderator"])

    hidden_page = client.get(scene["topic"].get_absolute_url()).content.decode()
    gone_page = client.get(scene["gone"].get_absolute_url()).content.decode()

    assert HIDDEN_PROOF in hidden_page
    assert DELETED_PROOF in gone_page
