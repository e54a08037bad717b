import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Forum tests create many users and never test password strength; the real hasher is
    # deliberately slow and would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference_server(settings, monkeypatch):
    """A fake Crossref and PubMed for look-ups made by services, tasks and commands.

    The references library's own tests hand a client to each call; the service layer builds its
    own, so here every client it builds talks to the same recorded-response server instead of the
    network. Queue answers with `reference_server.add(path, response)`; unknown paths answer 404.
    """
    from functools import partial

    import httpx

    from forum.references import lookup
    from forum.references.http import ReferencesClient
    from tests.forum.references.conftest import CROSSREF, PUBMED, FakeServer

    settings.CROSSREF_API_URL = CROSSREF
    settings.PUBMED_API_URL = PUBMED
    server = FakeServer()
    monkeypatch.setattr(lookup, "ReferencesClient", partial(
        ReferencesClient, transport=httpx.MockTransport(server.handler), sleep=lambda seconds: None,
        jitter=lambda: 0.0,
    ))
    return server


@pytest.fixture
def registry_server(settings, monkeypatch):
    """A fake ClinicalTrials.gov and Unpaywall for the background look-ups of registry status and
    open access (forum.evidence.registry_status). Queue recorded answers with
    `registry_server.add(path, response)`; unknown paths answer 404."""
    from functools import partial

    import httpx

    from forum.references.http import ReferencesClient
    from forum.evidence import registry_status
    from tests.forum.references.conftest import FakeServer

    settings.CLINICALTRIALS_BASE_URL = "https://clinicaltrials.test"
    settings.UNPAYWALL_BASE_URL = "https://unpaywall.test"
    settings.UNPAYWALL_EMAIL = "oa@evident.test"
    server = FakeServer()
    monkeypatch.setattr(registry_status, "ReferencesClient", partial(
        ReferencesClient, transport=httpx.MockTransport(server.handler), sleep=lambda seconds: None,
        jitter=lambda: 0.0,
    ))
    return server


# A topic of Maria's in which Omar mentions her: the notification the bell and inbox tests read.
@pytest.fixture
def topic(member):
    from tests.factories import make_topic

    return make_topic(author=member, title="Does vitamin D prevent colds?")


@pytest.fixture
def mention(topic, other_member):
    from forum.discussion.posting import reply_create
    from forum.models import Notification, NotificationKind

    post = reply_create(author=other_member, topic=topic, raw="@maria the BMJ review says otherwise.")
    return Notification.objects.get(post=post, recipient=topic.author, kind=NotificationKind.MENTIONED)
