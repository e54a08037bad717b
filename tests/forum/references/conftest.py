import json
from pathlib import Path

import httpx
import pytest

from forum.references.http import ReferencesClient

FIXTURES = Path(__file__).parent / "fixtures"
CROSSREF = "https://crossref.test"
PUBMED = "https://eutils.test/entrez/eutils"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def fixture_json(name: str):
    return json.loads(fixture_text(name))


class FakeServer:
    """Answers requests from a queue of responses per path; records every request."""

    def __init__(self):
        self.routes: dict[str, list] = {}
        self.requests: list[httpx.Request] = []

    def add(self, path: str, *responses) -> None:
        self.routes.setdefault(path, []).extend(responses)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        queue = self.routes.get(request.url.path)
        if not queue:
            return httpx.Response(404, text="Resource not found.")
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def requests_to(self, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == path]


@pytest.fixture(autouse=True)
def _reference_settings(settings):
    settings.CROSSREF_API_URL = CROSSREF
    settings.PUBMED_API_URL = PUBMED
    settings.REFERENCES_CONTACT_EMAIL = "team@evident.test"
    settings.REFERENCES_MAX_RETRIES = 3  # the suite-wide default is 0 (no real look-ups); these tests exercise retries


@pytest.fixture
def server():
    return FakeServer()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(server, sleeps):
    with ReferencesClient(
        transport=httpx.MockTransport(server.handler),
        sleep=sleeps.append,
        clock=lambda: 0.0,
        jitter=lambda: 0.0,
    ) as reference_client:
        yield reference_client


def json_response(name: str, status: int = 200, **kwargs) -> httpx.Response:
    return httpx.Response(
        status, text=fixture_text(name), headers={"content-type": "application/json"}, **kwargs
    )
