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
    # The writer's cursor is at the start of her text: the picture goes there, not at the end.
    composer.evaluate("el => el.setSelectionRange(el.value.length, el.value.length)")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Upload", exact=True).click()
    chooser.value.set_files(files=[{"name": "plot.png", "mimeType": "image/png", "buffer": _png((30, 90, 200))}])
    # Alt text is asked in the page's own dialog, empty rather than pre-filled with the file name.
    dialog = page.get_by_role("dialog", name="Describe the picture")
    expect(dialog).to_be_visible()
    described = dialog.get_by_label("What it shows, for people who cannot see it")
    expect(described).to_have_value("")
    expect(described).to_be_focused()
    page.screenshot(path="/tmp/evident-alt-dialog.png")
    described.fill("Forest plot of four trials")
    dialog.get_by_role("button", name="Add picture").click()
    expect(dialog).to_be_hidden()
    expect(composer).to_have_value(re.compile(r"^My plot of the trials:\n!\[Forest plot of four trials\]"
                                              r"\(upload://[0-9a-f]{64}\.png\)\n$"))

    composer.evaluate("""(input, b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], "image.png", { type: "image/png" }));
        input.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    }""", base64.b64encode(_png((200, 60, 30), size=(120, 60))).decode())
    dialog.get_by_label("What it shows, for people who cannot see it").fill("Pasted log")
    dialog.get_by_role("button", name="Add picture").click()
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
    page.on("request", lambda request: requested.append(request)
            if request.url.startswith("https://img.example.org/") else None)
    page.route("https://img.example.org/**", lambda route: route.fulfill(body=_png((20, 160, 60)),
                                                                          content_type="image/png"))
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(f"{live_server.url}{reply.get_absolute_url()}")
    article = page.locator(f"#post-{reply.post_number}")
    show = article.get_by_role("link", name="Image from img.example.org - show")
    expect(show).to_be_visible()
    assert requested == []  # reading the post asked nothing of the other site
    show.click()
    # The one page allowed to load it says where it comes from; the other site learns no referrer.
    expect(page.get_by_role("heading", name="Image from img.example.org")).to_be_visible()
    picture = page.get_by_role("img", name="Chart of the trials")
    expect(picture).to_be_visible()
    page.wait_for_function("() => document.querySelector('main img, .card img').naturalWidth > 0")
    assert [request.url for request in requested] == ["https://img.example.org/c.png"]
    assert "referer" not in requested[0].headers
    assert violations == []
    page.screenshot(path="/tmp/evident-i19-external.png")
    page.get_by_role("link", name="Back to the post").click()
    expect(page.locator(f"#post-{reply.post_number}")).to_be_visible()

