"""Excerpts of posts for the places that show them, with their citations named.

forum/markup/excerpt.py makes every excerpt from the cooked HTML; this module only says what a
citation reads as there. Beside its topic (the accepted answer's card, the review queue), where the
Evidence panel numbers the studies, a citation is the topic's "[3]". Read alone (a mail, a digest,
a search result, a feed, the API), a number would point at nothing, so it is the study's short
name, "[Bested 2023]": one query for all the studies a page of excerpts cites.
"""

from __future__ import annotations

import re
from typing import Iterable

from forum.markup.citation_numbers import topic_number_label
from forum.markup.excerpt import excerpt
from forum.models import Study
from forum.references.study_labels import study_short_label

_CITED = re.compile(r'<span class="cite__n" data-study="(\d+)">')


def cited_study_ids(cooked: str) -> set[int]:
    return {int(study_id) for study_id in _CITED.findall(cooked or "")}


def study_short_names(study_ids: Iterable[int]) -> dict[int, str]:
    """{study id: "Bested 2023"} (first author and year) for the studies that exist."""
    ids = set(study_ids)
    if not ids:
        return {}
    return {study.pk: study_short_label(study)
            for study in Study.objects.filter(pk__in=ids).only("pk", "metadata", "year", "title", "doi", "pmid",
                                                                "bibtex_key")}


def _labels(numbers: dict[int, int] | None, names: dict[int, str] | None):
    if numbers is not None:
        return topic_number_label(numbers)

    def label_for(study_id: int) -> str | None:
        if names and study_id in names:
            return f"[{names[study_id]}]"
        return None

    return label_for


def post_excerpt(post, *, limit: int = 300, numbers: dict[int, int] | None = None,
                 names: dict[int, str] | None = None, focus_study: int | None = None,
                 focus_terms: Iterable[str] = ()) -> str:
    """`post`'s excerpt. With `numbers` ({study id: topic number}) citations are the topic's [n];
    otherwise the studies' short names, from `names` or looked up here."""
    cooked = getattr(post, "cooked", "") or ""
    if numbers is None and names is None:
        names = study_short_names(cited_study_ids(cooked))
    return excerpt(cooked, limit=limit, label_for=_labels(numbers, names), focus_study=focus_study,
                   focus_terms=focus_terms)


def posts_excerpts(posts, *, limit: int = 300) -> dict[int, str]:
    """{post id: excerpt} for posts read outside their topic, with one query for the studies' names."""
    posts = list(posts)
    names = study_short_names(set().union(*(cited_study_ids(post.cooked) for post in posts)) if posts else ())
    return {post.pk: post_excerpt(post, limit=limit, names=names) for post in posts}
