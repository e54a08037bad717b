"""A Redis cache that the site survives losing, and never trusts blindly when it comes back.

Down: every call answers at once as a miss (get -> default, set -> dropped, add -> False), so
pages render from the database. A call that fails marks the cache down for RETRY_SECONDS; until
then Redis is not asked at all, so a stalled server costs one socket timeout per process and
retry interval, not one per request. The log says so once per outage, and once when it is back.

Rate-limit counters (ours in forum/access/limits.py and allauth's) are kept in this process's memory
while Redis is down, so the limits still hold, per process: with N web processes a member can
post at most N times the per-minute limit during an outage. The daily limit for new members
counts posts in the database and is exact throughout.

Back: what Redis holds may be older than the database. The page cache keeps pages exact with
generation tokens that every write renews (forum/caching/page_cache.py); a renewal lost in an outage
would leave an old page current. So every key lives under an epoch token kept in the database
(forum.models.CacheEpoch), and a new token abandons everything the cache holds:

- a write whose renewal did not reach Redis renews the epoch after it commits (cache_epoch_renew);
- a Redis with a different run_id (restarted, perhaps from an old snapshot; a failed-over
  replica) renews it when first seen;
- each process re-reads the epoch before its first cache call after an outage it noticed, and
  otherwise at least every EPOCH_SECONDS.

The bound: once a write has committed, no page rendered before it is served by a process that
noticed the outage, and by any other process for at most EPOCH_SECONDS (2 by default) after the
commit. (tests/faults/test_cache_outage.py shows both.)
"""

from __future__ import annotations

import logging
import secrets
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

LOCAL_FALLBACK_PREFIXES = ("ratelimit:", "allauth:rl:")
_states: dict[str, _State] = {}
_states_lock = threading.Lock()


def cache_epoch_renew(*, reason: str, unless_redis_run_id: str | None = None) -> bool:
    """Abandon everything the cache holds, for every process. With `unless_redis_run_id`, only
    if the epoch was not already checked against that Redis (so one process renews it, not all).
    Must run outside a transaction: a renewal rolled back would be no renewal."""
    from forum.models import CacheEpoch

    fields = {"token": secrets.token_hex(8), "changed_at": timezone.now(), "reason": reason[:200]}
    rows = CacheEpoch.objects.filter(pk=1)
    if unless_redis_run_id is not None:
        fields["redis_run_id"] = unless_redis_run_id
        rows = rows.exclude(redis_run_id=unless_redis_run_id)
    if rows.update(**fields):
        # Not a warning: during an outage every write does this, and the outage is logged once.
        logger.debug("Cache contents abandoned: %s", reason)
        return True
    _, created = CacheEpoch.objects.get_or_create(pk=1, defaults=fields)
    return created


