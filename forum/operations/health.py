"""/healthz: can this process serve the forum? For load balancers and monitoring.

Everyone gets one word and a status code: 200 "ok" or "degraded" (the cache or the worker is in
trouble, pages still render from the database), 503 "unavailable" (no database). Staff, and
requests bearing HEALTHZ_TOKEN, also get each check's figures; error texts stay in the log, as
they name hosts and ports.
"""

import hmac
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from forum.operations.task_queue import queue_summary, uses_worker

logger = logging.getLogger(__name__)


def _database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("healthz: database check failed")
        return {"status": "down"}
    return {"status": "up", "ms": round((time.monotonic() - started) * 1000, 1)}


def _cache() -> dict:
    ping = getattr(cache, "ping", None)
    if ping is None:  # the in-process cache of a development setup
        return {"status": "local"}
    started = time.monotonic()
    up = ping()
    return {"status": "up" if up else "down", "ms": round((time.monotonic() - started) * 1000, 1)}


def _worker() -> dict:
    if not uses_worker():
        return {"status": "not used"}
    summary = queue_summary(failures=0)
    wait = summary.oldest_wait_seconds
    return {
        "status": "behind" if summary.behind else "ok",
        "waiting": summary.waiting,
        "oldest_wait_seconds": None if wait is None else round(wait),
        "running": summary.running,
        "stuck": summary.stuck,
        "workers_alive": summary.workers_alive,
        "failed_last_day": summary.failed_last_day,
    }


def _may_see_details(request) -> bool:
    token = settings.HEALTHZ_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and given and hmac.compare_digest(given.encode(), token.encode()):
        return True
    try:
        return request.user.is_authenticated and request.user.is_staff
    except DatabaseError:  # the session lives in the database
        return False


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database()}
    if checks["database"]["status"] == "up":
        checks["cache"] = _cache()
        try:
            checks["worker"] = _worker()
        except DatabaseError:
            logger.exception("healthz: queue check failed")
            checks["worker"] = {"status": "unknown"}
        degraded = checks["cache"]["status"] == "down" or checks["worker"]["status"] in {"behind", "unknown"}
        status, code = ("degraded" if degraded else "ok"), 200
    else:
        status, code = "unavailable", 503
    body = {"status": status}
    if _may_see_details(request):
        body["checks"] = checks
    return JsonResponse(body, status=code)
