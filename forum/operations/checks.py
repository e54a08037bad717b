"""Deployment checks of our own, run by `manage.py check --deploy`."""

from django.conf import settings
from urllib.parse import urlsplit

from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string


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


@register(deploy=True)
def tasks_run_outside_requests(app_configs, **kwargs):
    # Mail and study look-ups are tasks so that no page waits for a mail server or a registry.
    # With the immediate backend (the default when TASKS_BACKEND is unset, meant for development
    # and tests) they run inside the request that queued them: a stalled Crossref held a reply
    # for ~48 s. The dummy backend never runs them at all: no mail would ever leave.
    if settings.DEBUG:
        return []
    from django_tasks.backends.dummy import DummyBackend
    from django_tasks.backends.immediate import ImmediateBackend

    path = settings.TASKS.get("default", {}).get("BACKEND", "")
    try:
        backend = import_string(path)
    except ImportError:
        return []  # django_tasks reports a backend it cannot import itself
    hint = "Set TASKS_BACKEND=django_tasks_db.DatabaseBackend and run `manage.py worker` beside the web server."
    if issubclass(backend, ImmediateBackend):
        return [Warning(
            "Background tasks (mail, study look-ups) would run inside the web request that queues them: "
            "a slow mail server or registry holds the page for as long as it takes.",
            hint=hint, id="evident.W020",
        )]
    if issubclass(backend, DummyBackend):
        return [Warning(
            "Background tasks are queued nowhere: no mail would be sent and no study looked up.",
            hint=hint, id="evident.W020",
        )]
    return []


@register(Tags.security, deploy=True)
def client_addresses_behind_the_proxy(app_configs, **kwargs):
    # Production trusts X-Forwarded-Proto, so it runs behind a proxy (README, "Deploying"). With
    # no proxy counted, every visitor has the proxy's address, and per-address limits (sign-in
    # failures, posting) are shared by all of them: one stranger's guesses lock out everyone.
    if settings.DEBUG or settings.TRUSTED_PROXY_COUNT > 0 or not getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return []
    return [Warning(
        "TRUSTED_PROXY_COUNT is 0 while the site expects a proxy in front: every visitor would share the "
        "proxy's address, and one person's failed sign-ins or posts would count against everyone.",
        hint="Set TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For (1 for the "
             "README's nginx), and make sure the web server is reachable only through them.",
        id="evident.W021",
    )]


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
