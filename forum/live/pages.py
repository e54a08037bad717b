"""Live pages: open pages learn within seconds that what they show has changed.

Each thing an open page may show live has a generation token (forum/live/change_events.py) that
changes when it does: a topic's posts, a member's notifications, the topic lists, the review
queue. A page is rendered with the tokens it was made under, and asks the live endpoint
(forum/live/views.py) whether they are still current. When they are, the answer costs one cache
look-up and no database query or session load; the request is held open (long polling) until
one of them changes or FORUM_LIVE_WAIT_SECONDS pass. When one has changed, the answer is
rendered for that reader through the same querysets and templates as the page itself, so it
never holds what the reader may not see, and the page catches up by post number and tokens
after a drop or a restart.

Why long polling answered from the cache rather than a stream (Server-Sent Events): every
answer is an ordinary short response that proxies, restarts and reconnects handle without
special cases, and a page catches up by its tokens and post numbers whatever it missed. Where
the requests are held: in production an ASGI process (uvicorn serving config.asgi), where
forum/live/asgi.py holds them as coroutines, so a thousand open pages cost a thousand idle
sockets, not a thousand threads, and "nothing changed" skips Django's middleware, session and
database altogether; any WSGI server (runserver, gunicorn gthread) serves the same endpoint with
a sleeping thread per held request. Both wait on the same wake-ups, below.

Waking held requests across processes: after a renewal commits, the changed keys are published
on a Redis channel; every web process has one listener thread that wakes the requests waiting on
those keys (a thread's Event, or a coroutine's through its event loop). Without Redis (development, one process) the wake-up is local. When Redis is down,
held requests look at their tokens again every few seconds instead of waiting for a wake-up.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time

from django.conf import settings

from forum.live import change_events

logger = logging.getLogger(__name__)

PREFIX = "live-gen:"
TOPIC_LIST_KEY = f"{PREFIX}topic-list"
REVIEW_KEY = f"{PREFIX}review"
# How often a held request looks at its tokens when no wake-up can reach it.
RECHECK_SECONDS_WITHOUT_WAKEUPS = 3.0


def topic_key(topic_id: int) -> str:
    return f"{PREFIX}topic:{topic_id}"


def member_key(user_id: int) -> str:
    return f"{PREFIX}member:{user_id}"


# --- What changes a live page ------------------------------------------------------------------

def _renew(keys) -> None:
    if settings.FORUM_LIVE:
        change_events.generations_renew(keys)


def _topic_changed(*topic_ids):
    _renew(topic_key(t) for t in topic_ids)


def _notifications_changed(*user_ids):
    _renew(member_key(u) for u in user_ids)


def _topic_list_changed():
    _renew([TOPIC_LIST_KEY])


def _review_changed():
    _renew([REVIEW_KEY])


def connect() -> None:
    change_events.subscribe("topic", _topic_changed)
    change_events.subscribe("topic_counts", _topic_changed)
    change_events.subscribe("notifications", _notifications_changed)
    change_events.subscribe("notifications_added", _notifications_changed)
    change_events.subscribe("topic_list", _topic_list_changed)
    change_events.subscribe("review", _review_changed)
    change_events.on_generations_committed(_publish)


# --- Waiting for a change ---------------------------------------------------------------------

class _Waiters:
    """The requests of this process held open, by the keys they wait on. Each is a `wake()`
    callable that is safe to call from any thread: a held thread's Event.set, or a held
    coroutine's event set through its loop (forum/live/asgi.py)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._by_key: dict[str, set] = {}

    def add(self, keys, wake):
        with self._lock:
            for key in keys:
                self._by_key.setdefault(key, set()).add(wake)

    def remove(self, keys, wake):
        with self._lock:
            for key in keys:
                waiting = self._by_key.get(key)
                if waiting is not None:
                    waiting.discard(wake)
                    if not waiting:
                        del self._by_key[key]

    def wake_all(self):
        with self._lock:
            keys = list(self._by_key)
        self.wake(keys)

    def wake(self, keys):
        with self._lock:
            wakes = set().union(*(self._by_key.get(key, ()) for key in keys))
        for wake in wakes:
            wake()


_waiters = _Waiters()


def _deaf() -> bool:
    # With Redis configured but its channel lost, other processes' changes would wake no one: a
    # held request looks at its tokens again soon. (Without Redis at all there is one process,
    # whose own changes wake it.)
    return bool(_redis_url()) and not _listener.running()


def wait_for_change(keys: list[str], timeout: float) -> None:
    """Block this thread until one of `keys` may have changed, or `timeout` seconds pass."""
    event = threading.Event()
    _waiters.add(keys, event.set)
    try:
        deadline = time.monotonic() + timeout
        while not event.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            deaf = _deaf()
            if event.wait(min(left, RECHECK_SECONDS_WITHOUT_WAKEUPS) if deaf else left) or deaf:
                return
    finally:
        _waiters.remove(keys, event.set)


