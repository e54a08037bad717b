"""A template's source as part of a cache key: after a deploy the same post or row renders
differently, so what was drawn by the old template must not be found."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.template.loader import get_template

_digests: dict[str, str] = {}


def template_fingerprint(name: str) -> str:
    """A digest of the Jinja2 template `name`'s source, read once per process; with DEBUG on (a
    developer editing the template under runserver) read every time."""
    if name not in _digests or settings.DEBUG:
        template = get_template(name, using="jinja2")
        _digests[name] = hashlib.blake2b(Path(template.origin.name).read_bytes(), digest_size=8).hexdigest()
    return _digests[name]
