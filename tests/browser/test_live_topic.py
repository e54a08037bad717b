"""Live topic pages in Chromium: one reader watches while others post, edit and hide."""

import re

import pytest
from django.db import transaction
from playwright.sync_api import expect

from forum.discussion.editing import post_edit
from forum.moderation.actions import post_hide
from tests.browser.conftest import BROWSER_TIMEOUT_MS
from tests.browser.demo_pages import sign_in
from tests.factories import UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db(transaction=True)

DRAFT = "Half-written thoughts on the 2013 crossover trial, not posted yet"


@pytest.fixture
def people(db):
    return {
        "asker": UserFactory(username="lena", display_name="Lena Park"),
        "writer": UserFactory(username="sam", display_name="Sam Rivera"),
        "reader": UserFactory(username="priya", display_name="Priya Nair"),
        "moderator": UserFactory(username="theo", display_name="Theo Grant", role="moderator"),
    }


@pytest.fixture
def question(people):
    return make_topic(author=people["asker"], title="Does low-dose naltrexone help fibromyalgia pain?",
                      raw="Small trials suggest it might. What do the reviews say?")


@pytest.fixture
def second_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the second page: {errors}"


def test_a_reader_sees_a_reply_arrive_its_edit_and_its_hiding_with_the_composer_intact(
        page, second_page, live_server, people, question):
    reader, writer = page, second_page
    sign_in(reader, live_server, people["reader"])
    sign_in(writer, live_server, people["writer"])
    reader.goto(live_server.url + question.get_absolute_url())
    writer.goto(live_server.url + question.get_absolute_url())
    reader.get_by_label("Your reply").fill(DRAFT)
    reader.locator("#post-1 .post__body").select_text()

    writer.get_by_label("Your reply").fill("The 2013 crossover trial reported a modest drop in pain.")
    writer.get_by_role("button", name="Post reply").click()
    expect(writer.locator("#post-2")).to_contain_text("modest drop in pain")

    show = reader.get_by_role("button", name="1 new reply - show")
    expect(show).to_be_visible()
    # Nothing moved under the reader before they asked for it: the selection is still there.
    assert "Small trials suggest it might" in reader.evaluate("document.getSelection().toString()")
    expect(reader.locator("#post-2")).to_have_count(0)
    reader.screenshot(path="/tmp/evident-bar.png")
    show.click()
    expect(reader.locator("#post-2")).to_contain_text("modest drop in pain")
    expect(reader.get_by_label("Your reply")).to_have_value(DRAFT)

    writer.locator("#post-2").get_by_role("link", name="Edit").click()
    writer.get_by_label("Post").fill("The 2013 crossover trial reported a modest drop in pain (n=31).")
    writer.get_by_role("button", name="Save edit").click()
    expect(reader.locator("#post-2")).to_contain_text("(n=31)")
    expect(reader.locator("#post-2").get_by_role("link", name="edited")).to_be_visible()
    reader.screenshot(path="/tmp/evident-edited.png")

    post_hide(moderator=people["moderator"], post=question.posts.get(post_number=2), reason="Off-topic")
    expect(reader.locator("#post-2")).to_contain_text("This post was hidden by a moderator.")
    expect(reader.locator("#post-2")).not_to_contain_text("modest drop in pain")
    expect(reader.get_by_label("Your reply")).to_have_value(DRAFT)
    reader.screenshot(path="/tmp/evident-hidden.png")


def test_a_readers_own_reply_from_another_tab_is_not_announced(page, live_server, people, question):
    sign_in(page, live_server, people["reader"])
    page.goto(live_server.url + question.get_absolute_url())
    page.wait_for_timeout(1_200)  # the page has asked once: the reply below is news
    make_reply(topic=question, author=people["reader"], raw="Posted from my phone a moment ago.")
    expect(page.locator("#post-2")).to_contain_text("Posted from my phone")
    expect(page.get_by_role("button", name=re.compile("new repl"))).to_have_count(0)


def test_a_visitor_sees_new_posts_but_never_a_hidden_one(page, live_server, people, question):
    page.goto(live_server.url + question.get_absolute_url())
    page.wait_for_timeout(1_200)
    with transaction.atomic():
        spam = make_reply(topic=question, author=people["writer"], raw="Cheap supplements at example.com")
        post_hide(moderator=people["moderator"], post=spam, reason="Spam")
    make_reply(topic=question, author=people["asker"], raw="Thanks, the Cochrane review answers it.")

    show = page.get_by_role("button", name="1 new reply - show")
    expect(show).to_be_visible()
    show.click()
    expect(page.locator("#post-3")).to_contain_text("Cochrane review")
    expect(page.locator("#post-2")).to_have_count(0)
    assert "Cheap supplements" not in page.content()


