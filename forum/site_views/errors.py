"""When a form arrives that cannot be accepted as it stands: the session ran out while someone
was writing, or the page's CSRF token expired. Either way the text they typed is handed back.

Only the composer's own fields (title and body) are ever shown again, escaped by the template;
whatever else a form carried (passwords, tokens) is never echoed.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import UnreadablePostError
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve, reverse

# Views whose POST carries something a person wrote; nothing posted to other views is echoed.
COMPOSER_VIEWS = {"forum:new_topic", "forum:reply", "forum:post_edit"}


def typed_text(request) -> dict[str, str]:
    """The title and body from a composer POST, or nothing if the request is not one."""
    try:
        if resolve(request.path_info).view_name not in COMPOSER_VIEWS:
            return {}
        return {field: request.POST.get(field, "") for field in ("title", "raw") if request.POST.get(field)}
    except (Resolver404, RequestDataTooBig, TooManyFieldsSent, UnreadablePostError, OSError):
        return {}


def _sign_in_url(request) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"


def composer_login_required(view):
    """login_required, except that a signed-out POST (an expired session) keeps the text.

    A redirect to the login page would drop the POST body and everything in it, so the text is
    shown back with a link to sign in again and return to the composer.
    """
    guarded = login_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not request.user.is_authenticated:
            return TemplateResponse(
                request, "forum/session_expired.html",
                {"typed": typed_text(request), "sign_in_url": _sign_in_url(request)}, status=403,
            )
        return guarded(request, *args, **kwargs)

    return wrapper


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: the usual "form expired" page, plus the composer's text if any."""
    return TemplateResponse(
        request, "403_csrf.html",
        {"typed": typed_text(request), "reload_url": request.get_full_path(),
         "sign_in_url": None if request.user.is_authenticated else _sign_in_url(request)},
        status=403,
    )
