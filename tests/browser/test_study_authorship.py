"""A researcher cites her own study: the preview asks for a competing-interests line, and the
posted reply's chip says "author", with "Dr Ana Rivera is an author of [6]" and the statement.
Dr Rivera and her study are fictional (a synthetic 10.5555 DOI and ORCID's own example iD)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.demo_pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_author_citing_her_study_is_asked_and_the_post_says_so(page, live_server, demo):
    from tests.factories import UserFactory
    from tests.forum.study_data import stored_metadata

    rivera = UserFactory(username="arivera", display_name="Dr Ana Rivera", role="expert",
                         expert_credential="Rheumatologist, PhD", orcid="0000-0002-1825-0097")
    stored_metadata(doi="10.5555/evident-rivera-trial", title="A fictional trial of pacing in fibromyalgia",
                    year=2024, container_title="Journal of Examples",
                    authors=[{"family": "Rivera", "given": "Ana", "orcid": "0000-0002-1825-0097"}])
    sign_in(page, live_server, rivera)
    page.goto(live_server.url + demo.get_absolute_url())

    page.get_by_label("Your reply").fill("Our own trial found no benefit [@doi:10.5555/evident-rivera-trial].")
    statement = page.get_by_label(re.compile("^Competing interests"))
    expect(statement).to_be_hidden()
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("[data-composer-preview]")).to_contain_text("You are an author of [6]")
    expect(statement).to_be_visible()
    statement.fill("I led this trial; it was funded by a university grant.")
    page.screenshot(path="/tmp/evident-i15-authorship-composer.png", full_page=False)
    page.get_by_role("button", name="Post reply").click()

    reply = page.locator("#post-4")
    expect(reply.get_by_role("link", name=re.compile(r"^\[6\] .*author"))).to_be_visible()
    expect(reply.locator(".post__authorship")).to_have_text(
        "Dr Ana Rivera is an author of [6]. Competing interests: I led this trial; it was funded by a university grant.")
    expect(reply.get_by_role("link", name="ORCID 0000-0002-1825-0097")).to_have_attribute(
        "href", "https://orcid.org/0000-0002-1825-0097")
    reply.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/evident-i15-authorship-post.png")
