"""The production URLs plus the benchmark floor. Selected only by bench/settings.py."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as production_urlpatterns

_bodies: dict[int, bytes] = {}


def floor(request, size: int):
    """Prebuilt bytes of a given size: what any page costs before the view does any work."""
    body = _bodies.get(size)
    if body is None:
        body = _bodies[size] = b"x" * size
    return HttpResponse(body, content_type="text/html; charset=utf-8")


urlpatterns = [
    path("__bench__/floor/<int:size>/", floor, name="bench_floor"),
    *production_urlpatterns,
]
