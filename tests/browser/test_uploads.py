"""Pictures in Chromium: Priya uploads a chart with the Upload button, describes it, pastes a
second picture, posts, and both pictures show in her reply."""

import base64
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from forum.models import Post
from tests.browser.demo_pages import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _png(color, size=(240, 120)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def test_a_picture_uploaded_by_the_button_and_one_pasted_show_in_the_reply(page, live_server, demo, settings,
                                                                           tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    settings.FORUM_NEW_USER_DAYS = settings.FORUM_NEW_USER_MIN_POSTS = 0
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")

    composer = page.get_by_label("Your reply")
    composer.fill("My plot of the trials:")
    page.once("dialog", lambda dialog: dialog.accept("Forest plot of four trials"))
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Upload", exact=True).click()
    chooser.value.set_files(files=[{"name": "plot.png", "mimeType": "image/png", "buffer": _png((30, 90, 200))}])
    expect(composer).to_have_value(re.compile(r"^My plot of the trials:\n!\[Forest plot of four trials\]"
                                              r"\(upload://[0-9a-f]{64}\.png\)\n$"))

    page.once("dialog", lambda dialog: dialog.accept("Pasted log"))
    composer.evaluate("""(input, b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], "image.png", { type: "image/png" }));
        input.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    }""", base64.b64encode(_png((200, 60, 30), size=(120, 60))).decode())
    expect(composer).to_have_value(re.compile(r"!\[Pasted log\]\(upload://[0-9a-f]{64}\.png\)\n$"))

    page.get_by_role("button", name="Post reply").click()
    expect(page).to_have_url(re.compile(r"#post-\d+$"))
    post = Post.objects.filter(topic=demo, author__username="priya").latest("post_number")
    article = page.locator(f"#post-{post.post_number}")
    for alt in ("Forest plot of four trials", "Pasted log"):
        picture = article.get_by_role("img", name=alt)
        expect(picture).to_be_visible()
        assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
    article.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/evident-upload.png")


def test_another_sites_image_loads_only_when_the_reader_asks(page, live_server, demo):
    from tests.factories import make_reply
    author = Post.objects.filter(topic=demo).first().author
    reply = make_reply(topic=demo, author=author, raw="See ![Chart of the trials](https://img.example.org/c.png)")
    requested = []
    page.on("request", lambda request: requested.append(request.url) if "img.example.org" in request.url else None)
    page.route("https://img.example.org/**", lambda route: route.fulfill(body=_png((20, 160, 60)),
                                                                          content_type="image/png"))
    page.goto(f"{live_server.url}{reply.get_absolute_url()}")
    article = page.locator(f"#post-{reply.post_number}")
    show = article.get_by_role("link", name="Image from img.example.org - show")
    expect(show).to_be_visible()
    assert requested == []  # reading the post asked nothing of the other site
    show.click()
    picture = article.get_by_role("img", name="Chart of the trials")
    expect(picture).to_be_visible()
    assert requested == ["https://img.example.org/c.png"]
    page.screenshot(path="/tmp/evident-external.png")
