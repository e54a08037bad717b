"""Deployment checks of our own, run by `manage.py check --deploy`."""

from django.conf import settings
from urllib.parse import urlsplit

from django.core.checks import Error, Tags, Warning, register


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


@register(deploy=True)
def site_url_for_mail_links(app_configs, **kwargs):
    # Mail is written by a worker with no request to take a host from: without SITE_URL every
    # confirmation, reset and notification link would point nowhere (or at a developer's machine).
    bits = urlsplit(settings.SITE_URL or "")
    if bits.scheme not in {"http", "https"} or not bits.netloc:
        return [Error(
            "SITE_URL is not set to the site's address, so links in mail would not lead to the site.",
            hint="Set SITE_URL to the address members use, e.g. https://forum.example.org",
            id="evident.E001",
        )]
    return []


@register("tasks")
def heartbeat_outlasts_several_beats(app_configs, **kwargs):
    # A live worker whose beat is merely late would be taken for dead, and its task run a second
    # time beside it: the timeout must leave room for a few missed beats.
    if settings.TASKS_HEARTBEAT_TIMEOUT < 3 * settings.TASKS_HEARTBEAT_INTERVAL:
        return [Warning(
            f"TASKS_HEARTBEAT_TIMEOUT ({settings.TASKS_HEARTBEAT_TIMEOUT:g} s) is less than three "
            f"TASKS_HEARTBEAT_INTERVAL ({settings.TASKS_HEARTBEAT_INTERVAL:g} s): a worker late by one beat "
            "would be taken for dead, and its task run twice.",
            hint="Keep the timeout at four beats or more (the defaults: 5 s and 30 s).",
            id="evident.W030",
        )]
    return []
