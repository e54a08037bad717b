"""One citation numbering per topic: the {study id: number} map a topic page, its Evidence panel
and its accepted-answer card number citations by (forum/markup/citation_numbers.py puts it into a
post's HTML). The map comes with the Evidence panel, from the same two queries and the same cached
part (forum/caching/page_cache.py).
"""

from __future__ import annotations

from forum.caching.page_cache import cached_for_topic
from forum.models import Study


def topic_evidence_once(topic):
    """A function giving the topic's evidence (forum.models.study.TopicEvidence), read at most
    once however many of the page's cached parts need it."""
    evidence = []

    def load():
        if not evidence:
            evidence.append(Study.objects.evidence_for_topic(topic, with_records=False))
        return evidence[0]

    return load


def topic_citation_numbers(topic) -> dict[int, int]:
    """{study id: number} for the topic, cached with its page's other parts."""
    evidence = topic_evidence_once(topic)
    return cached_for_topic(topic.pk, {"citation-numbers": lambda: evidence().numbers})["citation-numbers"]
