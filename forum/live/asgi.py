"""Held /live/ requests in an ASGI process: a waiting page costs a coroutine, not a thread.

An open page's request to /live/ is, nearly always, "nothing has changed": its tokens are read,
found current, the request waits up to FORUM_LIVE_WAIT_SECONDS and is answered 204. Under a
WSGI server each of those waits holds a thread and passes the whole middleware stack; under
uvicorn this wrapper answers them itself, before Django's request handling: it reads the tokens
(one cache round trip, on a worker thread), waits on an asyncio event that forum/live/pages.py's
wake-ups set (Redis pub/sub from every process, or a write in this one), and answers 204; only
a wake-up makes it read the tokens again.

Whenever there is something to say (a token changed, the cache is down, the request is
malformed or asks not to wait) the request goes on to Django's own ASGI handler untouched, and
forum/live/views.py answers it as under WSGI: session, permissions, visibility and rendering are
never done here. So this is only a cheaper way to say "nothing yet", and a server without it
(runserver, gunicorn) serves the same answers with a thread per held request.
"""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import QueryDict
from django.urls import reverse

from forum.live import pages as live
from forum.live.change_events import generations_current

logger = logging.getLogger(__name__)

_NOTHING_YET = [(b"cache-control", b"no-store"), (b"content-length", b"0")]


class LiveRequests:
    """ASGI middleware in front of Django's application (config/asgi.py)."""

    def __init__(self, app):
        self.app = app
        self._path: str | None = None

    def _is_live(self, scope) -> bool:
        if scope["type"] != "http" or scope["method"] != "GET" or not settings.FORUM_LIVE:
            return False
        if self._path is None:
            self._path = reverse("forum:live")
        return scope["path"] == self._path

    async def __call__(self, scope, receive, send):
        if not self._is_live(scope):
            return await self.app(scope, receive, send)
        from forum.live.views import BadLiveRequest, watched_by_page

        params = QueryDict(scope.get("query_string", b"").decode("latin-1"))
        try:
            watched = watched_by_page(params)
        except BadLiveRequest:
            watched = {}
        if not watched or params.get("wait") == "0" or not settings.FORUM_LIVE_WAIT_SECONDS:
            return await self.app(scope, receive, send)  # Django answers (400, or at once)
        keys = [key for key, _token in watched.values()]
        held = live.HeldCoroutine(keys)
        try:
            if not await _all_current(watched, keys):
                held.close()
                return await self.app(scope, receive, send)
            # The request's (empty) body, kept to hand on; after it, receive() returns only when
            # the client hangs up, which ends the wait early.
            first = await receive()
            if first["type"] == "http.disconnect":
                return
            gone = asyncio.ensure_future(receive())
            try:
                woken = await held.wait(settings.FORUM_LIVE_WAIT_SECONDS, gone)
                if gone.done():
                    return
                still_current = not woken or await _all_current(watched, keys)
            finally:
                if not gone.done():
                    gone.cancel()
        finally:
            held.close()
        if still_current:
            await send({"type": "http.response.start", "status": 204, "headers": _NOTHING_YET})
            await send({"type": "http.response.body", "body": b""})
            return
        replayed = False

        async def receive_again():
            nonlocal replayed
            if not replayed:
                replayed = True
                return first
            return await receive()

        await self.app(scope, receive_again, send)


async def _all_current(watched, keys) -> bool:
    """Every token the page has is still current (False too when the cache cannot say)."""
    try:
        current = await sync_to_async(generations_current, thread_sensitive=False)(keys)
    except Exception:  # noqa: BLE001 - Django's view answers the outage (503)
        logger.debug("Live tokens unreadable", exc_info=True)
        return False
    return all(current.values()) and all(current[key] == token for key, token in watched.values())