def _uploads_in(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    settings.FORUM_NEW_USER_DAYS = settings.FORUM_NEW_USER_MIN_POSTS = 0


DROP = """(composer, files) => {
    const data = new DataTransfer();
    for (const [name, type, b64] of files) {
        data.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type }));
    }
    for (const kind of ["dragenter", "dragover", "drop"]) {
        composer.dispatchEvent(new DragEvent(kind, { dataTransfer: data, bubbles: true, cancelable: true }));
    }
}"""


def test_a_dropped_picture_shows_progress_then_a_preview_and_is_inserted(page, live_server, demo, settings,
                                                                           tmp_path):
    _uploads_in(settings, tmp_path)
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    # The answer is held back a moment, so the progress bar can be seen before the preview.
    page.route("**/uploads/", lambda route: (page.wait_for_timeout(1200), route.continue_()))
    composer = page.get_by_label("Your reply")
    composer.fill("Dropped:")
    composer.evaluate(DROP, [["splits.png", "image/png", base64.b64encode(_png((30, 140, 90))).decode()]])

    progress = page.get_by_role("progressbar", name="Uploading splits.png")
    expect(progress).to_be_visible()
    page.screenshot(path="/tmp/evident-i19-upload-progress.png")
    dialog = page.get_by_role("dialog", name="Describe the picture")
    dialog.get_by_label("What it shows, for people who cannot see it").fill("Rowing splits by week")
    dialog.get_by_role("button", name="Add picture").click()
    expect(composer).to_have_value(re.compile(r"^Dropped:\n!\[Rowing splits by week\]\(upload://[0-9a-f]{64}\.png\)\n$"))
    expect(progress).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Uploaded splits.png.")).to_be_visible()
    row = page.get_by_role("list", name="Uploads").get_by_role("listitem")
    expect(row).to_contain_text("splits.png")
    assert row.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    page.screenshot(path="/tmp/evident-i19-upload-dropped.png")


def test_a_refused_drop_says_why_beside_the_composer_and_keeps_the_text(page, live_server, demo, settings,
                                                                         tmp_path):
    _uploads_in(settings, tmp_path)
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    composer = page.get_by_label("Your reply")
    composer.fill("Every word I typed.")
    composer.evaluate(DROP, [["page.svg", "image/svg+xml",
                              base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg"/>').decode()],
                             ["handout.pdf", "application/pdf",
                              base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()]])
    expect(page.get_by_role("alert").filter(has_text="SVG images cannot be uploaded")).to_be_visible()
    # The PDF after it still arrives, shown by its name, and becomes a link.
    expect(composer).to_have_value(re.compile(r"^Every word I typed\.\n\[handout\.pdf\]\(upload://[0-9a-f]{64}\.pdf\)\n$"))
    expect(page.get_by_role("list", name="Uploads").get_by_role("listitem").filter(has_text="handout.pdf")) \
        .to_contain_text("PDF")
    page.screenshot(path="/tmp/evident-i19-upload-refused.png")


def _post_with_large_picture(demo, settings):
    from forum.uploads.storing import upload_create
    from tests.factories import make_reply
    from django.core.files.uploadedfile import SimpleUploadedFile
    settings.FORUM_UPLOAD_THUMBNAIL_DIMENSION = 300
    author = Post.objects.filter(topic=demo).first().author
    upload = upload_create(uploader=author, file=SimpleUploadedFile("plot.png", _png((40, 80, 160), size=(1200, 600))))
    return make_reply(topic=demo, author=author, raw=f"The plot:\n\n![Forest plot of four trials](upload://{upload.name})")


def test_a_thumbnail_opens_full_size_in_a_lightbox_closed_by_keyboard(page, live_server, demo, settings, tmp_path):
    _uploads_in(settings, tmp_path)
    reply = _post_with_large_picture(demo, settings)
    page.goto(f"{live_server.url}{reply.get_absolute_url()}")
    thumbnail = page.locator(f"#post-{reply.post_number}").get_by_role("img", name="Forest plot of four trials")
    assert thumbnail.evaluate("img => img.naturalWidth") == 300
    thumbnail.focus()  # not focusable itself: focus the link around it
    link = page.locator(f"#post-{reply.post_number} a:has(img)")
    link.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Forest plot of four trials")
    expect(dialog).to_be_visible()
    full = dialog.get_by_role("img", name="Forest plot of four trials")
    expect(full).to_be_visible()
    page.wait_for_function("() => document.querySelector('dialog.lightbox img').naturalWidth === 1200")
    close = dialog.get_by_role("button", name="Close")
    expect(close).to_be_focused()
    for _ in range(3):  # Tab stays inside the dialog
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('dialog') !== null")
    page.screenshot(path="/tmp/evident-i19-lightbox.png")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(link).to_be_focused()
    link.press("Enter")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close").press("Enter")
    expect(dialog).to_be_hidden()


def test_without_javascript_the_thumbnail_is_a_link_to_the_full_picture(browser, live_server, demo, settings,
                                                                         tmp_path):
    _uploads_in(settings, tmp_path)
    reply = _post_with_large_picture(demo, settings)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{reply.get_absolute_url()}")
        article = page.locator(f"#post-{reply.post_number}")
        article.get_by_role("link", name="Forest plot of four trials").click()
        expect(page).to_have_url(re.compile(r"/uploads/[0-9a-f]{64}\.png$"))
        assert page.evaluate("document.querySelector('img').naturalWidth") == 1200
    finally:
        context.close()


def test_the_demo_chart_opens_full_size_with_no_policy_violation(page, live_server, demo):
    from forum.demo.chart import ALT
    from forum.models import Topic
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    topic = Topic.objects.get(title="How often should a masters athlete lift heavy?")
    page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    chart = page.get_by_role("img", name=ALT)
    chart.scroll_into_view_if_needed()
    expect(chart).to_be_visible()
    page.screenshot(path="/tmp/evident-i19-demo-chart.png")
    chart.click()
    expect(page.get_by_role("dialog", name=ALT)).to_be_visible()
    page.wait_for_function("() => document.querySelector('dialog.lightbox img').naturalWidth === 960")
    page.screenshot(path="/tmp/evident-i19-demo-lightbox.png")
    page.keyboard.press("Escape")
    expect(page.locator("dialog.lightbox")).to_be_hidden()
    assert violations == []
