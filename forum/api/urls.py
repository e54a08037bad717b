from django.urls import path, re_path

from . import root, schema, search, studies, topics

app_name = "api"

urlpatterns = [
    path("", root.index, name="index"),
    path("topics/", topics.topic_list, name="topics"),
    path("topics/<int:topic_id>/", topics.topic_detail, name="topic"),
    path("studies/<int:study_id>/", studies.study_detail, name="study"),
    path("search/", search.search, name="search"),
    path("openapi.yaml", schema.openapi, name="openapi"),
    # Any character, newlines included (`<path:>` stops at one), so nothing under /api/ gets HTML.
    re_path(r"^(?P<rest>(?s:.+))$", root.unknown, name="unknown"),
]
