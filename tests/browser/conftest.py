"""Chromium tests: Debian's /usr/bin/chromium driven by Playwright (never a downloaded browser)."""

import os
import shutil

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# How long any browser wait may last: navigation, clicks and every `expect`, set here once. CI
# runs on two cores shared with other work (load 10-20): pages that take 1 s on a quiet machine
# took over 10. A wait ends as soon as its condition holds, so a long limit costs nothing when
# things work; tests assert what the page shows, never how fast.
BROWSER_TIMEOUT_MS = 30_000

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures and
# assertions here are still plain synchronous code, so Django's async guard is relaxed for them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect

    # `expect` waits 5 s unless told otherwise.
    expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}: .ci/run installs it with apt-get.")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def demo(db):
    """The demo community; returns the LDN thread the product was specified from."""
    from forum.models import Topic

    with open(os.devnull, "w") as devnull:
        call_command("demo", stdout=devnull)
    return Topic.objects.get(title="Does low-dose naltrexone help fibromyalgia pain?")


# Reports a test wants shown in CI's output even when it passes (the axe-core scan's table).
REPORTS = []


def pytest_terminal_summary(terminalreporter):
    for title, lines in REPORTS:
        terminalreporter.write_sep("-", title)
        for line in lines:
            terminalreporter.write_line(line)
