"""The Content-Security-Policy header.

Django 5.2 has no CSP of its own (6.0 adds one), and our policy is static: every script and
stylesheet is a file under /static/, so there are no nonces or hashes to compute per response.
A few lines here do that job without another dependency, and are easy to swap for Django's
own `SECURE_CSP` when we upgrade.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404
from django.template.response import TemplateResponse
from django.views.defaults import bad_request as django_bad_request


def _header(policy: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


def policy_header(**directives: list[str]) -> str:
    """The site's policy with some directives replaced, for the one view that needs it to differ
    (set on its response, which the middleware then leaves alone)."""
    return _header({**settings.CONTENT_SECURITY_POLICY, **directives})


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = _header(settings.CONTENT_SECURITY_POLICY)
        # The admin is Django's, not ours: its templates use inline style attributes.
        self.admin_policy = _header({**settings.CONTENT_SECURITY_POLICY, **settings.CONTENT_SECURITY_POLICY_ADMIN})
        self.admin_prefix = settings.CONTENT_SECURITY_POLICY_ADMIN_PREFIX

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path_info.startswith(self.admin_prefix)
            response["Content-Security-Policy"] = self.admin_policy if admin else self.policy
        return response


def bad_request(request, exception):
    """handler400, which tells a body that is too big (413) apart from other bad requests."""
    if isinstance(exception, (RequestDataTooBig, TooManyFieldsSent)):
        response = TemplateResponse(request, "413.html", status=413)
        response.render()
        return response
    return django_bad_request(request, exception)


class RefuseNulCharactersMiddleware:
    """A NUL in the address is refused before any view sees it: in the path a 404 (no page is
    named with one), in the parameters a 400 that says why.

    No name, slug, token or search holds one, and PostgreSQL cannot even compare text that does
    (a DataError, so a 500: /u/%00/, /uploads/%00.png), while SQLite just finds nothing:
    refusing it here keeps the two databases alike and spares every view its own check. Form
    fields already refuse NUL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            return self._not_found(request)
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _not_found(request):
        if request.path_info.startswith("/api/"):
            from forum.api.responses import error_response

            return error_response(404, "not_found", "There is nothing at this address.")
        # The site's own 404 page, as for any other address that names nothing.
        raise Http404("The address contains a NUL character.")

    @staticmethod
    def _refuse(request):
        message = "The address contains a NUL character, which no page or parameter can hold."
        if request.path_info.startswith("/api/"):
            from forum.api.responses import error_response

            return error_response(400, "bad_request", message)
        response = TemplateResponse(request, "400.html", {"reason": message}, status=400)
        response.render()
        return response
