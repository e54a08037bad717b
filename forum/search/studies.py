"""Searching studies by title, journal and abstract.

Studies are few next to posts, so this is a plain case-insensitive containment search rather
than an index; it reads the same parsed expression, so words, phrases, exclusions and OR mean
the same here as for posts (without stemming).
"""

from django.db.models import CharField, Q, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from forum.models import Study

from .query import SearchExpression


def _mentions(text: str) -> Q:
    return (Q(title__icontains=text) | Q(container_title__icontains=text)
            | Q(search_abstract__icontains=text))


def search_studies(expression: SearchExpression, *, limit: int = 5) -> list[Study]:
    if expression.is_empty:
        return []
    condition = Q(pk__in=[])
    for group in expression.alternatives:
        both = Q()
        for term in group:
            both &= ~_mentions(term.text) if term.negated else _mentions(term.text)
        condition |= both
    # A study without an abstract has none to exclude it by: NULL would make "-word" drop it.
    studies = Study.objects.alias(
        search_abstract=Coalesce(KT("metadata__abstract"), Value(""), output_field=CharField())
    )
    return list(studies.filter(condition).order_by("-year", "title")[:limit])
