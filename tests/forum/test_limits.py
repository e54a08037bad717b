"""New-member limits and rate limits: refused with 429, told which limit and when it lifts, and
the typed text given back."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forum.models import Post, Topic
from tests.factories import CategoryFactory, UserFactory, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.FORUM_NEW_USER_DAYS = 2
    settings.FORUM_NEW_USER_MIN_POSTS = 1
    settings.FORUM_NEW_USER_POSTS_PER_DAY = 2
    settings.FORUM_NEW_USER_MAX_LINKS = 2
    settings.FORUM_POSTS_PER_MINUTE_PER_USER = 3
    settings.FORUM_POSTS_PER_MINUTE_PER_IP = 5


@pytest.fixture
def newcomer():
    return UserFactory(username="newcomer")


@pytest.fixture
def regular():
    user = UserFactory(username="regular", date_joined=timezone.now() - timedelta(days=30))
    make_topic(author=user)  # past FORUM_NEW_USER_MIN_POSTS
    return user


@pytest.fixture
def topic():
    return make_topic(author=UserFactory(), title="What helps tennis elbow?")


def as_user(user, ip="203.0.113.7") -> Client:
    client = Client(REMOTE_ADDR=ip)
    client.force_login(user)
    return client


def reply(client, topic, raw):
    return client.post(reverse("forum:reply", args=[topic.pk]), {"raw": raw})


def alerts(response) -> str:
    return " ".join(element.text for element in parse(response.content).find_all(role="alert"))


def typed_body(response) -> str:
    return parse(response.content).find("textarea", name="raw").text


THREE_LINKS = "See https://a.example, https://b.example and www.c.example for more."
IMAGE = "Look: ![x-ray](https://img.example/elbow.png)"


class TestNewMembers:
    def test_they_post_n_times_a_day_then_are_told_when_they_can_again(self, newcomer, topic):
        client = as_user(newcomer)
        assert reply(client, topic, "First reply").status_code == 302
        assert reply(client, topic, "Second reply").status_code == 302

        response = reply(client, topic, "Third reply, kept")

        assert response.status_code == 429
        first = Post.objects.filter(author=newcomer).earliest("created_at").created_at + timedelta(days=1)
        message = alerts(response)
        assert "New members can post 2 times a day" in message
        assert f"You can post again on {first:%-d %b %Y, %H:%M} UTC." in message
        assert typed_body(response) == "Third reply, kept"
        assert Post.objects.filter(author=newcomer).count() == 2

    def test_the_daily_limit_applies_to_new_topics_too(self, newcomer):
        make_reply(topic=make_topic(), author=newcomer)
        make_reply(topic=make_topic(), author=newcomer)
        response = as_user(newcomer).post(reverse("forum:new_topic"), {
            "title": "A third post today", "category": CategoryFactory().pk, "raw": "My question text"})

        assert response.status_code == 429
        assert typed_body(response) == "My question text"
        assert not Topic.objects.filter(title="A third post today").exists()

    def test_at_most_two_links(self, newcomer, topic):
        response = reply(as_user(newcomer), topic, THREE_LINKS)

        assert response.status_code == 429
        assert "at most 2 links" in alerts(response) and "this one has 3" in alerts(response)
        lifts = newcomer.date_joined + timedelta(days=2)
        assert f"The limit lifts on {lifts:%-d %b %Y, %H:%M} UTC, once you have written 1 more post." in alerts(response)
        assert typed_body(response) == THREE_LINKS
        assert reply(as_user(newcomer), topic, "Two: https://a.example and https://b.example").status_code == 302

    def test_no_images(self, newcomer, topic):
        response = reply(as_user(newcomer), topic, IMAGE)

        assert response.status_code == 429
        assert "cannot post images" in alerts(response)
        assert typed_body(response) == IMAGE

    def test_the_limit_says_the_date_for_this_member_and_the_posts_still_to_write(self, topic, settings):
        settings.FORUM_NEW_USER_MIN_POSTS = 3
        joined = timezone.now() - timedelta(days=1, hours=3)
        member = UserFactory(username="yesterday", date_joined=joined)

        response = reply(as_user(member), topic, IMAGE)

        assert response.status_code == 429
        lifts = joined + timedelta(days=2)
        assert (f"The limit lifts on {lifts:%-d %b %Y, %H:%M} UTC, once you have written 3 more posts."
                in alerts(response))

    def test_a_member_past_the_days_is_told_only_the_posts_still_to_write(self, topic, settings):
        settings.FORUM_NEW_USER_MIN_POSTS = 3
        member = UserFactory(username="quiet", date_joined=timezone.now() - timedelta(days=40))
        make_reply(topic=topic, author=member)

        response = reply(as_user(member), topic, IMAGE)

        assert "The limit lifts once you have written 2 more posts." in alerts(response)
        assert "days" not in alerts(response)

    def test_editing_cannot_slip_links_past_the_limit(self, newcomer, topic):
        post = make_reply(topic=topic, author=newcomer, raw="Innocent text")

        response = as_user(newcomer).post(reverse("forum:post_edit", args=[post.pk]), {"raw": THREE_LINKS})

        assert response.status_code == 429
        assert "at most 2 links" in response.content.decode()
        assert typed_body(response) == THREE_LINKS
        assert Post.objects.get(pk=post.pk).raw == "Innocent text"

    @pytest.mark.parametrize("raw", [THREE_LINKS, IMAGE])
    def test_trusted_members_are_not_limited_by_them(self, regular, topic, raw):
        assert reply(as_user(regular), topic, raw).status_code == 302

    @pytest.mark.parametrize("role", ["expert", "moderator"])
    def test_experts_and_moderators_are_never_new(self, topic, role):
        assert reply(as_user(UserFactory(role=role)), topic, THREE_LINKS).status_code == 302


class TestRateLimits:
    @pytest.fixture(autouse=True)
    def _mid_minute(self, clock_mid_minute):
        self.now = clock_mid_minute

    def test_per_user_a_minute(self, regular, topic):
        client = as_user(regular)
        for number in range(3):
            assert reply(client, topic, f"Reply {number}").status_code == 302

        response = reply(client, topic, "One too many")

        assert response.status_code == 429
        message = alerts(response)
        assert "You can post 3 times a minute" in message and "wait" in message and "seconds" in message
        assert typed_body(response) == "One too many"

    def test_per_ip_address_across_accounts(self, topic):
        ip = "198.51.100.20"
        users = [UserFactory(role="expert") for _ in range(3)]  # experts skip the new-member rules
        statuses = [reply(as_user(user, ip), topic, f"From {user.username} {n}").status_code
                    for user in users for n in range(2)]

        assert statuses == [302] * 5 + [429]
        response = reply(as_user(UserFactory(role="expert"), ip), topic, "Shared address")
        assert response.status_code == 429
        assert "Your network address can post 5 times a minute" in alerts(response)

    def test_other_addresses_are_not_affected(self, topic):
        for n in range(5):
            reply(as_user(UserFactory(role="expert"), "198.51.100.20"), topic, f"Busy {n}")
        assert reply(as_user(UserFactory(role="expert"), "198.51.100.99"), topic, "Elsewhere").status_code == 302

    def test_the_limit_lifts_in_the_next_minute(self, regular, topic):
        client = as_user(regular)
        for number in range(3):
            reply(client, topic, f"Reply {number}")
        assert reply(client, topic, "Too soon").status_code == 429

        self.now[0] += 60
        assert reply(client, topic, "A minute later").status_code == 302


class TestBehindAProxy:
    """The README's nginx connects from 127.0.0.1 and appends the client's address to
    X-Forwarded-For: the per-address limit counts that address, and only that one."""

    PROXY = "127.0.0.1"

    @pytest.fixture(autouse=True)
    def _mid_minute(self, clock_mid_minute):
        pass

    def via_proxy(self, user, forwarded_for: str) -> Client:
        client = Client(REMOTE_ADDR=self.PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
        client.force_login(user)
        return client

    def test_each_client_has_its_own_limit(self, settings, topic):
        settings.TRUSTED_PROXY_COUNT = 1
        for n in range(5):
            reply(self.via_proxy(UserFactory(role="expert"), "203.0.113.5"), topic, f"Busy {n}")
        assert reply(self.via_proxy(UserFactory(role="expert"), "203.0.113.5"), topic, "Sixth").status_code == 429

        response = reply(self.via_proxy(UserFactory(role="expert"), "198.51.100.23"), topic, "Someone else")

        assert response.status_code == 302

    def test_new_topics_count_the_client_too(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        category = CategoryFactory()

        def new_topic(address, n):
            client = self.via_proxy(UserFactory(role="expert"), address)
            return client.post(reverse("forum:new_topic"), {"title": f"Question number {n}", "category": category.pk,
                                                            "raw": "What does the evidence say?", "tags": ""})

        assert [new_topic("203.0.113.5", n).status_code for n in range(6)] == [302] * 5 + [429]
        assert new_topic("198.51.100.23", 7).status_code == 302

    def test_what_the_client_wrote_in_the_header_is_not_believed(self, settings, topic):
        settings.TRUSTED_PROXY_COUNT = 1
        statuses = [reply(self.via_proxy(UserFactory(role="expert"), f"10.0.0.{n}, 203.0.113.5"), topic,
                          f"Forged {n}").status_code for n in range(6)]

        assert statuses == [302] * 5 + [429]

    def test_without_a_trusted_proxy_the_header_is_ignored(self, settings, topic):
        settings.TRUSTED_PROXY_COUNT = 0
        statuses = []
        for n in range(6):
            client = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
            client.force_login(UserFactory(role="expert"))
            statuses.append(reply(client, topic, f"Forged {n}").status_code)

        assert statuses == [302] * 5 + [429]

    def test_an_ipv6_client_cannot_step_through_its_own_network(self, settings, topic):
        settings.TRUSTED_PROXY_COUNT = 1
        statuses = [reply(self.via_proxy(UserFactory(role="expert"), f"2001:db8:1:2::{n:x}"), topic,
                          f"Rotating {n}").status_code for n in range(1, 7)]

        assert statuses == [302] * 5 + [429]
        assert reply(self.via_proxy(UserFactory(role="expert"), "2001:db8:1:3::1"), topic, "Next door").status_code == 302
