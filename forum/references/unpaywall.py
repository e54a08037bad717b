"""Unpaywall: where a paper can be read for free, and under what terms.

`GET {UNPAYWALL_BASE_URL}/v2/{doi}?email={UNPAYWALL_EMAIL}` answers one DOI as JSON: `is_oa`,
`oa_status` (gold, green, hybrid, bronze or closed) and `best_oa_location` (null when closed)
with `url`, `url_for_pdf`, `url_for_landing_page`, `host_type` (publisher or repository),
`version` (publishedVersion, acceptedVersion, submittedVersion) and `license` (e.g. "cc-by").
An unknown DOI answers 404. Unpaywall requires the contact address on every request.

`open_access_facts` keeps those fields; links that the URL policy refuses are dropped.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from forum.markup.url_policy import checked_url

from .http import LookupFailed, ReferencesClient, unpaywall_base_url, unpaywall_email

OA_STATUSES = ("gold", "green", "hybrid", "bronze", "closed")
STATUS_LABELS = {
    "gold": "Open access (gold)",
    "green": "Open access (green)",
    "hybrid": "Open access (hybrid)",
    "bronze": "Free to read (bronze)",
    "closed": "Closed access",
}
# Why each status means what it does, for the study page.
STATUS_EXPLAINED = {
    "gold": "published open access in an open-access journal",
    "green": "a free copy in a repository",
    "hybrid": "published open access in a subscription journal",
    "bronze": "free to read on the publisher's site, without an open licence",
    "closed": "no free copy found",
}
VERSION_LABELS = {
    "publishedVersion": "the published version",
    "acceptedVersion": "the accepted manuscript",
    "submittedVersion": "the submitted manuscript (preprint)",
}
HOST_LABELS = {"publisher": "the publisher", "repository": "a repository"}


def pmc_url(pmcid: str) -> str:
    return f"https://pmc.ncbi.nlm.nih.gov/articles/{quote(pmcid)}/"


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def open_access_facts(data: Any) -> dict[str, Any]:
    """The stored open-access facts of one Unpaywall record."""
    if not isinstance(data, dict) or not isinstance(data.get("is_oa"), bool):
        raise LookupFailed("Unpaywall answered without is_oa")
    status = _text(data.get("oa_status")).lower()
    facts: dict[str, Any] = {"is_oa": data["is_oa"],
                             "oa_status": status if status in OA_STATUSES else ("closed" if not data["is_oa"] else "")}
    best = data.get("best_oa_location")
    if data["is_oa"] and isinstance(best, dict):
        for key in ("url", "url_for_pdf", "url_for_landing_page"):
            if url := checked_url(_text(best.get(key))):
                facts[key] = url
        for key in ("host_type", "version", "license"):
            if value := _text(best.get(key)):
                facts[key] = value[:100]
    return {key: value for key, value in facts.items() if value not in ("", None)}


def fetch_open_access(doi: str, *, client: ReferencesClient, use_cache: bool = True) -> dict[str, Any] | None:
    """Open-access facts for a DOI; None when no contact address is configured (Unpaywall refuses
    requests without one). Raises NotFound (unknown DOI) or LookupFailed."""
    email = unpaywall_email()
    if not email:
        return None
    url = f"{unpaywall_base_url()}/v2/{quote(doi, safe='/():;')}"
    return open_access_facts(client.get_json(url, params={"email": email}, use_cache=use_cache))


def best_url(facts: dict) -> str:
    """Where to read it: the landing page of the best copy, else its PDF."""
    return facts.get("url_for_landing_page") or facts.get("url") or facts.get("url_for_pdf") or ""


def status_label(facts: dict) -> str:
    return STATUS_LABELS.get(facts.get("oa_status", ""), "")


def location_label(facts: dict) -> str:
    """"the published version at the publisher, licence cc-by"."""
    parts = []
    version = VERSION_LABELS.get(facts.get("version", ""), "")
    host = HOST_LABELS.get(facts.get("host_type", ""), "")
    if version or host:
        parts.append(" ".join(p for p in (version or "a free copy", f"at {host}" if host else "") if p))
    if facts.get("license"):
        parts.append(f"licence {facts['license']}")
    return ", ".join(parts)
