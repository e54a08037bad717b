"""Crossref works by DOI: `GET {CROSSREF_API_URL}/works/{doi}` → `StudyMetadata`.

The record's `message` carries the fields mapped below; titles and names may contain HTML and
entities, abstracts are JATS XML. Everything textual is reduced to plain text here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .http import LookupFailed, ReferencesClient, contact_email
from .identifiers import (
    InvalidIdentifier,
    find_registrations,
    normalize_doi,
    normalize_orcid,
    normalize_registration,
)
from .metadata import StudyMetadata, is_null, normalize_pages
from .plain_text import jats_to_text, markup_to_text


def work_url(doi: str, *, client: ReferencesClient) -> str:
    # Crossref treats DOIs case-insensitively; the lowercase form keeps one cache entry per DOI.
    return f"{client.crossref_url}/works/{quote(normalize_doi(doi), safe='/()')}"


def fetch_work(
    doi: str, *, client: ReferencesClient | None = None, use_cache: bool = True
) -> StudyMetadata:
    """Crossref's record for `doi`.

    Raises `InvalidIdentifier` for a malformed DOI, `NotFound` when Crossref has no such work,
    and `LookupFailed` for timeouts, server errors and answers that are not a work record.
    """
    own_client = client is None
    client = client or ReferencesClient()
    try:
        url = work_url(doi, client=client)
        params = {"mailto": contact_email()} if contact_email() else None
        payload = client.get_json(url, params=params, use_cache=use_cache)
    finally:
        if own_client:
            client.close()
    if not isinstance(payload, dict) or not isinstance(payload.get("message"), dict):
        raise LookupFailed(f"Crossref answered for {doi} without a work record")
    return parse_work(payload["message"])


def _first(value: Any) -> str:
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str) and item.strip()), "")
    return value if isinstance(value, str) else ""


def _date_parts(value: Any) -> list[int]:
    try:
        parts = value["date-parts"][0]
        return [int(part) for part in parts if part is not None]
    except (KeyError, IndexError, TypeError, ValueError):
        return []


def _iso_date(value: Any) -> str:
    parts = _date_parts(value)
    return "-".join(f"{part:02d}" if index else f"{part:04d}" for index, part in enumerate(parts))


def _authors(raw_authors: Any) -> list[dict[str, str]]:
    authors: list[dict[str, str]] = []
    for raw in raw_authors if isinstance(raw_authors, list) else []:
        if not isinstance(raw, dict):
            continue
        raw = {key: value for key, value in raw.items() if not is_null(value)}
        author: dict[str, str] = {}
        if raw.get("family"):
            author["family"] = markup_to_text(raw["family"])
            if raw.get("given"):
                author["given"] = markup_to_text(raw["given"])
        elif raw.get("name"):
            author["literal"] = markup_to_text(raw["name"])
        elif raw.get("given"):
            author["literal"] = markup_to_text(raw["given"])
        else:
            continue
        if orcid := _orcid(raw.get("ORCID")):
            author["orcid"] = orcid
        authors.append(author)
    return authors


def _orcid(value: Any) -> str:
    # "http://orcid.org/0000-0002-1825-0097" in Crossref's records; matched against members' iDs.
    try:
        return normalize_orcid(value) if isinstance(value, str) else ""
    except InvalidIdentifier:
        return ""


def _updates(raw_updates: Any) -> list[dict[str, str]]:
    """`updated-by` (notices about this work) or `update-to` (works this notice updates).
    Retraction Watch's entries carry `"source": "retraction-watch"`, the publisher's
    `"source": "publisher"`; both are kept so a reader can see who reported it."""
    updates = []
    for raw in raw_updates if isinstance(raw_updates, list) else []:
        if isinstance(raw, dict) and raw.get("type"):
            update = {
                "type": str(raw["type"]).lower(),
                "doi": str(raw.get("DOI") or ""),
                "date": _iso_date(raw.get("updated")),
            }
            for key in ("label", "source"):
                if isinstance(raw.get(key), str) and raw[key].strip():
                    update[key] = raw[key].strip()
            updates.append(update)
    return updates


def parse_work(message: dict[str, Any]) -> StudyMetadata:
    """Map a Crossref `message` object to `StudyMetadata` (exposed for recorded fixtures)."""
    title = markup_to_text(_first(message.get("title")))
    subtitle = markup_to_text(_first(message.get("subtitle")))
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}" if title else subtitle

    # When the work was published, never when it was deposited (`created`, `deposited`,
    # `indexed` are Crossref's own dates and can be years later).
    year = None
    for date_field in ("issued", "published-print", "published-online"):
        parts = _date_parts(message.get(date_field))
        if parts:
            year = parts[0]
            break

    abstract = (
        jats_to_text(message.get("abstract")) if isinstance(message.get("abstract"), str) else ""
    )
    registrations: list[str] = []
    for raw in message.get("clinical-trial-number") or []:
        number = raw.get("clinical-trial-number") if isinstance(raw, dict) else raw
        if isinstance(number, str) and number.strip():
            value = normalize_registration(number)
            if value not in registrations:
                registrations.append(value)
    for value in find_registrations(abstract):
        if value not in registrations:
            registrations.append(value)

    doi = str(message.get("DOI") or "")
    try:
        normalize_doi(doi)
    except InvalidIdentifier:
        doi = ""

    return StudyMetadata(
        title=title,
        authors=_authors(message.get("author")),
        container_title=markup_to_text(_first(message.get("container-title"))),
        container_title_short=markup_to_text(_first(message.get("short-container-title"))),
        year=year,
        volume=markup_to_text(str(message.get("volume") or "")),
        issue=markup_to_text(str(message.get("issue") or "")),
        pages=normalize_pages(
            markup_to_text(str(message.get("page") or message.get("article-number") or ""))
        ),
        abstract=abstract,
        url=str(message.get("URL") or (f"https://doi.org/{doi}" if doi else "")),
        doi=doi,
        registrations=registrations,
        crossref_type=str(message.get("type") or ""),
        updated_by=_updates(message.get("updated-by")),
        update_to=_updates(message.get("update-to")),
        source="crossref",
    )
