"""Fetching what a reader may see, or a 404: the topic every page about one topic starts from
(its posts, composer, evidence summary and watch level), read the same way by each domain's
views, so none of them borrows another domain's view to find it.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from forum.models import Topic


def get_visible_topic(user, topic_id: int) -> Topic:
    topic = get_object_or_404(
        Topic.objects.visible_to(user).with_evidence_certainty()
        .select_related("category", "author", "accepted_answer__author"), pk=topic_id
    )
    if topic.accepted_answer is not None:
        topic.accepted_answer.topic = topic  # its link needs the topic's slug: not another query
    return topic
