"""Deployment checks of our own, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache_for_page_generations(app_configs, **kwargs):
    # Cached pages and fragments are kept exact by generation tokens in the cache. In a
    # per-process cache, a write handled by one gunicorn worker renews only that worker's tokens,
    # and the others go on serving what was there before.
    if not (settings.FORUM_PAGE_CACHE or settings.FORUM_FRAGMENT_CACHE):
        return []
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")) or "filebased" in backend:
        return [Warning(
            "Topic pages and fragments are cached in a per-process cache: with more than one server "
            "process, a change made through one would not show through the others.",
            hint="Set REDIS_URL, or set FORUM_PAGE_CACHE=false and FORUM_FRAGMENT_CACHE=false.",
            id="evident.W001",
        )]
    return []
