"""Never lose or double a word, in Chromium: a 40,000-character paste kept whole and refused with
its length; a double click and Back-then-resubmit making one post; a new topic's draft coming
back with its category and tags; a refused reply staying on the topic page with its text; mail
links on the configured address; revisions marked word by word."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from forum.discussion.editing import post_edit
from forum.models import Post, Topic
from tests.browser.demo_pages import sign_in
from tests.factories import CategoryFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = "/tmp/evident-{}.png"


@pytest.fixture
def asker(db):
    return UserFactory(username="lena", display_name="Lena Park")


@pytest.fixture
def writer(db):
    return UserFactory(username="omar", display_name="Omar Haddad")


@pytest.fixture
def topic(asker):
    return make_topic(author=asker, title="Does vitamin D prevent colds?",
                      raw="Two small trials say yes, one large trial says no. Which should I believe?")


def open_topic(page, live_server, topic):
    page.goto(f"{live_server.url}{topic.get_absolute_url()}")


def test_a_40000_character_paste_is_kept_whole_and_refused_with_its_length(page, live_server, topic, writer):
    sign_in(page, live_server, writer)
    open_topic(page, live_server, topic)
    text = ("The largest trial found no effect on colds. " * 1000)[:40_000]

    box = page.get_by_label("Your reply")
    box.focus()
    page.keyboard.insert_text(text)  # what a paste does: subject to any maxlength the field had

    expect(page.get_by_text("40,000 characters: 8,000 over the limit of 32,000")).to_be_visible()
    assert box.evaluate("el => el.value.length") == 40_000
    page.get_by_role("button", name="Post reply").click()

    expect(page.get_by_role("heading", name="Does vitamin D prevent colds?", level=1)).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="Posts are limited to 32,000 characters (this one has 40,000)")
           ).to_be_visible()
    assert page.get_by_label("Your reply").evaluate("el => el.value") == text
    page.get_by_role("alert").filter(has_text="Posts are limited").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS.format("paste-refused"))
    assert Post.objects.filter(topic=topic).count() == 1


def test_a_double_click_posts_once_and_the_new_post_has_the_focus(page, live_server, topic, writer):
    sign_in(page, live_server, writer)
    open_topic(page, live_server, topic)

    page.get_by_label("Your reply").fill("The 2017 meta-analysis pooled 25 trials.")
    sent = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
    page.get_by_role("button", name="Post reply").dblclick()

    expect(page.locator("#post-2")).to_be_focused()
    assert len([url for url in sent if url.endswith("/reply/")]) == 1  # the second click sent nothing
    expect(page.locator("[data-post-notice='2']").first).to_contain_text("Your reply is posted.")
    page.screenshot(path=SHOTS.format("posted-focus"))
    assert Post.objects.filter(topic=topic, author=writer).count() == 1


def test_back_after_posting_shows_an_empty_composer(page, live_server, topic, writer):
    sign_in(page, live_server, writer)
    open_topic(page, live_server, topic)
    page.get_by_label("Your reply").fill("Posted once, never twice.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#post-2")).to_be_focused()

    page.go_back()

    expect(page.locator("#post-2")).to_be_attached()  # the page came back fresh, new post included
    expect(page.get_by_label("Your reply")).to_have_value("")
    assert Post.objects.filter(topic=topic, author=writer).count() == 1


def test_back_then_resubmit_of_the_same_form_leads_to_the_first_post(page, live_server, topic, writer):
    sign_in(page, live_server, writer)
    open_topic(page, live_server, topic)
    page.get_by_label("Your reply").fill("Sent twice, posted once.")
    form = {"raw": "Sent twice, posted once.",
            "submit_token": page.locator("input[name=submit_token]").input_value(),
            "csrfmiddlewaretoken": page.locator("form.composer input[name=csrfmiddlewaretoken]").input_value()}
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#post-2")).to_be_focused()

    # The same form arriving again (a page kept from before, a retried request) with its token.
    again = page.request.post(f"{live_server.url}/t/{topic.pk}/reply/", form=form,
                              headers={"Referer": f"{live_server.url}{topic.get_absolute_url()}"})

    assert again.ok
    assert "This reply was already posted: here it is." in again.text()
    assert Post.objects.filter(topic=topic, author=writer).count() == 1


def test_a_new_topic_draft_comes_back_with_its_category_and_tags(page, live_server, writer):
    CategoryFactory(name="Sports Medicine", slug="sports-medicine")
    CategoryFactory(name="Nutrition", slug="nutrition")
    sign_in(page, live_server, writer)
    page.goto(f"{live_server.url}/new-topic/")

    page.get_by_label("Title").fill("Is creatine safe for teenagers?")
    page.get_by_label("Category").select_option(label="Sports Medicine")
    page.get_by_label("Tags").fill("creatine, youth")
    page.get_by_label("Your question").fill("What do the trials in under-18s show?")
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    page.evaluate("localStorage.clear()")  # the server's copy alone must be enough

    page.goto(f"{live_server.url}/new-topic/")

    expect(page.get_by_label("Title")).to_have_value("Is creatine safe for teenagers?")
    expect(page.get_by_label("Category").locator("option:checked")).to_have_text("Sports Medicine")
    expect(page.get_by_label("Tags")).to_have_value("creatine, youth")
    expect(page.get_by_label("Your question")).to_have_value("What do the trials in under-18s show?")
    page.screenshot(path=SHOTS.format("draft-restored"))
    page.get_by_role("button", name="Create topic").click()
    expect(page.get_by_role("heading", name="Is creatine safe for teenagers?", level=1)).to_be_visible()
    assert Topic.objects.get().category.name == "Sports Medicine"


def test_a_refused_reply_stays_on_the_topic_page_with_its_text(page, live_server, topic, writer, settings):
    settings.FORUM_POSTS_PER_MINUTE_PER_USER = 0
    sign_in(page, live_server, writer)
    open_topic(page, live_server, topic)

    page.get_by_label("Your reply").fill("A reply the rate limit refuses.")
    page.get_by_role("button", name="Post reply").click()

    expect(page.get_by_role("heading", name="Does vitamin D prevent colds?", level=1)).to_be_visible()
    expect(page.locator("#composer-error")).to_contain_text("your text is kept")
    expect(page.get_by_label("Your reply")).to_have_value("A reply the rate limit refuses.")
    expect(page.locator("#post-1")).to_be_visible()
    page.screenshot(path=SHOTS.format("refused-reply"))


def test_flagging_confirms_beside_the_post_and_the_post_says_you_flagged_it(page, live_server, topic, writer):
    reply = make_reply(topic=topic, author=UserFactory(display_name="Sam Spam"), raw="Buy cheap pills here.")
    sign_in(page, live_server, writer)
    open_topic(page, live_server, topic)

    page.locator(f"#post-{reply.post_number}").get_by_role("link", name="Flag").click()
    page.get_by_label("Spam").check()
    page.get_by_role("button", name="Flag post").click()

    expect(page.locator(f"#post-{reply.post_number}")).to_be_focused()
    notice = page.locator(f"[data-post-notice='{reply.post_number}']")
    expect(notice).to_contain_text("Thanks: moderators will review the post")
    expect(page.locator(f"#post-{reply.post_number}").get_by_text("You flagged this")).to_be_visible()
    page.screenshot(path=SHOTS.format("flagged"))

    page.locator(f"#post-{reply.post_number}").get_by_role("link", name=f"Change your flag on post {reply.post_number}").click()
    page.get_by_label("Off-topic").check()
    page.get_by_role("button", name="Update flag").click()
    expect(page.locator(f"[data-post-notice='{reply.post_number}']")).to_contain_text(
        "You had already flagged this post: your reason is now")


def test_the_confirmation_mail_links_to_the_configured_address(page, live_server, settings, tmp_path):
    settings.EMAIL_BACKEND = "config.mail.ConsoleAndFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.SITE_URL = live_server.url

    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Email").fill("newcomer@example.org")
    page.get_by_label("Password", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("Password (again)").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("link", name="send the confirmation again")).to_be_visible()

    body = [p.read_text() for p in sorted(Path(tmp_path / "mail").glob("*.log"))][-1]
    assert "Hello from Evident!" in body
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", body).group(0)
    assert link.startswith(f"{live_server.url}/accounts/confirm-email/")

    page.goto(link)
    page.screenshot(path=SHOTS.format("confirm"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("link", name="newcomer")).to_be_visible()


def test_a_one_word_edit_is_marked_word_by_word_and_announced(page, live_server, asker):
    topic = make_topic(author=asker, title="Does vitamin D prevent colds?",
                       raw="Two small trials say yes, one large trial says no. " * 6)
    post = topic.posts.get()
    post_edit(editor=asker, post=post, raw=post.raw.replace("one large trial", "one very large trial", 1),
              reason="More exact")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone

    page.goto(f"{live_server.url}{post.revisions_url()}")

    diff = page.locator(".diff").first
    expect(diff.locator("ins")).to_have_text(re.compile(r"^\[added:\s+very\s*\]$"))
    expect(diff.locator("del")).to_have_count(0)
    expect(page.get_by_text("Changes from version 1: 1 word added, 0 removed.")).to_be_visible()
    # Wrapped to the screen: nothing to scroll sideways.
    assert diff.evaluate("el => el.scrollWidth <= el.clientWidth")
    page.screenshot(path=SHOTS.format("revisions"), full_page=True)
