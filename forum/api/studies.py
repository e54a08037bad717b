"""/api/studies/<id>/: one study's metadata, identifiers, design and status, and citing topics."""

from forum.models import Study, Topic

from .responses import api_view, json_response, not_found
from .serializers import study_json


@api_view
def study_detail(request, study_id: int):
    study = Study.objects.filter(pk=study_id).first()
    if study is None:
        raise not_found(f"There is no study {study_id}.")
    # The topics the study page lists: ones this user may open, citing it from a visible post.
    citing_topic_ids = list(
        Topic.objects.visible_to(request.user)
        .filter(posts__citations__study=study, posts__deleted_at__isnull=True, posts__hidden_at__isnull=True)
        .order_by("pk").values_list("pk", flat=True).distinct()
    )
    return json_response(study_json(request, study, citing_topic_ids=citing_topic_ids))
