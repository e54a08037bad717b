"""A reader meets a citation whose registry could not be reached: the post reads "look-up
delayed, will retry", the study page says so in words, and no error, address or contact shows."""

import pytest
from playwright.sync_api import expect

from forum.models import LookupState, Study
from tests.factories import make_topic

pytestmark = pytest.mark.django_db(transaction=True)

DOI = "10.5555/delayed.2024.1"  # Crossref's test prefix: never a real paper


def test_a_delayed_look_up_reads_as_delayed_and_hides_the_error(page, live_server):
    Study.objects.create(doi=DOI, lookup_state=LookupState.DELAYED, lookup_attempts=2,
                         lookup_error="https://api.crossref.org/works/x?mailto=team@evident.example: HTTP 503")
    topic = make_topic(title="Does magnesium help sleep?", raw=f"One trial says so [@doi:{DOI}].")
    Study.objects.filter(doi=DOI).update(lookup_state=LookupState.DELAYED)  # the citation re-queued it

    page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    expect(page.get_by_text(f"look-up delayed, will retry: {DOI}").first).to_be_visible()
    page.screenshot(path="/tmp/evident-delayed-post.png")

    page.goto(f"{live_server.url}{Study.objects.get(doi=DOI).get_absolute_url()}")
    expect(page.get_by_role("status")).to_contain_text("Look-up delayed, will retry")
    body = page.locator("body").inner_text()
    assert "mailto" not in body and "crossref.org" not in body and "HTTP 503" not in body
    page.screenshot(path="/tmp/evident-delayed-study.png")
