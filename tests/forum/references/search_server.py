"""Crossref and PubMed on loopback, answering searches from the recorded responses in fixtures/,
for view and browser tests. `slow` makes every answer wait that many seconds first."""

import time
from urllib.parse import parse_qs, urlsplit

from tests.loopback import JsonHandler, LoopbackServer

from .conftest import fixture_json


def registry_handler(*, slow: float = 0.0, requests: list | None = None):
    seen = requests if requests is not None else []

    class Handler(JsonHandler):
        def do_GET(self):
            parts = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            seen.append((parts.path, query))
            if slow:
                time.sleep(slow)
            words = (query.get("query.bibliographic") or query.get("term") or "").lower()
            matches = "naltrexone" in words or "younger" in words or "fibromyalgia" in words
            if parts.path == "/crossref/works":
                body = fixture_json("crossref_search_naltrexone_fibromyalgia.json")
                if not matches:
                    body["message"]["items"], body["message"]["total-results"] = [], 0
                return self.send_json(body)
            if parts.path.startswith("/crossref/works/"):
                doi = parts.path.removeprefix("/crossref/works/").lower()
                names = {"10.1002/art.37734": "younger2013", "10.1111/j.1526-4637.2009.00613.x": "younger2009",
                         "10.1097/pr9.0000000000001080": "bested2023", "10.5555/evident-retracted": "synthetic_retracted"}
                if doi in names:
                    return self.send_json(fixture_json(f"crossref_{names[doi]}.json"))
                return self.send_json({"status": "error"}, status=404)
            if parts.path == "/eutils/esearch.fcgi":
                if words == "pmc9999901":  # a synthetic PubMed Central article (see the README)
                    body = fixture_json("esearch_nothing.json")
                    body["esearchresult"].update(count="1", retmax="1", idlist=["99999901"])
                    return self.send_json(body)
                if words.endswith("[doi]"):
                    return self.send_json(fixture_json("esearch_nothing.json"))
                return self.send_json(fixture_json("esearch_naltrexone_fibromyalgia.json" if matches
                                                   else "esearch_nothing.json"))
            if parts.path == "/eutils/esummary.fcgi":
                if query.get("id") == "99999901":
                    return self.send_json(fixture_json("esummary_synthetic_pmc.json"))
                return self.send_json(fixture_json("esummary_naltrexone_fibromyalgia.json"))
            return self.send_json({"error": "not found"}, status=404)

    return Handler


def registries(settings, *, slow: float = 0.0, requests: list | None = None) -> LoopbackServer:
    """A started-on-enter fake of both registries; points the settings at it."""
    server = LoopbackServer(registry_handler(slow=slow, requests=requests))
    settings.CROSSREF_API_URL = f"{server.url}/crossref"
    settings.PUBMED_API_URL = f"{server.url}/eutils"
    return server
