"""A study named in a few words, "Bested 2023", wherever a line has no room for its title: the
certainty prompts, a flag's study, excerpts of posts read away from their topic.

It reads only the study's own record (authors, year, title), so it sits with the other reference
formats, under every domain that names a study this way.
"""

from __future__ import annotations


def study_short_label(study) -> str:
    """"Bested 2023": first author and year, or the title's start when there are no authors;
    "[2] Bested 2023" for a study read with its topic's number, as the topic shows it everywhere."""
    number = getattr(study, "topic_number", None)
    return f"[{number}] {_author_year(study)}" if number else _author_year(study)


def _author_year(study) -> str:
    authors = (study.metadata or {}).get("authors") or []
    family = authors[0].get("family", "") if authors and isinstance(authors[0], dict) else ""
    if family:
        return f"{family} {study.year}" if study.year else family
    title = study.title or study.identifier_label
    return title if len(title) <= 60 else title[:57].rstrip() + "..."
