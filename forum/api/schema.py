"""/api/openapi.yaml: the OpenAPI description kept in docs/, served as written."""

from django.conf import settings
from django.http import HttpResponse

from .responses import api_view

OPENAPI_PATH = settings.BASE_DIR / "docs" / "openapi.yaml"


@api_view
def openapi(request):
    return HttpResponse(OPENAPI_PATH.read_text(encoding="utf-8"), content_type="application/yaml; charset=utf-8")
