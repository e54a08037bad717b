"""An expert writes a topic's evidence summary in Chromium; members then see it at the top of the
topic and as a badge in the topic list, on a wide screen and on a phone."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from forum.models import EvidenceSummary
from tests.browser.demo_pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_expert_writes_a_summary_and_readers_see_it_and_its_badge(page, browser, live_server, demo):
    EvidenceSummary.objects.filter(topic=demo).delete()  # the demo's own; this test writes one
    User = get_user_model()
    sign_in(page, live_server, User.objects.get(username="dr_rivera"))
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    page.get_by_role("link", name="Write an evidence summary").click()

    outcome = page.get_by_role("group", name="Outcome 1")
    outcome.get_by_label("Outcome", exact=True).fill("Pain at 12 weeks")
    suggestion = outcome.get_by_role("status")
    expect(suggestion).to_contain_text("start at high")
    expect(suggestion).to_contain_text("protocol with no results yet")  # INNOVA, cited in the question
    # Ticking the studies updates the suggestion in place (the button does it without JavaScript).
    outcome.get_by_role("checkbox", name=re.compile(r"^\[\d+\] Colomer-Carbonell 2022")).check()
    expect(suggestion).to_contain_text("Only protocols or preprints: no peer-reviewed results yet.")
    outcome.get_by_role("checkbox", name=re.compile(r"^\[\d+\] Colomer-Carbonell 2022")).uncheck()
    outcome.get_by_role("checkbox", name=re.compile(r"^\[\d+\] Bested 2023")).check()
    outcome.get_by_role("checkbox", name=re.compile(r"^\[\d+\] Bruun")).check()
    expect(suggestion).to_contain_text("2 randomised trials or systematic reviews")
    expect(suggestion).not_to_contain_text("protocol")
    expect(outcome.get_by_label("Outcome", exact=True)).to_have_value("Pain at 12 weeks")  # nothing reloaded
    outcome.get_by_label("Certainty").select_option(label="Low")
    outcome.get_by_label("Inconsistency", exact=True).select_option(label="Serious")
    outcome.get_by_label("Inconsistency: reasoning").fill("Small early trials were positive; the larger ones were not.")
    outcome.get_by_label("Imprecision", exact=True).select_option(label="Serious")
    outcome.get_by_label("Imprecision: reasoning").fill("157 patients in the two trials.")
    expect(suggestion).to_contain_text("your judgements below lead to low")
    page.screenshot(path="/tmp/evident-i18c-form-desktop.png", full_page=True)
    page.get_by_role("button", name="Save summary").click()

    summary = page.get_by_role("region", name="How certain is the evidence?")
    expect(summary).to_contain_text("Low certainty for pain at 12 weeks")
    expect(summary).to_contain_text("The community's assessment, not an official GRADE rating · by Dr. Sam Rivera")
    reasoning = summary.get_by_text("157 patients in the two trials.")
    expect(reasoning).to_be_hidden()  # compact until opened
    summary.locator("summary").click()
    expect(reasoning).to_be_visible()
    # The studies it rests on carry the topic's numbers, in the Evidence panel's order.
    rests_on = [" ".join(t.split()) for t in summary.locator("ul.certainty__studies > li > a").all_inner_texts()]
    panel = [" ".join(t.split()) for t in page.locator("li.evidence__item > a").all_inner_texts()]
    numbers = [text.split(" ", 1)[0] for text in rests_on]
    assert len(rests_on) == 2 and all(re.fullmatch(r"\[\d+\]", n) for n in numbers)
    assert numbers == [text.split(" ", 1)[0] for text in panel if text.split(" ", 1)[0] in numbers]
    expect(summary).to_contain_text(f"Rests on 2 studies ({', '.join(numbers)}):")
    page.screenshot(path="/tmp/evident-i18c-topic-desktop.png")

    # A member reads it, on a phone.
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    reader = phone.new_page()
    sign_in(reader, live_server, User.objects.get(username="lena"))
    reader.goto(live_server.url + "/")
    row = reader.get_by_role("row").filter(has=reader.get_by_role("link", name=demo.title))
    expect(row).to_contain_text("Evidence: low certainty")
    row.screenshot(path="/tmp/evident-i18c-list-phone.png")
    reader.get_by_role("link", name=demo.title).click()
    summary = reader.get_by_role("region", name="How certain is the evidence?")
    expect(summary).to_contain_text("Low certainty for pain at 12 weeks")
    expect(reader.get_by_role("link", name="Write an evidence summary")).to_have_count(0)
    reader.screenshot(path="/tmp/evident-i18c-topic-phone-folded.png")
    summary.locator("summary").click()
    expect(summary.get_by_text("Small early trials were positive")).to_be_visible()
    assert summary.bounding_box()["width"] <= 390
    summary.screenshot(path="/tmp/evident-i18c-topic-phone.png")
    phone.close()
