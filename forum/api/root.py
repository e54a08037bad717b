"""/api/: where everything is, and JSON 404s for anything under /api/ that is not an endpoint."""

from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve, reverse

from .responses import api_view, json_response, not_found


@api_view
def index(request):
    def url(name):
        return request.build_absolute_uri(reverse(name))

    return json_response({
        "topics": url("api:topics"),
        "search": url("api:search"),
        "openapi": url("api:openapi"),
        "feeds": {"latest_atom": url("forum:latest_feed"), "latest_rss": url("forum:latest_rss")},
    })


@api_view
def unknown(request, rest: str):
    # This catch-all would otherwise defeat APPEND_SLASH, so do its job here.
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "unknown":
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
    raise not_found("There is no such API endpoint: see /api/openapi.yaml.")
