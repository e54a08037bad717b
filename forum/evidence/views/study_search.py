"""Finding a study to cite: JSON for the composer's "Add reference" dialog, and the same search as
a page for browsers without JavaScript. GET only: searching stores nothing."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.template.response import TemplateResponse

from forum.evidence.study_search import studies_search


def _wants_json(request) -> bool:
    return request.GET.get("format") == "json" or "application/json" in request.headers.get("Accept", "")


@login_required
def find(request):
    text = request.GET.get("q", "")
    # `library=1`: the dialog's first, instant answer while the registries are asked separately.
    registries = request.GET.get("library") != "1"
    search = studies_search(text=text, member=request.user, registries=registries)
    if _wants_json(request):
        return JsonResponse(search.to_json())
    return TemplateResponse(request, "forum/evidence/studies/find.html", {"search": search, "query": search.query})
