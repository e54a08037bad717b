import pytest
from django.urls import reverse
from django.utils import timezone

from forum.models import Post
from forum.uploads.storing import upload_create
from tests.factories import UserFactory, make_reply, make_topic

from .conftest import PDF, as_file, blank_png, image_bytes

pytestmark = pytest.mark.django_db


def test_the_endpoint_answers_the_markdown_to_insert(member_client):
    response = member_client.post(reverse("forum:upload_create"),
                                  {"file": as_file(image_bytes("PNG"), "plot.png", "image/png")})
    assert response.status_code == 200
    body = response.json()
    assert body["markdown"] == f"![plot](upload://{body['name']})"


@pytest.mark.parametrize("data, name, status, message", [
    (b"<html><script>alert(1)</script></html>", "photo.png", 415, "not an image we can read"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "x.svg", 415, "SVG images cannot"),
    (blank_png((6000, 6000)), "blank.png", 413, "This image is 6,000 × 6,000 pixels"),
])
def test_refusals_are_4xx_with_a_message(member_client, data, name, status, message):
    response = member_client.post(reverse("forum:upload_create"), {"file": as_file(data, name, "image/png")})
    assert response.status_code == status and message in response.json()["error"]


def test_the_endpoint_needs_a_signed_in_member_and_a_file(client, member_client):
    assert member_client.post(reverse("forum:upload_create"), {}).status_code == 400
    member_client.logout()
    response = client.post(reverse("forum:upload_create"), {"file": as_file(image_bytes("PNG"), "a.png")})
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(reverse("forum:upload_create")).status_code in (302, 405)


def test_a_new_member_is_told_they_cannot_upload_yet(client, settings):
    settings.FORUM_NEW_USER_DAYS = 2
    client.force_login(UserFactory())
    response = client.post(reverse("forum:upload_create"), {"file": as_file(image_bytes("PNG"), "a.png")})
    assert response.status_code == 429 and "New members cannot upload" in response.json()["error"]


def test_the_endpoint_requires_csrf(member):
    from django.test import Client
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    response = strict.post(reverse("forum:upload_create"), {"file": as_file(image_bytes("PNG"), "a.png")})
    assert response.status_code == 403


