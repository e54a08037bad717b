"""/api/search/?q=: posts matching a web-search query (with the search page's filters), best
first, plus the few studies whose title, journal or abstract match on the first page."""

import importlib
import math

from django.urls import reverse

from forum.models import Category

from .pagination import envelope, requested_page
from .responses import ApiError, api_view, error_response, json_response
from .serializers import iso, study_summary_json, user_json

RESULTS_PER_PAGE = 20


def _search_package():
    # Imported on demand: search is its own package (and its own migration), and the rest of the
    # API must work, and this endpoint say why it cannot, on a server without it.
    try:
        return importlib.import_module("forum.search"), importlib.import_module("forum.search.form")
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("forum.search"):
            raise
        return None


@api_view
def search(request):
    package = _search_package()
    if package is None:
        return error_response(503, "search_unavailable", "Search is not available on this server.")
    search_module, form_module = package
    form = form_module.SearchForm(request.GET, categories=Category.objects.all())
    if not form.is_valid():
        problems = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
        raise ApiError(400, "invalid_query", problems)
    if not form.cleaned_data["q"]:
        raise ApiError(400, "missing_query", "Say what to search for in the q parameter.")

    search_request = form.to_search()
    posts = search_module.search_posts(search_request)
    count = posts.count()
    pages = max(1, math.ceil(count / RESULTS_PER_PAGE))
    page = requested_page(request, pages=pages)
    start = (page - 1) * RESULTS_PER_PAGE
    found = search_module.with_snippets(list(
        posts.prefetch_related("topic__tags")[start:start + RESULTS_PER_PAGE]
    ))
    studies = search_module.search_studies(search_request.expression) if page == 1 else []
    return json_response(envelope(
        request, [_result_json(request, post) for post in found], count=count, page=page, pages=pages,
        query=form.cleaned_data["q"],
        studies=[study_summary_json(request, study) for study in studies],
    ))


def _result_json(request, post) -> dict:
    topic = post.topic
    return {
        "topic": {
            "id": topic.pk,
            "title": topic.title,
            "url": request.build_absolute_uri(topic.get_absolute_url()),
            "api_url": request.build_absolute_uri(reverse("api:topic", kwargs={"topic_id": topic.pk})),
            "category": {"slug": topic.category.slug, "name": topic.category.name},
            "tags": [tag.name for tag in topic.tags.all()],
        },
        "post": {
            "number": post.post_number,
            "url": request.build_absolute_uri(topic.post_url(post.post_number)),
            "author": user_json(request, post.author),
            "created_at": iso(post.created_at),
        },
        # Escaped text with matches wrapped in <mark>: safe to insert as HTML.
        "snippet_html": str(post.snippet_html),
        "rank": float(post.search_rank),
    }
