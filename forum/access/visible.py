"""Fetching what a reader may see, or a 404: the topic every page about one topic starts from
(its posts, composer, evidence summary and watch level), read the same way by each domain's
views, so none of them borrows another domain's view to find it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import Http404

from forum.models import Topic
from forum.common.prepared import Prepared


class _Reader:
    def __init__(self, *, is_moderator: bool):
        self.is_moderator = is_moderator


def _visible_topic_read(*, moderator: bool) -> Prepared:
    # Every topic page starts here: composed once per process for each kind of reader that
    # `visible_to` tells apart (forum/common/prepared.py).
    reader = _Reader(is_moderator=moderator)
    # Its author and the accepted answer's as bylines show them, the answer without its raw text
    # (its card shows an excerpt of the HTML).
    return Prepared(lambda topic_id: Topic.objects.visible_to(reader).with_evidence_certainty()
                    .select_related("category", "author", "accepted_answer__author")
                    .defer("accepted_answer__raw", *get_user_model().beyond_byline("author", "accepted_answer__author"))
                    .filter(pk=topic_id))


_VISIBLE_TOPIC = {moderator: _visible_topic_read(moderator=moderator) for moderator in (True, False)}


def get_visible_topic(user, topic_id: int) -> Topic:
    found = _VISIBLE_TOPIC[bool(getattr(user, "is_moderator", False))].fetch(int(topic_id))
    if not found:
        raise Http404("No Topic matches the given query.")
    topic = found[0]
    if topic.accepted_answer is not None:
        topic.accepted_answer.topic = topic  # its link needs the topic's slug: not another query
    return topic