def test_a_page_catches_up_after_the_live_connection_drops(page, live_server, people, question):
    page.route("**/live/**", lambda route: route.abort("connectionreset"))  # the live server is gone
    page.goto(live_server.url + question.get_absolute_url())
    page.wait_for_timeout(1_500)
    make_reply(topic=question, author=people["writer"], raw="Posted while the reader was cut off.")
    page.wait_for_timeout(1_000)
    expect(page.get_by_role("button", name=re.compile("new repl"))).to_have_count(0)
    page.unroute("**/live/**")  # and back

    page.get_by_role("button", name="1 new reply - show").click()
    expect(page.locator("#post-2")).to_contain_text("cut off")


def test_the_notification_bell_counts_up_while_the_page_is_open(page, live_server, people, question):
    sign_in(page, live_server, people["asker"])
    page.goto(live_server.url + question.get_absolute_url())
    bell = page.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(bell).to_have_accessible_name("Notifications")
    make_reply(topic=question, author=people["writer"], raw="An answer to your question.")
    expect(bell).to_have_accessible_name("Notifications, 1 unread")
    expect(bell.locator(".bell-count")).to_have_text("1")


def test_a_topic_list_offers_new_topics(page, live_server, people, question):
    page.goto(live_server.url + "/")
    page.wait_for_timeout(1_200)
    make_topic(author=people["writer"], title="Is tai chi as good as aerobic exercise for fibromyalgia?",
               raw="A 2018 BMJ trial compared them.")
    show = page.get_by_role("link", name="1 new or updated topic - show")
    expect(show).to_be_visible()
    page.screenshot(path="/tmp/evident-list.png")
    show.click()
    expect(page.get_by_role("link", name=re.compile("tai chi"))).to_be_visible()


def test_a_moderators_review_count_follows_the_queue(page, live_server, people, question):
    from forum.moderation.flagging import flag_create

    reply = make_reply(topic=question, author=people["writer"], raw="Cures everything, trust me.")
    sign_in(page, live_server, people["moderator"])
    page.goto(live_server.url + question.get_absolute_url())
    review = page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Review"))
    expect(review).to_have_accessible_name("Review")
    flag_create(flagger=people["reader"], post=reply, reason="other", note="No source for this claim")
    expect(review).to_have_accessible_name("Review 1 waiting")


def test_an_open_bell_menu_shows_a_new_notification_and_the_header_counts_the_reply(
        page, live_server, people, question):
    sign_in(page, live_server, people["asker"])
    page.goto(live_server.url + question.get_absolute_url())
    expect(page.locator("[data-live-posts-count]")).to_have_text("1 post")
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    menu = page.get_by_role("region", name="Latest notifications")
    expect(menu).to_contain_text("Nothing yet.")
    page.wait_for_timeout(1_200)  # the page has asked once and is held

    make_reply(topic=question, author=people["writer"], raw="An answer to your question.")
    # The open menu lists the new row without being closed and opened again.
    expect(menu.get_by_role("link", name=re.compile("Sam Rivera"))).to_be_visible()
    expect(page.locator("[data-live-posts-count]")).to_have_text("2 posts")
    page.screenshot(path="/tmp/evident-i16-bell-menu.png")


def test_the_accepted_answer_card_appears_changes_and_goes_while_the_page_is_open(page, live_server, people, question):
    from forum.discussion.answers import answer_accept

    first = make_reply(topic=question, author=people["writer"], raw="The 2013 crossover trial found a modest effect.")
    second = make_reply(topic=question, author=people["moderator"], raw="The 2022 review pooled four small trials.")
    page.goto(live_server.url + question.get_absolute_url())
    card = page.locator("aside.accepted-answer")
    expect(card).to_have_count(0)
    page.get_by_label("Search").fill("kept while the card changes")  # typed text elsewhere stays
    page.wait_for_timeout(1_200)

    answer_accept(user=people["asker"], post=first)
    expect(card).to_contain_text("Accepted answer by Sam Rivera")
    expect(card.get_by_role("link", name="Read the whole answer (#2)")).to_be_visible()
    expect(page.locator("#post-2")).to_have_class(re.compile(r"\bpost--accepted\b"))
    page.screenshot(path="/tmp/evident-i16-accepted.png")

    answer_accept(user=people["asker"], post=second)
    expect(card.get_by_role("link", name="Read the whole answer (#3)")).to_be_visible()
    expect(card).to_contain_text("Theo Grant")
    post_hide(moderator=people["moderator"], post=second, reason="Off-topic")
    expect(card).to_have_count(0)
    expect(page.get_by_label("Search")).to_have_value("kept while the card changes")