class _State:
    """Per process (shared by its threads, each of which has its own backend instance)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down = False
        self.retry_at = 0.0
        self.epoch: str | None = None
        self.epoch_read_at = float("-inf")


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS", {}))
        # A stalled server must cost milliseconds. redis-py does not retry unless asked to.
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 0.25)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self.retry_seconds = float(params.get("RETRY_SECONDS", 5))
        self.epoch_seconds = float(params.get("EPOCH_SECONDS", 2))
        self.fallback_prefixes = tuple(params.get("LOCAL_FALLBACK_PREFIXES", LOCAL_FALLBACK_PREFIXES))
        name = f"{server}|{params.get('KEY_PREFIX', '')}"
        with _states_lock:
            self._state = _states.setdefault(name, _State())
        self._local = LocMemCache(f"resilient-fallback:{name}", {"OPTIONS": {"MAX_ENTRIES": 10000}})

    # --- Health ------------------------------------------------------------------------------

    @property
    def is_down(self) -> bool:
        return self._state.down

    def _mark_down(self, error: Exception) -> None:
        state = self._state
        with state.lock:
            state.retry_at = time.monotonic() + self.retry_seconds
            if not state.down:
                state.down = True
                logger.warning("Cache unreachable (%s); serving from the database until it returns.",
                               type(error).__name__)

    def _usable(self) -> bool:
        """May Redis be asked now? Re-reads the epoch when it is due, or first after an outage."""
        state = self._state
        now = time.monotonic()
        if state.down and now < state.retry_at:
            return False
        if not state.down and state.epoch is not None and now < state.epoch_read_at + self.epoch_seconds:
            return True
        import redis

        try:
            epoch = self._read_epoch()
        except redis.RedisError as error:
            self._mark_down(error)
            return False
        except DatabaseError as error:
            # Without the epoch nothing in the cache can be trusted; the page renders anyway.
            self._mark_down(error)
            return False
        if epoch is None:
            return False
        with state.lock:
            state.epoch, state.epoch_read_at = epoch, now
            if state.down:
                state.down = False
                logger.warning("Cache reachable again.")
        return True

    def _read_epoch(self) -> str | None:
        from forum.models import CacheEpoch

        run_id = self._cache.get_client(write=True).info("server")["run_id"]
        row = CacheEpoch.objects.filter(pk=1).values_list("token", "redis_run_id").first()
        if row is None or row[1] != run_id:
            if transaction.get_connection().in_atomic_block:
                return None  # renewed by the next call outside this transaction
            if cache_epoch_renew(reason=f"a Redis not seen before (run_id {run_id[:8]})", unless_redis_run_id=run_id):
                logger.warning("Cache server restarted or replaced: nothing it held before is used.")
            row = CacheEpoch.objects.filter(pk=1).values_list("token", "redis_run_id").first()
        return row[0]

    def _call(self, operation, *args, default=None, **kwargs):
        import redis

        if not self._usable():
            return default, False
        try:
            return operation(*args, **kwargs), True
        except redis.RedisError as error:
            self._mark_down(error)
            return default, False

    def _is_counter(self, key: str) -> bool:
        return key.startswith(self.fallback_prefixes)

    def make_key(self, key, version=None):
        return super().make_key(f"{self._state.epoch}:{key}", version=version)

    # --- The cache API -------------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        result, ok = self._call(super().add, key, value, timeout, version, default=False)
        if not ok and self._is_counter(key):
            return self._local.add(key, value, timeout, version)
        return result

    def get(self, key, default=None, version=None):
        result, ok = self._call(super().get, key, default, version, default=default)
        if not ok and self._is_counter(key):
            return self._local.get(key, default, version)
        return result

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        _, ok = self._call(super().set, key, value, timeout, version)
        if not ok and self._is_counter(key):
            self._local.set(key, value, timeout, version)
        return ok

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, key, timeout, version, default=False)[0]

    def delete(self, key, version=None):
        result, ok = self._call(super().delete, key, version, default=False)
        if not ok and self._is_counter(key):
            return self._local.delete(key, version)
        return result

    def get_many(self, keys, version=None):
        return self._call(super().get_many, keys, version, default={})[0]

    def has_key(self, key, version=None):
        return self._call(super().has_key, key, version, default=False)[0]

    def incr(self, key, delta=1, version=None):
        import redis

        if self._usable():
            try:
                return super().incr(key, delta, version)
            except redis.RedisError as error:
                self._mark_down(error)
        if self._is_counter(key):
            return self._local.incr(key, delta, version)
        raise ValueError(f"Key '{key}' not found (the cache is down).")

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """Returns the keys not stored, as Django's contract allows: all of them when Redis is
        down, which tells forum.caching.page_cache that a renewal was lost."""
        if not data:
            return []
        _, ok = self._call(super().set_many, data, timeout, version)
        return [] if ok else list(data)

    def delete_many(self, keys, version=None):
        self._call(super().delete_many, keys, version)

    def clear(self):
        self._local.clear()
        return self._call(super().clear, default=False)[0]

    def ping(self) -> bool:
        """For /healthz: is Redis answering now (one round trip, short timeout)?"""
        return bool(self._call(lambda: self._cache.get_client().ping(), default=False)[0])
