"""Abuse: bursts meet the rate limits, bots meet the honeypot, and huge inputs meet a quick 4xx."""

import time
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from accounts.models import User
from forum.models import Post, Topic
from tests.factories import PASSWORD, CategoryFactory, UserFactory, make_topic

pytestmark = pytest.mark.django_db

# allauth's default limits (settings.py leaves ACCOUNT_RATE_LIMITS unset): sign-ups 20 a minute
# per address, failed logins 5 per account in 5 minutes, password resets 5 a minute per address.


def signup_data(n: int, **extra) -> dict:
    return {"email": f"burst{n}@example.org", "username": f"burst{n}", "password1": "Corr3ct-horse-battery",
            "password2": "Corr3ct-horse-battery", **extra}


def test_a_burst_of_sign_ups_from_one_address_is_throttled(client):
    statuses = [client.post(reverse("account_signup"), signup_data(n)).status_code for n in range(25)]

    assert statuses[:20] == [302] * 20
    assert set(statuses[20:]) == {429}
    assert User.objects.filter(username__startswith="burst").count() == 20


def test_a_burst_of_wrong_passwords_against_many_accounts_is_throttled_by_address(client):
    # Credential stuffing: one address, a different account each time (the per-account limit is in
    # tests/accounts/test_login.py). allauth answers over the limit with the form and a message.
    for n in range(12):
        UserFactory(username=f"victim{n}")

    refused = [b"Too many failed login attempts" in client.post(
        reverse("account_login"), {"login": f"victim{n}", "password": "guess"}).content for n in range(12)]
    right = client.post(reverse("account_login"), {"login": "victim0", "password": PASSWORD})

    assert refused == [False] * 10 + [True] * 2
    assert right.status_code in {200, 429} and "_auth_user_id" not in client.session


def test_a_burst_of_password_resets_is_throttled(client, mailoutbox):
    UserFactory(username="forgetful", email="forgetful@example.org")

    statuses = [client.post(reverse("account_reset_password"), {"email": "forgetful@example.org"}).status_code
                for _ in range(8)]

    assert 429 in statuses
    assert statuses.index(429) <= 5
    assert len(mailoutbox) <= 5


def test_a_burst_of_replies_is_throttled_with_a_message(settings, clock_mid_minute):
    settings.FORUM_NEW_USER_MIN_POSTS = 0
    settings.FORUM_NEW_USER_DAYS = 0
    poster = UserFactory(username="fastposter")
    topic = make_topic(title="Omega-3 and dry eyes", raw="Worth trying?")
    client = Client()
    client.force_login(poster)

    responses = [client.post(reverse("forum:reply", args=[topic.pk]), {"raw": f"Reply number {n}."})
                 for n in range(10)]

    statuses = [r.status_code for r in responses]
    assert statuses[:settings.FORUM_POSTS_PER_MINUTE_PER_USER] == [302] * settings.FORUM_POSTS_PER_MINUTE_PER_USER
    assert set(statuses[settings.FORUM_POSTS_PER_MINUTE_PER_USER:]) == {429}
    assert "times a minute" in responses[-1].content.decode()
    assert Post.objects.filter(author=poster).count() == settings.FORUM_POSTS_PER_MINUTE_PER_USER


# --- The honeypot ---------------------------------------------------------------------------
def test_the_honeypot_is_in_the_form_but_hidden_from_people(client):
    page = client.get(reverse("account_signup")).content.decode()

    assert 'class="signup-trap"' in page and 'name="website"' in page
    css = Path(finders.find("css/accounts.css")).read_text()
    assert "display: none" in css.split(".signup-trap", 1)[1][:80]


def test_a_filled_honeypot_refuses_the_sign_up_and_creates_nothing(client, mailoutbox):
    from accounts.forms import SIGNUP_REFUSED  # after allauth's forms, which load ours

    response = client.post(reverse("account_signup"), signup_data(1, website="https://cheap-pills.example"))

    assert response.status_code == 200
    assert SIGNUP_REFUSED in response.content.decode()
    assert "honeypot" not in response.content.decode().lower()
    assert not User.objects.filter(username="burst1").exists()
    assert mailoutbox == []


