"""Absolute links to this site, for places with no request to ask: mail above all.

Every link in every mail (notifications, unsubscribe, allauth's confirmation and password-reset
mails) is built here from the one configured `SITE_URL`, never from the host a request happened
to arrive on (a worker has none, and a proxy may rewrite it) nor from a hard-coded default.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings


def site_url(path: str = "/") -> str:
    """`path` (from reverse() or get_absolute_url()) made absolute with SITE_URL."""
    base = settings.SITE_URL.rstrip("/")
    bits = urlsplit(path)
    if bits.scheme or bits.netloc:
        # Already absolute (built by a library from the request): keep only what is ours to say.
        path = bits.path + (f"?{bits.query}" if bits.query else "") + (f"#{bits.fragment}" if bits.fragment else "")
    return base + (path if path.startswith("/") else f"/{path}")


@dataclass(frozen=True)
class SiteIdentity:
    """What mail templates call `current_site`: the name and address members know."""

    name: str
    domain: str


def current_site_identity() -> SiteIdentity:
    return SiteIdentity(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
