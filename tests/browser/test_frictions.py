"""Issue 29's frictions, in Chromium: each found by what a reader sees and the controls' names."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.demo_pages import sign_in
from tests.factories import CategoryFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = __import__("os").environ.get("FRICTIONS_SHOTS")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=False)


def regular(username="regular", **fields):
    return UserFactory(username=username, date_joined=timezone.now() - timedelta(days=90), **fields)


def test_a_too_long_post_and_title_are_each_refused_once_with_a_counter(page, live_server):
    writer = regular()
    CategoryFactory(name="Training", slug="training")
    sign_in(page, live_server, writer)

    page.goto(f"{live_server.url}/new-topic/")
    page.get_by_label("Title").fill("t" * 205)
    page.get_by_label("Category").select_option(label="Training")
    page.get_by_label("Your question").fill("x" * 40000)
    page.get_by_role("button", name="Create topic").click()

    expect(page.get_by_text("Titles are limited to 200 characters (this one has 205).")).to_have_count(1)
    shot(page, "errors-once-before")
    expect(page.get_by_text("Posts are limited to 32,000 characters (this one has 40,000).")).to_have_count(1)
    expect(page.get_by_text("limited to", exact=False)).to_have_count(2)
    expect(page.get_by_text("205 characters: 5 over the limit of 200", exact=False)).to_have_count(0)
    expect(page.get_by_text("205 of 200", exact=False)).to_have_count(0)
    shot(page, "errors-once-desktop")
    # The title has its counter, which comes back as the writer shortens it.
    page.get_by_label("Title").fill("t" * 190)
    expect(page.get_by_text("190 of 200 characters")).to_be_visible()


def test_three_mentions_in_one_topic_are_one_notification_row(page, live_server):
    from forum.discussion.posting import reply_create

    lena = regular("lena", display_name="Lena Park")
    rivera = regular("dr_rivera", display_name="Dr. Sam Rivera")
    topic = make_topic(title="Does LDN help fibromyalgia pain?")
    first = reply_create(author=rivera, topic=topic, raw="@lena the first trial is small.")
    for raw in ("@lena and the second one is short.", "@lena one more thing on dosing."):
        reply_create(author=rivera, topic=topic, raw=raw)
    sign_in(page, live_server, lena)

    page.goto(live_server.url)
    page.get_by_role("link", name="Notifications, 1 unread").click()
    menu = page.get_by_role("region", name="Latest notifications")
    row = menu.get_by_role("link", name="Unread: Dr. Sam Rivera mentioned you 3 times in “Does LDN help fibromyalgia pain?”")
    expect(row).to_be_visible()
    expect(menu.get_by_role("link", name=re.compile("mentioned you"))).to_have_count(1)
    shot(page, "grouped-mentions-desktop")
    row.click()
    expect(page).to_have_url(re.compile(rf"/{first.post_number}$|#post-{first.post_number}$|/{first.post_number}/?(#.*)?$"))


def test_a_restored_draft_takes_a_reference_after_the_writers_text(page, live_server):
    from forum.models import Draft
    from forum.discussion.drafts import draft_key

    writer = regular("priya", display_name="Priya Nair")
    topic = make_topic(title="Magnesium for sleep?")
    Draft.objects.create(user=writer, key=draft_key(topic), raw="Closer to home for sleep: ")
    sign_in(page, live_server, writer)
    page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    composer = page.get_by_label("Your reply")
    expect(composer).to_have_value("Closer to home for sleep: ")

    page.get_by_role("link", name="Add reference").click()
    dialog = page.get_by_role("dialog", name="Add reference")
    dialog.get_by_label("DOI, PMID or BibTeX").fill("@article{doe2020magnesium,\n  title = {Magnesium and sleep},\n"
                                                   "  author = {Doe, Jane},\n  journal = {Journal of Examples},\n"
                                                   "  year = {2020},\n  doi = {10.5555/example.2020.1}\n}")
    dialog.get_by_role("button", name="Look up").click()
    insert = dialog.get_by_role("button", name="Insert citation")
    expect(insert).to_be_enabled()
    insert.click()

    expect(composer).to_have_value("Closer to home for sleep: [@doi:10.5555/example.2020.1]")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_moderators_header_is_one_row_at_1440_px(page, live_server, scheme):
    from forum.models import Flag

    theo = regular("theo", display_name="Theo Grant", role="moderator")
    topic = make_topic(title="Magnesium for cramps?")
    Flag.objects.create(post=make_reply(topic=topic, raw="Buy my pills."), flagger=regular("lena"), reason="spam")
    make_reply(topic=topic, author=theo, raw="@lena noted.")  # an unread count on the bell for no one but Lena
    sign_in(page, live_server, theo)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.emulate_media(color_scheme=scheme)

    page.goto(live_server.url)

    header = page.get_by_role("banner")
    controls = [page.get_by_role("link", name="Evident", exact=False).first,
                page.get_by_role("search", name="Site"),
                page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Review")),
                page.get_by_role("link", name="New topic"),
                page.get_by_role("link", name=re.compile("^Notifications")),
                page.get_by_role("link", name="Theo Grant"),
                page.get_by_role("button", name="Sign out")]
    middles = [c.evaluate("el => { const r = el.getBoundingClientRect(); return r.top + r.height / 2; }")
               for c in controls]
    shot(page, f"moderator-header-1440-{scheme}")
    assert max(middles) - min(middles) < 8, middles
    assert header.evaluate("el => el.getBoundingClientRect().height") < 80
    # A phone keeps its own layout (the row wraps there, as it should).
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_role("link", name="New topic")).to_be_visible()
    shot(page, f"moderator-header-390-{scheme}")


@pytest.mark.parametrize("width", [1440, 390])
def test_another_sites_image_that_cannot_load_says_so_in_words(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    topic = make_topic(title="Magnesium for cramps?")
    reply = make_reply(topic=topic, author=regular("priya"),
                       raw="See ![Chart of the trials](https://img.example.org/gone.png)")
    page.route("https://img.example.org/**", lambda route: route.fulfill(status=404, body="Not found"))

    page.goto(f"{live_server.url}{reply.get_absolute_url()}")
    page.locator(f"#post-{reply.post_number}").get_by_role("link", name="Image from img.example.org - show").click()

    expect(page.get_by_role("heading", name="Image from img.example.org")).to_be_visible()
    said = page.get_by_role("status").filter(has_text="The picture could not be loaded from img.example.org")
    expect(said).to_be_visible()
    expect(page.get_by_text("Chart of the trials", exact=True)).to_be_visible()  # its caption stays
    shot(page, f"external-image-failed-{width}")


def test_the_asker_is_offered_accept_on_an_answer_but_not_on_her_own_reply(page, live_server):
    lena = regular("lena", display_name="Lena Park")
    topic = make_topic(author=lena, title="Does LDN help fibromyalgia pain?")
    answer = make_reply(topic=topic, author=regular("dr_rivera", display_name="Dr. Sam Rivera"),
                        raw="Two small trials found a modest effect.")
    own = make_reply(topic=topic, author=lena, raw="Thanks, that settles it for me.")
    sign_in(page, live_server, lena)

    page.goto(f"{live_server.url}{topic.get_absolute_url()}")

    answer_post = page.get_by_role("article", name=re.compile("Dr. Sam Rivera"))
    own_post = page.locator(f"#post-{own.post_number}")
    expect(own_post).to_contain_text("Thanks, that settles it for me.")
    expect(own_post.get_by_role("button", name="Accept answer")).to_have_count(0)
    shot(page, "accept-not-on-own-reply")
    answer_post.get_by_role("button", name="Accept answer").click()
    expect(page.locator(f"#post-{answer.post_number}").get_by_role("button", name="Unaccept answer")).to_be_visible()
