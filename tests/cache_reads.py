"""The cache's look-ups a request makes, each a round trip to Redis in production."""

from django.core.cache import caches


def cache_reads_recorded(monkeypatch) -> list:
    """From now on, each `get` (its key) and `get_many` (its list of keys) on the default cache,
    appended to the list returned."""
    default, reads, inside = caches["default"], [], []
    real_get, real_get_many = default.get, default.get_many

    def get(key, *args, **kwargs):
        if not inside:  # the local-memory cache's get_many asks its get() for each key
            reads.append(key)
        return real_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        reads.append(keys)
        inside.append(True)
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(default, "get", get)
    monkeypatch.setattr(default, "get_many", get_many)
    return reads
