from django.db import models


class CacheEpoch(models.Model):
    """One row: the namespace every cache key lives in (forum/caching/resilient_cache.py).

    It lives in the database because the database is what outlasts a cache outage. A new token
    abandons everything the cache holds: it is renewed when a write's invalidation could not
    reach the cache, and when the cache server is found to be a different one (restarted from an
    old snapshot, or a replica), so old entries are never trusted again.
    """

    token = models.CharField(max_length=32)
    # INFO server's run_id of the Redis the token was last checked against.
    redis_run_id = models.CharField(max_length=64, blank=True)
    changed_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"cache epoch {self.token} ({self.reason or 'first'})"
