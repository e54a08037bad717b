"""FORUM_UPLOADS_PER_POST: how many uploaded files one post may show. Over it, the post is refused
with the limit named and the text given back; an edit that adds none is never refused."""

import pytest
from django.urls import reverse

from forum.access.limits import LimitExceeded
from forum.discussion.editing import post_edit
from forum.discussion.posting import reply_create
from forum.models import Post
from forum.uploads.storing import upload_create
from tests.factories import make_topic
from tests.parsed_html import parse

from .conftest import as_file, image_bytes

pytestmark = pytest.mark.django_db


def _pictures(member, count):
    uploads = [upload_create(uploader=member, file=as_file(image_bytes("PNG", color=(10 * n, 40, 90)), f"p{n}.png"))
               for n in range(count)]
    return "\n\n".join(f"![Picture {n}](upload://{upload.name})" for n, upload in enumerate(uploads))


def test_a_reply_over_the_limit_is_refused_with_the_limit_and_the_text_kept(member_client, member, settings):
    settings.FORUM_UPLOADS_PER_POST = 2
    topic = make_topic(author=member)
    raw = "Three charts from my log:\n\n" + _pictures(member, 3)
    response = member_client.post(reverse("forum:reply", args=[topic.pk]), {"raw": raw})
    assert response.status_code == 429
    page = response.content.decode()
    assert "A post can show at most 2 uploaded files; this one has 3." in page
    assert parse(page).find("textarea", name="raw").text == raw
    assert topic.posts.count() == 1


def test_the_same_picture_twice_counts_once_and_the_limit_itself_is_allowed(member, settings):
    settings.FORUM_UPLOADS_PER_POST = 2
    topic = make_topic(author=member)
    two = _pictures(member, 2)
    post = reply_create(author=member, topic=topic, raw=two + "\n\n" + two)
    assert post.uploads.count() == 2


def test_a_new_topic_over_the_limit_is_refused(member_client, member, settings):
    from tests.factories import CategoryFactory
    settings.FORUM_UPLOADS_PER_POST = 1
    raw = _pictures(member, 2)
    response = member_client.post(reverse("forum:new_topic"), {
        "title": "Two pictures of my training", "raw": raw, "category": CategoryFactory().pk})
    assert response.status_code == 429 and "at most 1 uploaded file" in response.content.decode()
    assert response.context["form"]["raw"].value() == raw


def test_an_edit_may_not_add_uploads_past_the_limit_but_may_keep_what_was_there(member, settings):
    topic = make_topic(author=member)
    post = reply_create(author=member, topic=topic, raw=_pictures(member, 3))
    settings.FORUM_UPLOADS_PER_POST = 2  # lowered after the post
    edited = post_edit(editor=member, post=post, raw=post.raw + "\n\nA caption for all three.")
    assert edited.uploads.count() == 3
    with pytest.raises(LimitExceeded, match="at most 2 uploaded files; this one has 4"):
        post_edit(editor=member, post=Post.objects.get(pk=post.pk), raw=edited.raw + "\n\n" + _pictures(member, 4))
