"""The ASGI application: the whole site, with held /live/ requests answered by forum/live/asgi.py
without a thread each. Served by uvicorn (README, "Deploying"); `make run` serves the same site
through runserver (WSGI), where a held request holds a thread instead."""

import os

# Django keeps a persistent database connection per thread, and under ASGI every request's sync
# code runs in a fresh thread: a kept connection would outlive its thread unused. Each request
# here opens and closes its own, whatever CONN_MAX_AGE the WSGI processes beside it share.
os.environ["CONN_MAX_AGE"] = "0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.asgi import get_asgi_application  # noqa: E402 - after the environment is set

django_application = get_asgi_application()

from forum.live.asgi import LiveRequests  # noqa: E402 - needs the app registry ready

application = LiveRequests(django_application)