def test_an_empty_honeypot_lets_a_person_sign_up(client):
    response = client.post(reverse("account_signup"), signup_data(2, website=""))

    assert response.status_code == 302
    assert User.objects.filter(username="burst2").exists()


# --- Very large inputs ----------------------------------------------------------------------
@pytest.fixture
def writer(settings):
    settings.FORUM_NEW_USER_MIN_POSTS = 0
    settings.FORUM_NEW_USER_DAYS = 0
    user = UserFactory(username="bigwriter")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def topic(db):
    return make_topic(title="Creatine and cognition", raw="Any good trials?")


def timed_post(client, url, data):
    # The CPU this thread spent on the request (the test client runs it here): other work on a
    # busy machine does not inflate it, as it did wall-clock time.
    started = time.thread_time()
    response = client.post(url, data)
    return response, time.thread_time() - started


def test_a_five_megabyte_body_is_refused_quickly_with_413(writer, topic):
    response, seconds = timed_post(writer, reverse("forum:reply", args=[topic.pk]), {"raw": "x" * 5 * 1024 * 1024})

    assert response.status_code == 413
    assert "more than we can accept" in response.content.decode()
    assert seconds < 2
    assert topic.posts.count() == 1


def test_a_one_megabyte_title_is_refused_quickly(writer, topic):
    category = CategoryFactory()
    response, seconds = timed_post(writer, reverse("forum:new_topic"),
                                   {"title": "T" * 1024 * 1024, "category": category.pk, "raw": "A fine body."})

    assert response.status_code == 400
    assert "Titles are limited to 200 characters" in response.content.decode()
    assert seconds < 2
    assert not Topic.objects.filter(title__startswith="TTTT").exists()


def test_ten_thousand_nested_quotes_are_over_the_length_limit_and_refused_quickly(writer, topic):
    raw = "[quote]\n" * 10_000 + "deep\n" + "[/quote]\n" * 10_000

    response, seconds = timed_post(writer, reverse("forum:reply", args=[topic.pk]), {"raw": raw})

    assert response.status_code == 400
    assert "Posts are limited to 32,000 characters" in response.content.decode()
    assert seconds < 2


@pytest.mark.parametrize("name, raw", [
    ("nested quotes to the length limit", "[quote]\n" * 1_800 + "deep\n" + "[/quote]\n" * 1_800),
    ("quotes nested on one line", "[quote]" * 2_000 + "deep" + "[/quote]" * 2_000),
    ("10,000 nested list levels", "- " * 10_000 + "deep"),
    ("nested list levels to the length limit", "- " * 15_000 + "deep"),
    ("10,000 nested blockquotes", "> " * 10_000 + "deep"),
    ("numbered list levels", "1. " * 10_000 + "deep"),
    ("blockquotes to the length limit", "> " * 15_000 + "deep"),
    ("unclosed brackets", "[" * 31_000),
    ("unclosed link destinations", "[a](" * 7_900),
    ("one footnote referenced thousands of times", "[^1]" * 7_900 + "\n\n[^1]: a note"),
])
def test_the_deepest_text_that_fits_is_posted_quickly_and_nests_no_deeper_than_the_limits(writer, topic, name, raw):
    response, seconds = timed_post(writer, reverse("forum:reply", args=[topic.pk]), {"raw": raw})

    assert response.status_code == 302, response.content[:300]
    assert seconds < 5  # typically well under 1 s; this only has to tell seconds from minutes
    cooked = topic.posts.order_by("-post_number").first().cooked
    assert cooked.count("<aside") <= 10 and cooked.count("<ul>") <= 16 and cooked.count("<blockquote>") <= 16 + 10