class HeldCoroutine:
    """A held request in an event loop (forum/live/asgi.py): no thread is held. Registered
    before the caller first reads its tokens, so a change committed after that read always wakes
    it, and a wait that ends without a wake-up needs no second read."""

    def __init__(self, keys: list[str]):
        self.keys = keys
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()
        start_listening()
        _waiters.add(keys, self._wake)

    def _wake(self):
        self._loop.call_soon_threadsafe(self._event.set)

    def close(self):
        _waiters.remove(self.keys, self._wake)

    async def wait(self, timeout: float, gone: asyncio.Future) -> bool:
        """True when the tokens may have changed (woken, or no wake-up could have reached this
        process); False after `timeout` seconds with no change, or when `gone` (the client hung
        up) is done."""
        woken = asyncio.ensure_future(self._event.wait())
        try:
            deadline = self._loop.time() + timeout
            while not self._event.is_set() and not gone.done():
                left = deadline - self._loop.time()
                if left <= 0:
                    return False
                deaf = _deaf()
                await asyncio.wait([woken, gone], return_when=asyncio.FIRST_COMPLETED,
                                   timeout=min(left, RECHECK_SECONDS_WITHOUT_WAKEUPS) if deaf else left)
                if deaf and not gone.done():
                    return True
            return self._event.is_set() and not gone.done()
        finally:
            woken.cancel()


# --- Wake-ups across processes ------------------------------------------------------------------

def _channel() -> str:
    # Redis channels are shared by all of a server's databases: the cache's prefix and database
    # keep two sites (or two test runs) on one Redis apart.
    cache_settings = settings.CACHES["default"]
    return f"{cache_settings.get('KEY_PREFIX', '')}:live:{cache_settings.get('LOCATION', '')}"


def _redis_url() -> str:
    if not settings.REDIS_URL or "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        return ""
    return settings.REDIS_URL


class _Listener:
    """One thread per process subscribed to the channel, started by the first held request."""

    def __init__(self):
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._connected = threading.Event()

    def running(self) -> bool:
        return self._connected.is_set()

    def ensure_started(self) -> None:
        if not _redis_url() or (self._thread is not None and self._thread.is_alive()):
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="live-listener", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        import redis

        backoff = 1.0
        while True:
            try:
                client = redis.Redis.from_url(_redis_url(), socket_connect_timeout=2, health_check_interval=30)
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(_channel())
                self._connected.set()
                backoff = 1.0
                while True:
                    message = pubsub.get_message(timeout=30)
                    if message and message["type"] == "message":
                        _waiters.wake(message["data"].decode().split())
            except Exception:  # noqa: BLE001 - Redis went away: hold requests shorter, try again
                if self._connected.is_set():
                    logger.warning("Live updates lost their Redis channel; retrying", exc_info=True)
                self._connected.clear()
                # Whoever waits now would wait for nothing: let them look at their tokens.
                _waiters.wake_all()
                time.sleep(backoff)
                backoff = min(backoff * 2, 30.0)


_listener = _Listener()
_publisher = threading.local()


def _publish(keys: list[str]) -> None:
    keys = [key for key in keys if key.startswith(PREFIX)]
    if not keys:
        return
    _waiters.wake(keys)  # this process's own, at once
    url = _redis_url()
    if not url:
        return
    try:
        import redis

        client = getattr(_publisher, "client", None)
        if client is None:
            client = _publisher.client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.publish(_channel(), " ".join(keys))
    except Exception:  # noqa: BLE001 - the write stands; other processes' pages see it when they look again
        logger.warning("Could not announce a change to live pages", exc_info=True)


def start_listening() -> None:
    _listener.ensure_started()


def _page_keys(*, topic_id: int | None = None, user=None, topic_list: bool = False) -> dict[str, str]:
    names = {}
    if topic_id is not None:
        names["topic"] = topic_key(topic_id)
    if user is not None and user.is_authenticated:
        names["member"] = member_key(user.pk)
        if getattr(user, "is_moderator", False):
            names["review"] = REVIEW_KEY
    if topic_list:
        names["list"] = TOPIC_LIST_KEY
    return names


def page_keys(*, topic_id: int | None = None, user=None, topic_list: bool = False) -> list[str]:
    """The keys `tokens_for_page` reads, for a page that reads its keys together
    (change_events.read_together)."""
    return list(_page_keys(topic_id=topic_id, user=user, topic_list=topic_list).values()) if settings.FORUM_LIVE else []


def tokens_for_page(*, topic_id: int | None = None, user=None, topic_list: bool = False) -> dict[str, str]:
    """The tokens a page is rendered under: read before its queries, so a change made while it
    renders shows as a new token at its first look."""
    if not settings.FORUM_LIVE:
        return {}
    names = _page_keys(topic_id=topic_id, user=user, topic_list=topic_list)
    if not names:
        return {}
    try:
        current = change_events.generations_current(list(names.values()))
    except Exception:  # noqa: BLE001 - without the cache the page is simply not live
        logger.warning("Live tokens unavailable", exc_info=True)
        return {}
    if not all(current.values()):
        return {}  # the cache is down: the page is what it was when it loaded
    return {name: current[key] for name, key in names.items()}
