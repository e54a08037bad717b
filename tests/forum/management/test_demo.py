from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from forum.models import Category, Post, PostRevision, Tag, Topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

LDN_TITLE = "Does low-dose naltrexone help fibromyalgia pain?"


def load_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count()
            for model in (get_user_model(), Category, Topic, Post, Tag, PostRevision)}


def test_demo_builds_the_ldn_thread_with_a_quoting_expert_reply():
    load_demo()

    topic = Topic.objects.get(title=LDN_TITLE)
    posts = list(topic.posts.order_by("post_number"))
    assert [post.author.username for post in posts] == ["lena", "dr_rivera", "lena"]
    assert topic.posts_count == 3
    assert sorted(topic.tags.values_list("name", flat=True)) == ["chronic-pain", "fibromyalgia", "naltrexone"]
    answer = posts[1]
    assert answer.reply_to == posts[0]
    assert posts[2].reply_to == answer
    assert f'[quote="lena, post:1, topic:{topic.pk}"]' in answer.raw
    cooked = parse(answer.cooked)
    assert cooked.find("aside", class_="quote").get("data-status") == "verified"
    assert cooked.find("a", class_="quote__source").get("href") == topic.post_url(1)
    assert "Lena Park" in cooked.find("div", class_="quote__title").text
    assert "no randomised controlled trials with long-term follow-ups" in cooked.find("blockquote").text
    assert answer.quotes.get().quoted_post == posts[0]


def test_demo_users_can_sign_in_and_post():
    output = load_demo()

    rivera = get_user_model().objects.get(username="dr_rivera")
    assert rivera.role == "expert" and rivera.expert_credential == "MD, physician"
    assert rivera.check_password("demo-rivera-2026")
    assert rivera.emailaddress_set.get().verified
    assert get_user_model().objects.get(username="theo").is_moderator
    assert "demo-lena-2026" in output


def test_running_demo_twice_changes_nothing():
    load_demo()
    first = counts()

    load_demo()

    assert counts() == first
    assert first["Topic"] == 5 and first["Category"] == 4
    assert Topic.objects.filter(pinned=True).count() == 1
