"""Held /live/ requests under ASGI (forum/live/asgi.py): nothing changed is answered 204 without
Django's request handling; anything else goes on to Django untouched."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from forum.live import pages as live
from forum.live.asgi import LiveRequests
from forum.live.change_events import generations_current


class Django:
    """Stands in for Django's ASGI application: records what reached it."""

    def __init__(self):
        self.calls = []

    async def __call__(self, scope, receive, send):
        self.calls.append((scope["path"], await receive()))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"from django"})


def scope(query: str, path: str = "/live/") -> dict:
    return {"type": "http", "method": "GET", "path": path, "query_string": query.encode(), "headers": []}


async def call(app, scope, *, hang_up_after: float | None = None):
    sent = []
    messages = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive():
        if messages:
            return messages.pop(0)
        if hang_up_after is None:
            await asyncio.Event().wait()  # the client stays
        await asyncio.sleep(hang_up_after)
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    return sent


def topic_query(topic_id: int) -> str:
    token = generations_current([live.topic_key(topic_id)])[live.topic_key(topic_id)]
    return f"topic={topic_id}&t={token}&first=1&last=1&v=x"


def run(coroutine):
    # In a thread of its own: Playwright's sync API (browser tests in the same run) keeps an
    # event loop running in the main thread, where asyncio.run() refuses to start another.
    with ThreadPoolExecutor(1) as executor:
        return executor.submit(asyncio.run, coroutine).result()


def status(sent) -> int | None:
    return sent[0]["status"] if sent else None


@pytest.fixture
def short_hold(settings):
    settings.FORUM_LIVE_WAIT_SECONDS = 0.5
    settings.REDIS_URL = ""  # one process: its own changes wake its held requests


def test_nothing_changed_is_answered_204_after_the_hold_without_django(short_hold):
    django = Django()
    sent = run(call(LiveRequests(django), scope(topic_query(1))))
    assert status(sent) == 204
    assert django.calls == []


def test_a_change_while_held_goes_on_to_django_at_once_with_the_request_body(short_hold, settings):
    settings.FORUM_LIVE_WAIT_SECONDS = 30
    django = Django()

    async def scenario():
        held = asyncio.ensure_future(call(LiveRequests(django), scope(topic_query(7))))
        await asyncio.sleep(0.1)
        assert not held.done()
        from forum.live.change_events import generations_renew

        await asyncio.to_thread(generations_renew, [live.topic_key(7)])  # a reply, in a sync thread
        return await asyncio.wait_for(held, timeout=3)

    sent = run(scenario())
    assert status(sent) == 200
    assert django.calls == [("/live/", {"type": "http.request", "body": b"", "more_body": False})]


def test_a_change_to_another_topic_does_not_wake_it(short_hold):
    django = Django()

    async def scenario():
        held = asyncio.ensure_future(call(LiveRequests(django), scope(topic_query(8))))
        await asyncio.sleep(0.1)
        from forum.live.change_events import generations_renew

        await asyncio.to_thread(generations_renew, [live.topic_key(9)])
        return await held

    assert status(run(scenario())) == 204
    assert django.calls == []


def test_a_stale_token_a_bad_request_or_another_path_goes_to_django(short_hold):
    django = Django()
    app = LiveRequests(django)
    run(call(app, scope("topic=3&t=old-token&first=1&last=1&v=x")))
    run(call(app, scope("topic=abc")))
    run(call(app, scope(topic_query(3) + "&wait=0")))
    run(call(app, scope("", path="/latest/")))
    assert [path for path, _body in django.calls] == ["/live/", "/live/", "/live/", "/latest/"]


def test_a_client_that_hangs_up_is_let_go_without_an_answer(short_hold, settings):
    settings.FORUM_LIVE_WAIT_SECONDS = 30
    django = Django()
    # A topic no other test's page watches: browser tests' held requests (threads of the live
    # server) may still be registered in this process on their own keys.
    topic_id = 40_404
    sent = run(asyncio.wait_for(call(LiveRequests(django), scope(topic_query(topic_id)), hang_up_after=0.1), 3))
    assert sent == [] and django.calls == []
    assert live.topic_key(topic_id) not in live._waiters._by_key  # nothing left registered
