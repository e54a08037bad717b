"""axe-core over every main page, as a visitor, a member and a moderator, in light and dark colour
schemes (the dark pass checks contrast, the only thing a scheme changes), on a desktop and a
phone viewport: no serious or critical violation anywhere.

One browser context per person and viewport; the colour scheme is switched on the open page
(emulate_media) so each page is loaded once and scanned twice. The compact report is printed in
the terminal summary, so CI shows what was scanned even when everything passes.
"""

from collections import defaultdict

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model

from forum.discussion.editing import post_edit
from forum.models import Post, Topic
from tests.browser.conftest import REPORTS
from tests.browser.demo_pages import sign_in

# The markup is the same whichever database served it: the scan runs on the SQLite pass only.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.any_database]

SERIOUS = {"serious", "critical"}
# Rules that fail the run whatever their impact: moderate in axe's scale, but they were real
# problems here once (a screen reader's landmark list of identical "References").
ALWAYS = {"landmark-unique", "label-content-name-mismatch"}
# label-content-name-mismatch is "experimental" in axe-core, so off unless asked for.
OPTIONS = {"resultTypes": ["violations"], "rules": {"label-content-name-mismatch": {"enabled": True}}}
# Only colours change with the scheme: the dark pass checks contrast alone, which halves the time.
DARK_OPTIONS = {"resultTypes": ["violations"], "runOnly": {"type": "rule", "values": ["color-contrast"]}}
# Colour-scheme switches animate buttons' backgrounds, and a scan mid-transition sees half
# colours: pages are scanned with reduced motion asked for, which the stylesheet honours with no
# transitions. Anything still running is waited for, at most a second: Chromium 156 sometimes
# never settles a transition's `finished` (a dark-scheme switch on the review queue hung the run).
SETTLE = """Promise.race([
  Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null))),
  new Promise((resolve) => setTimeout(resolve, 1000)),
])"""
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
AXE = Axe()


def scan(page, label: str, found: dict, report: list) -> None:
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
        page.evaluate(SETTLE)
        results = AXE.run(page, options=OPTIONS if scheme == "light" else DARK_OPTIONS).response["violations"]
        serious = [v for v in results if v["impact"] in SERIOUS or v["id"] in ALWAYS]
        minor = len(results) - len(serious)
        report.append(f"{label:<58} {scheme:<5} serious/critical {len(serious)}  other {minor}")
        for violation in serious:
            targets = [" ".join(node["target"]) for node in violation["nodes"]][:3]
            found[f"{label} [{scheme}]"].append(f"{violation['id']} x{len(violation['nodes'])}: {targets}")


@pytest.fixture
def pages(demo):
    """The paths each person scans, built from the demo community plus one edited post."""
    User = get_user_model()
    people = {name: User.objects.get(username=name) for name in ("lena", "theo")}
    answer = demo.posts.get(post_number=2)
    post_edit(editor=answer.author, post=answer, raw=answer.raw + "\n\nEdited: one more line.", reason="clarity")
    flagged = Post.objects.filter(flags__isnull=False).first()
    topic = demo.get_absolute_url()
    study = demo.posts.get(post_number=1).citations.first().study
    public = ["/", "/categories/", topic, f"/studies/{study.pk}/", "/studies/", "/search/?q=naltrexone",
              "/u/lena/", f"/p/{answer.pk}/revisions/", "/accounts/login/", "/accounts/signup/",
              "/accounts/password/reset/", "/accounts/login/code/", f"{topic}evidence-summary/history/"]
    member = ["/", topic, "/new-topic/", "/notifications/", "/notifications/settings/", "/u/-/edit-profile/",
              "/accounts/email/", "/accounts/password/change/", "/u/-/account/", "/accounts/2fa/",
              "/accounts/sessions/", "/accounts/2fa/webauthn/"]
    moderator = [topic, "/review/", f"/p/{flagged.pk}/moderate/", "/review/log/", "/review/credentials/",
                 f"/p/{answer.pk}/moderate/", "/members/lena/suspend/", "/u/lena/", f"/p/{answer.pk}/flag/",
                 f"{topic}evidence-summary/"]
    return {None: public, people["lena"]: member, people["theo"]: moderator}


def test_main_pages_have_no_serious_accessibility_violations(browser, live_server, pages):
    found, report = defaultdict(list), []
    for viewport_name, viewport in VIEWPORTS.items():
        for person, paths in pages.items():
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            if person:
                sign_in(page, live_server, person)
            who = person.username if person else "visitor"
            for path in paths:
                response = page.goto(live_server.url + path)
                assert response.status == 200, f"{path} as {who}: {response.status}"
                scan(page, f"{viewport_name} {who} {path}", found, report)
            context.close()

    summary = [f"{where}: {line}" for where, lines in found.items() for line in lines]
    REPORTS.append((f"{AXE.axe_script[3:15].strip()}: {len(report)} scans, "
                    f"{len(summary) or 'no'} serious or critical findings", report + summary))
    assert dict(found) == {}


def test_the_scan_would_see_a_violation(browser, live_server, db):
    # Proof the scan reports what it should: an image link with no name is a serious violation.
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.evaluate("""() => { const a = document.createElement("a"); a.href = "/";
                             a.append(document.createElement("img")); document.querySelector("main").append(a); }""")
    found, report = defaultdict(list), []
    scan(page, "home with a nameless link", found, report)
    context.close()

    assert any("link-name" in line for lines in found.values() for line in lines)
