"""The Content-Security-Policy breaks nothing: Chromium reports no violation on the main pages,
signed out and signed in, including the composer's preview (fetch + innerHTML) and the quote
button (positioned through element.style, which CSP allows)."""


import pytest
from playwright.sync_api import expect

from tests.browser.demo_pages import sign_in
from tests.factories import UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db(transaction=True)

# Runs before any page script, outside the page's CSP: records every violation the page reports.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
                              + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def watched(page):
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.csp_console = console
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations") + page.csp_console


@pytest.fixture
def content(db):
    author = UserFactory(username="cspauthor", display_name="Csp Author")
    topic = make_topic(author=author, title="Does vitamin C prevent colds?",
                       raw="Cochrane says [@doi:10.1002/14651858.CD000980.pub4] maybe.\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    make_reply(topic=topic, author=author,
               raw='[quote="cspauthor, post:1, topic:%d"]\nCochrane says\n[/quote]\n\nAgreed, @cspauthor.' % topic.pk)
    return {"author": author, "topic": topic}


PUBLIC_PAGES = ["/", "/categories/", "/studies/", "/search/?q=vitamin", "/accounts/login/", "/accounts/signup/",
                "/accounts/password/reset/", "/u/cspauthor/", "/no-such-page/"]


def test_no_violations_on_public_pages(watched, live_server, content):
    pages = PUBLIC_PAGES + [content["topic"].get_absolute_url()]
    found = {}
    for path in pages:
        watched.goto(live_server.url + path)
        watched.wait_for_load_state("load")
        watched.wait_for_timeout(300)  # live pages hold a request open: the network is never idle
        if v := violations(watched):
            found[path] = v

    assert found == {}


def test_no_violations_for_a_signed_in_member_composing(watched, live_server, content):
    member = UserFactory(username="cspmember", display_name="Csp Member")
    sign_in(watched, live_server, member)
    found = {}
    for path in ["/", "/new-topic/", "/notifications/", "/notifications/settings/", "/u/-/edit-profile/",
                 content["topic"].get_absolute_url()]:
        watched.goto(live_server.url + path)
        watched.wait_for_load_state("load")
        watched.wait_for_timeout(300)  # live pages hold a request open: the network is never idle
        if v := violations(watched):
            found[path] = v

    # The topic page: the composer's preview fills in fetched HTML; the quote button is positioned.
    composer = watched.get_by_label("Your reply")
    composer.fill("**Preview** me, with [a link](https://example.org) and ![img](https://example.org/a.png)")
    watched.get_by_role("button", name="Preview").click()
    expect(watched.locator("[data-composer-preview] strong")).to_have_text("Preview")
    watched.locator("article .cooked p").first.select_text()
    watched.mouse.up()
    watched.wait_for_timeout(300)
    if v := violations(watched):
        found["topic interactions"] = v

    assert found == {}


def test_the_watch_would_see_a_violation(watched, live_server, db):
    # Proof the listener works: an inline script the policy forbids is reported, and not run.
    watched.goto(live_server.url + "/")
    watched.evaluate("""() => { const s = document.createElement("script");
                               s.textContent = "window.__ran = true"; document.body.append(s); }""")
    watched.wait_for_timeout(200)

    assert any("script-src" in v for v in violations(watched))
    assert watched.evaluate("window.__ran") is None
