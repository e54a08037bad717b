"""Unpaywall: where a paper can be read for free, and under what terms.

`GET {UNPAYWALL_BASE_URL}/v2/{doi}?email={UNPAYWALL_EMAIL}` answers one DOI as JSON: `is_oa`,
`oa_status` (gold, green, hybrid, bronze or closed) and `best_oa_location` (null when closed)
with `url`, `url_for_pdf`, `url_for_landing_page`, `host_type` (publisher or repository),
`version` (publishedVersion, acceptedVersion, submittedVersion) and `license` (e.g. "cc-by").
An unknown DOI answers 404. Unpaywall requires the contact address on every request.

`open_access_facts` keeps those fields; links that the URL policy refuses are dropped.

Older answers (and some cached ones) carry no `oa_status`, only `is_oa`, the journal's flags and
the locations. The status is then worked out from those the way Unpaywall defines it: gold when
the journal is an open-access one (in the DOAJ) and the publisher hosts the copy; hybrid when the
publisher's copy has an open licence in a toll-access journal; bronze when the publisher's copy
is free to read without a licence; green when the only free copies are in repositories. A
publisher's copy outranks a repository's, as in Unpaywall (a hybrid paper with a repository
copy is hybrid, not green).
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
    if status not in OA_STATUSES:
        status = derived_status(data)
    facts: dict[str, Any] = {"is_oa": data["is_oa"], "oa_status": status}
    best = data.get("best_oa_location")
    if not isinstance(best, dict):
        best = _best_location(_locations(data))
    if data["is_oa"] and isinstance(best, dict):
        for key in ("url", "url_for_pdf", "url_for_landing_page"):
            if url := checked_url(_text(best.get(key))):
                facts[key] = url
        for key in ("host_type", "version", "license"):
            if value := _text(best.get(key)):
                facts[key] = value[:100]
    return {key: value for key, value in facts.items() if value not in ("", None)}


def _locations(data: dict) -> list[dict]:
    found = [loc for loc in (data.get("oa_locations") or []) if isinstance(loc, dict)] \
        if isinstance(data.get("oa_locations"), list) else []
    if isinstance(data.get("best_oa_location"), dict):
        found.append(data["best_oa_location"])
    return found


def _best_location(locations: list[dict]) -> dict | None:
    """The location Unpaywall marked best; else a publisher's copy; else the first."""
    return (next((loc for loc in locations if loc.get("is_best") is True), None)
            or next((loc for loc in locations if _text(loc.get("host_type")) == "publisher"), None)
            or (locations[0] if locations else None))


def derived_status(data: dict) -> str:
    """gold, hybrid, bronze, green or closed from `is_oa`, the journal's flags and the locations
    (for answers without `oa_status`); "" when the locations do not say who hosts them."""
    if not data.get("is_oa"):
        return "closed"
    locations = _locations(data)
    publisher = [loc for loc in locations if _text(loc.get("host_type")).lower() == "publisher"]
    if publisher:
        if data.get("journal_is_in_doaj") is True or data.get("journal_is_oa") is True:
            return "gold"
        if any(_text(loc.get("license")) for loc in publisher):
            return "hybrid"
        return "bronze"
    if any(_text(loc.get("host_type")).lower() == "repository" for loc in locations):
        return "green"
    return ""


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
    """"Open access (gold)" ...; a free copy whose kind nobody could tell is still "Free to read"."""
    return STATUS_LABELS.get(facts.get("oa_status", ""), "") or ("Free to read" if facts.get("is_oa") else "")


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
