"""JSON responses, JSON errors and cache headers shared by every endpoint."""

from functools import wraps

from django.http import Http404, JsonResponse
from django.utils.cache import patch_cache_control

# Anonymous responses are the same for every signed-out caller, so shared caches may keep them
# briefly; a signed-in caller may see more (a moderator sees deleted topics), so theirs stay private.
PUBLIC_MAX_AGE = 60


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def not_found(message: str) -> ApiError:
    return ApiError(404, "not_found", message)


def error_response(status: int, code: str, message: str) -> JsonResponse:
    response = JsonResponse({"error": {"status": status, "code": code, "message": message}}, status=status)
    patch_cache_control(response, no_cache=True)
    return response


def api_view(view):
    """GET (and HEAD) only; errors come back as JSON, never as an HTML page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = error_response(405, "method_not_allowed", "This API is read-only: use GET.")
            response["Allow"] = "GET, HEAD"
            return response
        try:
            response = view(request, *args, **kwargs)
        except ApiError as exc:
            return error_response(exc.status, exc.code, exc.message)
        except Http404 as exc:
            return error_response(404, "not_found", str(exc) or "Not found.")
        if response.status_code == 200:
            if request.user.is_authenticated:
                patch_cache_control(response, private=True, no_cache=True)
            else:
                patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response

    # Nothing here writes, and every method but GET and HEAD stops at the 405 above: without
    # this the CSRF middleware would answer a POST (or any unknown method) with an HTML 403 first.
    wrapper.csrf_exempt = True
    return wrapper


def json_response(data: dict) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