def test_a_posted_image_renders_and_is_served_with_nosniff(client, member):
    upload = upload_create(uploader=member, file=as_file(image_bytes("JPEG"), "run.jpg"))
    topic = make_topic(author=member, raw=f"My run:\n\n![Pace chart](upload://{upload.name})")
    post = topic.posts.get()
    assert f'<img alt="Pace chart" height="30" src="/uploads/{upload.name}" width="40">' in post.cooked
    assert list(upload.posts.all()) == [post]
    response = client.get(f"/uploads/{upload.name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.get("Content-Disposition", "")


def test_a_pdf_is_served_as_a_download(client, member):
    upload = upload_create(uploader=member, file=as_file(PDF, "handout <b>.pdf", "application/pdf"))
    make_topic(author=member, raw=f"[Handout](upload://{upload.name})")
    response = client.get(f"/uploads/{upload.name}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_unknown_upload_names_are_dropped_by_the_url_policy(member):
    topic = make_topic(author=member, raw="![x](upload://nothing.png) [y](upload://nothing.pdf)")
    cooked = topic.posts.get().cooked
    assert "upload:" not in cooked and "src=" not in cooked and "href=" not in cooked
    assert client_get_status("/uploads/nothing.png") == 404


def client_get_status(url):
    from django.test import Client
    return Client().get(url).status_code


def test_an_unposted_upload_is_seen_only_by_its_uploader_and_moderators(client, member, other_member, moderator):
    upload = upload_create(uploader=member, file=as_file(image_bytes("PNG"), "a.png"))
    url = f"/uploads/{upload.name}"
    assert client.get(url).status_code == 404
    client.force_login(other_member)
    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 200
    client.force_login(moderator)
    assert client.get(url).status_code == 200


def test_two_members_uploading_the_same_bytes_each_get_their_own_and_learn_nothing_of_the_other(client, member,
                                                                                               other_member):
    data = image_bytes("PNG", size=(1200, 900))
    client.force_login(member)
    first = client.post(reverse("forum:upload_create"), {"file": as_file(data, "maria-lopez-ecg.png")}).json()
    client.force_login(other_member)
    fresh = client.post(reverse("forum:upload_create"),
                        {"file": as_file(image_bytes("PNG", color=(0, 0, 99)), "chart.png")}).json()
    second = client.post(reverse("forum:upload_create"), {"file": as_file(data, "chart.png")}).json()

    # Told their own name and file name, answered as for bytes nobody had sent before ...
    assert second["name"] != first["name"]
    assert second["markdown"] == f"![chart](upload://{second['name']})"
    assert "maria" not in str(second)
    assert second.keys() == fresh.keys() and len(second["name"]) == len(fresh["name"])
    # ... and each fetches their own (and its thumbnail), but not the other's unposted one.
    for url in (second["url"], second["preview_url"]):
        assert client.get(url).status_code == 200
    assert client.get(first["url"]).status_code == 404
    client.force_login(member)
    assert client.get(first["url"]).status_code == 200
    assert client.get(second["url"]).status_code == 404


def test_the_same_bytes_stay_stored_while_another_members_post_shows_them(client, member, other_member):
    from datetime import timedelta

    from forum.models import Upload
    from forum.uploads.storing import uploads_remove_unused

    data = image_bytes("PNG")
    abandoned = upload_create(uploader=member, file=as_file(data, "a.png"))
    posted = upload_create(uploader=other_member, file=as_file(data, "b.png"))
    make_topic(author=other_member, raw=f"![Chart](upload://{posted.name})")
    Upload.objects.update(created_at=timezone.now() - timedelta(days=2))

    assert uploads_remove_unused() == [abandoned.name]
    assert client.get(f"/uploads/{posted.name}").status_code == 200
    assert client.get(f"/uploads/{abandoned.name}").status_code == 404


@pytest.mark.parametrize("state", ["hidden", "deleted"])
def test_a_hidden_or_deleted_posts_upload_per_role(client, member, other_member, moderator, state):
    owner = UserFactory(username="owner")
    topic = make_topic(author=member)
    upload = upload_create(uploader=owner, file=as_file(image_bytes("PNG"), "a.png"))
    reply = make_reply(topic=topic, author=owner, raw=f"![a](upload://{upload.name})")
    # The uploader of the file is not what decides here: someone else posts it too, in the post.
    upload.uploader = None
    upload.save()
    field = "hidden_at" if state == "hidden" else "deleted_at"
    Post.objects.filter(pk=reply.pk).update(**{field: timezone.now()})
    url = f"/uploads/{upload.name}"
    expected = {"anonymous": 404, "other member": 404, "moderator": 200,
                "author": 200 if state == "hidden" else 404}
    seen = {"anonymous": client.get(url).status_code}
    for label, user in [("other member", other_member), ("moderator", moderator), ("author", owner)]:
        client.force_login(user)
        seen[label] = client.get(url).status_code
    assert seen == expected
    # Shown again in a visible post, it is public.
    make_reply(topic=topic, author=member, raw=f"![again](upload://{upload.name})")
    client.logout()
    assert client.get(url).status_code == 200


def test_editing_the_picture_out_of_a_post_unlinks_it(member):
    from forum.discussion.editing import post_edit
    upload = upload_create(uploader=member, file=as_file(image_bytes("PNG"), "a.png"))
    topic = make_topic(author=member, raw=f"![a](upload://{upload.name})")
    post = topic.posts.get()
    post_edit(editor=member, post=post, raw="No picture after all.")
    assert upload.posts.count() == 0


def test_without_javascript_attach_appends_the_markdown_and_keeps_the_text(member_client, member):
    topic = make_topic(author=member)
    response = member_client.post(reverse("forum:reply", args=[topic.pk]), {
        "raw": "Here is my training log:", "attach": "1",
        "attachment": as_file(image_bytes("PNG"), "log.png", "image/png"),
    })
    assert response.status_code == 200
    raw = response.context["form"]["raw"].value()
    assert raw.startswith("Here is my training log:\n\n![log](upload://") and raw.endswith(".png)\n")
    assert '<img alt="log" height="30" src="/uploads/' in response.content.decode()  # the preview shows it
    assert topic.posts.count() == 1  # nothing posted until the writer posts


def test_without_javascript_a_refused_file_keeps_the_text(member_client, member):
    topic = make_topic(author=member)
    response = member_client.post(reverse("forum:new_topic"), {
        "title": "A title long enough", "raw": "Every word I typed.", "attach": "1",
        "attachment": as_file(b"<html>hi</html>", "evil.png", "image/png"),
    })
    assert response.status_code == 415
    page = response.content.decode()
    assert "Every word I typed." in page and "not an image we can read" in page
