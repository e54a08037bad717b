import os
import time

import pytest
from django.core.cache import cache

from tests.factories import PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _no_real_lookups(settings):
    # There is no internet here, and tests must not depend on it anyway: any look-up a test did
    # not stub meets a closed local port at once and fails like an outage would.
    settings.CROSSREF_API_URL = "http://127.0.0.1:9/crossref"
    settings.PUBMED_API_URL = "http://127.0.0.1:9/eutils"
    settings.CLINICALTRIALS_BASE_URL = "http://127.0.0.1:9/clinicaltrials"
    settings.UNPAYWALL_BASE_URL = "http://127.0.0.1:9/unpaywall"
    settings.REFERENCES_MAX_RETRIES = 0


@pytest.fixture(autouse=True)
def _fresh_cache():
    # allauth's rate limits live in the cache; one test's sign-ups must not throttle the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _force_login_completes_the_sign_in(monkeypatch):
    # A forced sign-in stands for a finished one, second factor included where the account has
    # one (tests/second_factor_sessions.py says why; `password_only` gives the other kind).
    from django.test import Client

    from tests.second_factor_sessions import record_sign_in

    force_login = Client.force_login

    def force_login_as_allauth_would(self, user, backend=None):
        force_login(self, user, backend)
        record_sign_in(self, user)

    monkeypatch.setattr(Client, "force_login", force_login_as_allauth_would)


@pytest.fixture
def no_page_cache(settings):
    """For tests that count after-commit callbacks: the caches' (pages, searches reused, live
    pages) own would be counted too."""
    settings.FORUM_PAGE_CACHE = settings.FORUM_FRAGMENT_CACHE = settings.FORUM_LIVE = False
    settings.FORUM_SEARCH_REUSE_SECONDS = 0


@pytest.fixture
def member(db):
    return UserFactory(username="maria", display_name="Maria Lopez")


@pytest.fixture
def other_member(db):
    return UserFactory(username="omar", display_name="Omar Haddad")


@pytest.fixture
def moderator(db):
    return UserFactory(username="mod", display_name="Moderator Mo", role="moderator")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def clock_mid_minute(monkeypatch):
    """Posting limits count per clock minute (forum/access/limits.py), so a burst that straddled a minute
    boundary would start a new count half-way; the clock stands still mid-minute instead. Returns
    a one-item list a test can move forward."""
    now = [1_000_020.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


@pytest.fixture
def password():
    return PASSWORD


# Fixtures through which a test reaches the database; `item.fixturenames` holds the closure, so
# a test asking for `member` (which needs `db`) counts too.
_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences",
                      "django_db_serialized_rollback", "live_server"}


def pytest_collection_modifyitems(config, items):
    # The suite runs once per database. A test that never touches one proves nothing new the
    # second time, so the PostgreSQL run (.ci/test-all sets this) leaves those out.
    if os.environ.get("EVIDENT_DATABASE_TESTS_ONLY") != "1":
        return
    kept, dropped = [], []
    for item in items:
        uses_db = item.get_closest_marker("django_db") or _DATABASE_FIXTURES & set(
            getattr(item, "fixturenames", ()))
        uses_db = uses_db and not item.get_closest_marker("any_database")
        (kept if uses_db else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_directory(settings, tmp_path_factory):
    # Whatever a test uploads (the demo's chart included) goes to a scratch directory, never to
    # the project's var/uploads.
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path_factory.mktemp("uploads"))},
    }}
