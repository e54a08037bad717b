"""Large pictures get a thumbnail at upload time: the post shows it inside a link to the full
size. Small pictures, and pictures uploaded before thumbnails existed, show the file itself."""

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from forum.models import Upload
from forum.uploads.storing import upload_create, uploads_remove_unused
from tests.factories import make_topic
from tests.parsed_html import parse

from .conftest import as_file, image_bytes

pytestmark = pytest.mark.django_db


def test_a_large_picture_gets_a_smaller_content_addressed_copy(member, settings):
    settings.FORUM_UPLOAD_THUMBNAIL_DIMENSION = 400
    upload = upload_create(uploader=member, file=as_file(image_bytes("JPEG", size=(1600, 900)), "plot.jpg"))
    assert (upload.width, upload.height) == (1600, 900)
    assert (upload.thumbnail_width, upload.thumbnail_height) == (400, 225)
    assert upload.thumbnail_name.endswith(".jpg") and upload.thumbnail_name != upload.name
    with default_storage.open(upload.thumbnail_name) as stored:
        assert Image.open(stored).size == (400, 225)
    # The same picture again: the same names, nothing stored twice.
    again = upload_create(uploader=member, file=as_file(image_bytes("JPEG", size=(1600, 900)), "again.jpg"))
    assert (again.pk, again.thumbnail_name) == (upload.pk, upload.thumbnail_name)


def test_small_pictures_and_animations_keep_no_thumbnail(member, settings):
    settings.FORUM_UPLOAD_THUMBNAIL_DIMENSION = 400
    small = upload_create(uploader=member, file=as_file(image_bytes("PNG", size=(400, 300)), "small.png"))
    frames = [Image.new("RGB", (800, 600), color) for color in ("red", "blue")]
    import io
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:])
    animation = upload_create(uploader=member, file=as_file(out.getvalue(), "moving.gif"))
    assert small.thumbnail_name == "" and animation.thumbnail_name == ""


def test_the_post_shows_the_thumbnail_linked_to_the_full_size(client, member, settings):
    settings.FORUM_UPLOAD_THUMBNAIL_DIMENSION = 400
    upload = upload_create(uploader=member, file=as_file(image_bytes("PNG", size=(1200, 600)), "plot.png"))
    topic = make_topic(author=member, raw=f"Look:\n\n![Forest plot](upload://{upload.name}) below")
    html = parse(topic.posts.get().cooked)
    link = html.find("a")
    assert link.get("href") == f"/uploads/{upload.name}"
    [image] = [child for child in link.children if child.tag == "img"]
    assert image.get("src") == f"/uploads/{upload.thumbnail_name}" and image.get("alt") == "Forest plot"
    assert (image.get("width"), image.get("height")) == ("400", "200")
    assert html.find_all("p")[1].text.strip() == "below"  # the text after the picture stays there
    thumbnail = client.get(image.get("src"))
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/png"
    assert Image.open(__import__("io").BytesIO(b"".join(thumbnail.streaming_content))).size == (400, 200)


def test_a_picture_already_inside_a_link_is_not_wrapped_again(member, settings):
    settings.FORUM_UPLOAD_THUMBNAIL_DIMENSION = 400
    upload = upload_create(uploader=member, file=as_file(image_bytes("PNG", size=(1200, 600)), "plot.png"))
    topic = make_topic(author=member, raw=f"[![Plot](upload://{upload.name})](https://example.org/trial)")
    html = parse(topic.posts.get().cooked)
    assert [a.get("href") for a in html.find_all("a")] == ["https://example.org/trial"]
    assert html.find("img").get("src") == f"/uploads/{upload.thumbnail_name}"


def test_an_upload_from_before_thumbnails_still_renders_full_size(member, settings):
    settings.FORUM_UPLOAD_THUMBNAIL_DIMENSION = 400
    upload = upload_create(uploader=member, file=as_file(image_bytes("PNG", size=(1200, 600)), "old.png"))
    Upload.objects.filter(pk=upload.pk).update(thumbnail_name="", thumbnail_width=None, thumbnail_height=None)
    topic = make_topic(author=member, raw=f"![Old plot](upload://{upload.name})")
    html = parse(topic.posts.get().cooked)
    assert html.find("img").get("src") == f"/uploads/{upload.name}" and html.find_all("a") == []


def test_removing_an_unused_upload_removes_its_thumbnail(member, settings):
    from datetime import timedelta
    from django.utils import timezone
    settings.FORUM_UPLOAD_THUMBNAIL_DIMENSION = 400
    upload = upload_create(uploader=member, file=as_file(image_bytes("PNG", size=(1200, 600)), "plot.png"))
    Upload.objects.filter(pk=upload.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert uploads_remove_unused() == [upload.name]
    assert not default_storage.exists(upload.stored_name) and not default_storage.exists(upload.thumbnail_name)
