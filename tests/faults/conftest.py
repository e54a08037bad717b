import socket
import threading
import time

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def private_redis(tmp_path):
    from tests.faults.redis_server import PrivateRedis

    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    try:
        server.resume()
    except (ProcessLookupError, TypeError):
        pass
    server.stop()


@pytest.fixture
def redis_cache(private_redis, settings):
    """The site's cache is the private Redis, through the production backend."""
    from tests.faults.redis_server import resilient_cache_settings

    settings.CACHES = resilient_cache_settings(private_redis.url)
    return private_redis


@pytest.fixture
def silent_server():
    """A real TCP server on loopback that accepts connections and never answers. After a minute
    it hangs up, so a client that sets no timeout fails (disconnected, not "timed out") instead
    of hanging the suite."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.1)
        opened = {}
        while not stop.is_set():
            for connection, at in list(opened.items()):
                if time.monotonic() - at > 60:
                    connection.close()
                    del opened[connection]
            try:
                connection = listener.accept()[0]
            except OSError:
                continue
            accepted.append(connection)
            opened[connection] = time.monotonic()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    stop.set()
    thread.join(timeout=2)
    for connection in accepted:
        connection.close()
    listener.close()
