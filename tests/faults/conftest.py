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
