from collections import Counter

import pytest

# The fake Crossref the service layer talks to, shared with the forum tests.
from tests.forum.conftest import reference_server  # noqa: F401

# How many vectors went into each field, and how many pages were parsed: the figures the
# hardening note asks for, printed at the end of a run that includes these tests.
TALLY: Counter = Counter()
PAGES: Counter = Counter()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hundreds of members are created here; the real hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_terminal_summary(terminalreporter):
    if not TALLY:
        return
    terminalreporter.section("hostile markup corpus")
    for field, count in sorted(TALLY.items()):
        terminalreporter.write_line(f"{field:>24}: {count} vectors, {PAGES[field]} pages or fragments parsed")
    terminalreporter.write_line(f"{'total':>24}: {sum(TALLY.values())} vector x field trials, "
                                f"{sum(PAGES.values())} pages or fragments parsed")
