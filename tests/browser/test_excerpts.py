"""Text shown outside the post, in Chromium: the accepted answer's card and the review queue read
as text (no citation or quote markup), a flag names the citation it is about and its flagger reads
the moderator's reason; a member's suggested study correction carries a note, and the member hears
the moderator's decision with the reason."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from forum.markup.excerpt import cut_at_word
from forum.models import Flag, Study, StudySuggestion
from tests.browser.demo_pages import log_in
from tests.factories import make_reply, make_topic

pytestmark = pytest.mark.django_db(transaction=True)

ANSWER_TEXT = "quoting lena: “Does it help the pain?” The protocol was small but the pain fell [1]."
DISAGREE_REASON = "The trial did report less pain; the flag asks for more than it claims."
REJECT_REASON = "PAIN Reports is right: it is the journal on the DOI's record."
# The demo's Bested 2023 study, pasted with a made-up author, journal and year and no DOI.
FAKE_BESTED = """@article{bested2023naltrexone,
  title = {Low-dose naltrexone for treatment of pain in patients with fibromyalgia: a randomized,
           double-blind, placebo-controlled, crossover study},
  author = {Nobody, Anna},
  journal = {Journal of Made Up Results},
  year = {1999}
}"""


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_excerpts_read_as_text_and_a_flag_about_a_citation_reaches_its_moderator_and_back(page, live_server, demo):
    User = get_user_model()
    lena, priya = User.objects.get(username="lena"), User.objects.get(username="priya")
    bested = Study.objects.get(bibtex_key="bested2023naltrexone")
    topic = make_topic(author=lena, title="Is a small trial enough to try naltrexone?", raw="Does it help the pain?")
    answer = make_reply(topic=topic, author=priya,
                        raw=f'[quote="lena, post:1, topic:{topic.pk}"]\nDoes it help the pain?\n[/quote]\n\n'
                            "The *protocol* was small but the pain fell [@bested2023naltrexone supports].")

    # The asker accepts the answer: its card under the question reads as text.
    log_in(page, live_server, "lena", "demo-lena-2026")
    page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    page.locator("#post-2").get_by_role("button", name="Accept answer").click()
    card = page.get_by_role("complementary", name=re.compile("^Accepted answer"))
    expect(card.get_by_role("paragraph").first).to_have_text(ANSWER_TEXT)
    for markup in ("[@", "supports]", "[quote", "*protocol*"):
        assert markup not in card.inner_text()
    page.screenshot(path="/tmp/evident-accepted-excerpt.png", full_page=True)

    # She flags the answer's citation, choosing it by the number the page shows.
    page.locator("#post-2").get_by_role("link", name="Flag").click()
    expect(page.locator(".flag-excerpt")).to_have_text(ANSWER_TEXT)
    page.get_by_role("radio", name="The cited study does not say this").check()
    page.get_by_label("Which citation?").select_option(label=f"[1] Bested 2023: {cut_at_word(bested.title, 90)}")
    page.get_by_label("Note for the moderators").fill("The trial was a pilot; it did not show this.")
    page.get_by_role("button", name="Flag post").click()
    expect(page.get_by_text("moderators will review the post")).to_be_visible()
    assert Flag.objects.get(post=answer).study == bested
    sign_out(page)

    # The moderator (signed in with the second factor) sees the study the flag is about.
    log_in(page, live_server, "theo", "demo-theo-2026")
    page.goto(f"{live_server.url}/review/")
    item = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=re.compile(topic.title)))
    expect(item.locator(".review-item__excerpt")).to_contain_text("the pain fell [1].")
    about = item.get_by_role("link", name=re.compile(r"^\[1\] Bested 2023: "))
    expect(about).to_have_attribute("href", bested.get_absolute_url())
    assert "[@" not in item.inner_text()
    page.screenshot(path="/tmp/evident-review-citation.png", full_page=True)
    item.get_by_label(re.compile("^Reason")).fill(DISAGREE_REASON)
    item.get_by_role("button", name="Disagree").click()
    expect(page.get_by_text("Settled 1 flag")).to_be_visible()
    sign_out(page)

    # The flagger reads the outcome with the moderator's reason.
    log_in(page, live_server, "lena", "demo-lena-2026")
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    row = page.get_by_role("listitem").filter(has_text="reviewed your flag")
    expect(row).to_contain_text(f"Reviewed: no action needed. Reason: {DISAGREE_REASON}")


def test_a_suggested_correction_carries_a_note_and_its_member_hears_the_decision(page, live_server, demo):
    bested = Study.objects.get(bibtex_key="bested2023naltrexone")

    # A member's paste disagrees with the stored study; from the composer's dialog she sends it
    # to the moderators with a note.
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    page.get_by_role("link", name="Add reference").click()
    dialog = page.get_by_role("dialog", name="Add reference")
    dialog.get_by_label("DOI, PMID or BibTeX").fill(FAKE_BESTED)
    dialog.get_by_role("button", name="Look up").click()
    result = dialog.get_by_role("listitem").filter(has_text="Already in the library")
    result.get_by_label("What is wrong with the stored record?").fill("My copy names another journal")
    result.get_by_role("button", name="Suggest a correction").click()
    expect(result).to_contain_text("Sent to the moderators as a suggested correction")
    assert StudySuggestion.objects.get().note == "My copy names another journal"
    dialog.get_by_role("button", name="Cancel").click()
    sign_out(page)

    # A moderator reads the note and rejects the suggestion, saying why.
    log_in(page, live_server, "theo", "demo-theo-2026")
    page.goto(f"{live_server.url}/review/")
    page.get_by_role("link", name=re.compile("^Suggested study corrections")).click()
    card = page.get_by_role("region", name=bested.title)
    expect(card).to_contain_text("Note: My copy names another journal")
    card.get_by_label("Reason (optional)").fill(REJECT_REASON)
    card.get_by_role("button", name="Reject correction").click()
    expect(page.get_by_text("Suggestion rejected")).to_be_visible()
    sign_out(page)

    # The member hears it, with the reason, and the notification leads to the study.
    log_in(page, live_server, "priya", "demo-priya-2026")
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    row = page.get_by_role("listitem").filter(has_text="reviewed your suggested study correction")
    expect(row).to_contain_text(f"is unchanged. Reason: {REJECT_REASON}")
    page.screenshot(path="/tmp/evident-suggestion-outcome.png", full_page=True)
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(bested.title)
