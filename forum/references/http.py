"""The one HTTP client for bibliographic look-ups (Crossref, PubMed E-utilities).

Settings (all optional):
- `CROSSREF_API_URL` (default https://api.crossref.org)
- `PUBMED_API_URL` (default https://eutils.ncbi.nlm.nih.gov/entrez/eutils)
- `CLINICALTRIALS_BASE_URL` (default https://clinicaltrials.gov): trial registry status, API v2
- `UNPAYWALL_BASE_URL` (default https://api.unpaywall.org); `UNPAYWALL_EMAIL`: the contact address
  Unpaywall requires on every request (default: REFERENCES_CONTACT_EMAIL; with neither, open
  access is not looked up)
- `REFERENCES_CONTACT_EMAIL`: sent in the User-Agent (`mailto:`), to Crossref and as PubMed's
  `email`; both services ask for it and treat polite clients better.
- `REFERENCES_HTTP_TIMEOUT` (seconds, default 10), `REFERENCES_MAX_RETRIES` (default 3),
  `REFERENCES_MAX_RETRY_WAIT` (seconds, default 60: a longer Retry-After fails fast with
  `LookupFailed.retry_after` set, so a background task can reschedule instead of blocking a
  worker), `REFERENCES_CACHE_TIMEOUT` (seconds, default one day), `REFERENCES_CACHE_ALIAS`
  (default "default").

Settings are read on every request, so tests can override them with pytest-django's `settings`.
Only successful responses that parsed are cached, keyed by the full URL and Accept header.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import random
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

DEFAULT_CROSSREF_API_URL = "https://api.crossref.org"
DEFAULT_PUBMED_API_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
DEFAULT_CLINICALTRIALS_BASE_URL = "https://clinicaltrials.gov"
DEFAULT_UNPAYWALL_BASE_URL = "https://api.unpaywall.org"
USER_AGENT_PRODUCT = "Evident/0.1"
RETRYABLE_STATUSES = {429, 500, 502, 503, 504}


class ReferenceLookupError(Exception):
    """Base class for look-up failures."""


class NotFound(ReferenceLookupError):
    """The source answered that it has no record for this identifier."""


class LookupFailed(ReferenceLookupError):
    """The look-up could not be completed: timeouts, garbage answers, repeated server errors.

    `retry_after` (seconds) is set when the source asked us to come back later than we are
    prepared to wait inline.
    """

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


def _setting(name: str, default: Any) -> Any:
    value = getattr(settings, name, None)
    return default if value in (None, "") else value


def crossref_api_url() -> str:
    return str(_setting("CROSSREF_API_URL", DEFAULT_CROSSREF_API_URL)).rstrip("/")


def pubmed_api_url() -> str:
    return str(_setting("PUBMED_API_URL", DEFAULT_PUBMED_API_URL)).rstrip("/")


def clinicaltrials_base_url() -> str:
    return str(_setting("CLINICALTRIALS_BASE_URL", DEFAULT_CLINICALTRIALS_BASE_URL)).rstrip("/")


def unpaywall_base_url() -> str:
    return str(_setting("UNPAYWALL_BASE_URL", DEFAULT_UNPAYWALL_BASE_URL)).rstrip("/")


def unpaywall_email() -> str:
    return str(_setting("UNPAYWALL_EMAIL", "") or contact_email())


def contact_email() -> str:
    return str(_setting("REFERENCES_CONTACT_EMAIL", ""))


def user_agent() -> str:
    email_address = contact_email()
    return f"{USER_AGENT_PRODUCT} (mailto:{email_address})" if email_address else USER_AGENT_PRODUCT


def _without_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def parse_rate_limit(headers: httpx.Headers) -> float | None:
    """Minimum spacing between requests (seconds) from Crossref's `x-rate-limit-*` headers.

    Crossref sends e.g. `x-rate-limit-limit: 50` and `x-rate-limit-interval: 1s`.
    """
    limit = headers.get("x-rate-limit-limit")
    interval = headers.get("x-rate-limit-interval")
    if not limit or not interval:
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*", interval)
    try:
        requests = float(limit)
    except ValueError:
        return None
    if not match or requests <= 0:
        return None
    seconds = (
        float(match.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[match.group(2) or "s"]
    )
    return seconds / requests


class ReferencesClient:
    """Sync HTTP client with timeouts, retries with back-off, rate-limit pacing and a cache.

    `transport` lets tests plug in `httpx.MockTransport`; `sleep` and `clock` let them run
    without waiting. Use as a context manager, or call `close()`.
    """

    def __init__(
        self,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        timeout: float | None = None,
        max_retries: int | None = None,
        backoff_base: float = 1.0,
        max_retry_wait: float | None = None,
        jitter: Callable[[], float] = random.random,
        headers: dict[str, str] | None = None,
    ):
        self._transport = transport
        # Sent with every request, e.g. an API key for a source that needs one.
        self.headers = dict(headers or {})
        self._http: httpx.Client | None = None
        self.sleep = sleep
        self.clock = clock
        self._timeout = timeout
        self._max_retries = max_retries
        self.backoff_base = backoff_base
        self._max_retry_wait = max_retry_wait
        self.jitter = jitter
        # Per host: earliest clock time the next request may go, from x-rate-limit headers.
        self._next_allowed: dict[str, float] = {}

    # -- configuration, read late so settings overrides apply ---------------------------------

    @property
    def timeout(self) -> float:
        return float(
            self._timeout
            if self._timeout is not None
            else _setting("REFERENCES_HTTP_TIMEOUT", 10.0)
        )

    @property
    def max_retries(self) -> int:
        return int(
            self._max_retries
            if self._max_retries is not None
            else _setting("REFERENCES_MAX_RETRIES", 3)
        )

    @property
    def max_retry_wait(self) -> float:
        if self._max_retry_wait is not None:
            return float(self._max_retry_wait)
        return float(_setting("REFERENCES_MAX_RETRY_WAIT", 60.0))

    @property
    def crossref_url(self) -> str:
        return crossref_api_url()

    @property
    def pubmed_url(self) -> str:
        return pubmed_api_url()

    def _cache(self):
        return caches[_setting("REFERENCES_CACHE_ALIAS", "default")]

    def _client(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(
                transport=self._transport, follow_redirects=True, timeout=self.timeout
            )
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> ReferencesClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- requests --------------------------------------------------------------------------

    def get_json(
        self, url: str, *, params: dict[str, Any] | None = None, use_cache: bool = True
    ) -> Any:
        def parse(text: str) -> Any:
            try:
                return json.loads(text)
            except ValueError as exc:
                raise LookupFailed(f"{url} answered with malformed JSON") from exc

        return self._get(
            url, params=params, accept="application/json", parse=parse, use_cache=use_cache
        )

    def get_text(
        self,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        accept: str = "*/*",
        parse: Callable[[str], Any] | None = None,
        use_cache: bool = True,
    ) -> Any:
        """The body as text, or `parse(text)`; a parse error should raise LookupFailed."""
        return self._get(
            url,
            params=params,
            accept=accept,
            parse=parse or (lambda text: text),
            use_cache=use_cache,
        )

    def _get(
        self, url: str, *, params, accept: str, parse: Callable[[str], Any], use_cache: bool
    ) -> Any:
        full_url = f"{url}?{urlencode(params, doseq=True)}" if params else url
        cache_key = "references:http:" + hashlib.sha256(f"{accept} {full_url}".encode()).hexdigest()
        if use_cache:
            cached = self._cache().get(cache_key)
            if cached is not None:
                return parse(cached)
        text = self._fetch(full_url, accept=accept)
        result = parse(text)  # raises before caching if the body is garbage
        self._cache().set(cache_key, text, timeout=int(_setting("REFERENCES_CACHE_TIMEOUT", 86400)))
        return result

    def _fetch(self, url: str, *, accept: str) -> str:
        headers = {"User-Agent": user_agent(), "Accept": accept, **self.headers}
        host = urlsplit(url).netloc
        where = _without_query(url)  # messages end up in logs: no contact address in them
        attempts = self.max_retries + 1
        last_problem = ""
        asked: float | None = None
        for attempt in range(attempts):
            self._wait_for_rate_limit(host)
            try:
                response = self._client().get(url, headers=headers, timeout=self.timeout)
            except httpx.TimeoutException:
                last_problem = "timed out"
                wait = None
            except httpx.TransportError as exc:
                last_problem = f"could not connect ({exc.__class__.__name__})"
                wait = None
            else:
                self._remember_rate_limit(host, response.headers)
                if response.status_code == 200:
                    try:
                        return response.text
                    except (UnicodeDecodeError, LookupError) as exc:
                        raise LookupFailed(f"{where} answered with undecodable text") from exc
                if response.status_code in (404, 410):
                    raise NotFound(f"{where} has no record (HTTP {response.status_code})")
                if response.status_code not in RETRYABLE_STATUSES:
                    raise LookupFailed(f"{where} answered HTTP {response.status_code}")
                last_problem = f"HTTP {response.status_code}"
                wait = parse_retry_after(response.headers.get("retry-after"))
                if wait is None and response.status_code == 429:
                    wait = parse_rate_limit(response.headers)
                asked = wait
                if wait is not None and wait > self.max_retry_wait:
                    raise LookupFailed(f"{where} asked us to wait {wait:.0f}s", retry_after=wait)
            if attempt == attempts - 1:
                break
            if wait is None:
                wait = self.backoff_base * (2**attempt) + self.backoff_base * self.jitter() / 2
            logger.info("references: %s %s; retrying in %.1fs", where, last_problem, wait)
            self.sleep(wait)
        # The source's own Retry-After, if it gave one, tells a background task when to come back.
        raise LookupFailed(f"{where} failed after {attempts} attempts ({last_problem})", retry_after=asked)

    def _wait_for_rate_limit(self, host: str) -> None:
        allowed_at = self._next_allowed.get(host)
        if allowed_at is not None:
            remaining = allowed_at - self.clock()
            if remaining > 0:
                self.sleep(remaining)

    def _remember_rate_limit(self, host: str, headers: httpx.Headers) -> None:
        spacing = parse_rate_limit(headers)
        if spacing:
            self._next_allowed[host] = self.clock() + spacing
