"""When the database cannot be reached: 503 with Retry-After, the site's own page or JSON.

A PostgreSQL restart, a failover or a full connection pool is over in seconds, and the request
was fine: "try again shortly" is the true answer, and a 500 ("something is broken") was not.
The answer is made here, in handler500, because the error can come from anywhere: the session
or the member loaded by a middleware, a view, a template, or saving the session on the way out.
Django calls handler500 inside its `except` block, so the error is still `sys.exc_info()`.

Only errors that say the server could not be reached or could not take the connection count;
a constraint, a bad query or a missing table is a bug and stays a 500. The page itself touches
no database: it is rendered without the request's context processors (which count notifications).

A write that was committed before the database went away is not reported as failed: a view calls
`write_saved` as soon as the service returns, and an outage after that answers with the same
redirect to what was written that success would have given. A composer's text that cannot be
confirmed is handed back, and sending the form again cannot post it twice (its one-time token,
forum/discussion/submissions.py).
"""

from __future__ import annotations

import logging
import sys
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseRedirect
from django.template import loader
from django.utils.cache import patch_cache_control
from django.views import defaults

from forum.api.responses import error_response

from forum.site_views.errors import typed_text

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 15

# SQLite: another writer holds the database past busy_timeout, or the file cannot be opened,
# read or written. (SQLITE_ERROR, as in "no such table", is a bug and stays a 500.)
_SQLITE_UNAVAILABLE = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_FULL",
                       "SQLITE_PROTOCOL")
# PostgreSQL SQLSTATEs: 08 connection exceptions, 53 insufficient resources (too many
# connections), 57P01-57P03 the server shutting down, crashing or still starting. psycopg's own
# errors with no SQLSTATE at all (connection refused, closed by the server) count too.
_POSTGRES_UNAVAILABLE = ("08", "53", "57P01", "57P02", "57P03")


def is_database_outage(error: BaseException | None) -> bool:
    """Whether `error`, or an error it was raised from or while handling, says the database could
    not be reached (rather than that a query was wrong)."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, InterfaceError):
            return True
        if isinstance(error, OperationalError):
            driver = error.__cause__  # Django's wrapper is raised `from` the driver's error
            name = getattr(driver, "sqlite_errorname", None)
            if name is not None:
                return name.startswith(_SQLITE_UNAVAILABLE)
            sqlstate = getattr(driver, "sqlstate", None)
            return sqlstate is None or sqlstate.startswith(_POSTGRES_UNAVAILABLE)
        error = error.__cause__ or error.__context__
    return False


def write_saved(request, url: str) -> None:
    """This request's write is committed and can be seen at `url`: should the database go away
    before the response is finished, the answer is still the redirect to it."""
    request.saved_write_url = url


def server_error(request):
    """handler500: a database outage is a 503; anything else is Django's own 500 page."""
    error = sys.exc_info()[1]
    if not is_database_outage(error):
        return defaults.server_error(request)
    _log_outage(request, error)
    saved = getattr(request, "saved_write_url", None)
    if saved and request.method == "POST":
        response = HttpResponseRedirect(saved)
    elif request.path_info.startswith("/api/"):
        response = error_response(503, "unavailable", "The forum's database cannot be reached just now. "
                                                      f"Try again in {RETRY_AFTER_SECONDS} seconds.")
    else:
        page = loader.get_template("503.html").render({
            "SITE_NAME": settings.SITE_NAME,
            "retry_after": RETRY_AFTER_SECONDS,
            "typed": typed_text(request) if request.method == "POST" else {},
        })
        response = HttpResponse(page, status=503)
    if response.status_code == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    # Logged once per outage below; Django would add a traceback for every request meanwhile.
    response._has_been_logged = True
    return response


class _OutageLog:
    """One warning when an outage is first met, then one every ten seconds with how many requests
    were answered 503 since: a restart under load meets hundreds."""

    every_seconds = 10.0

    def __init__(self):
        self.lock = threading.Lock()
        self.last = 0.0
        self.unlogged = 0

    def __call__(self, request, error) -> None:
        now = time.monotonic()
        with self.lock:
            if now - self.last < self.every_seconds:
                self.unlogged += 1
                return
            since, self.last, self.unlogged = self.unlogged, now, 0
        logger.warning("Database unreachable (%s: %s); answered %s %s with 503%s.", type(error).__name__,
                       str(error).strip().splitlines()[0] if str(error).strip() else "", request.method,
                       request.path, f", and {since} more requests since the last report" if since else "")


_log_outage = _OutageLog()
