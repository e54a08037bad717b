"""Finding a study in the library from what a member half-remembers: title words, an author's
family name, the journal, a year ("Younger 2013 naltrexone fibromyalgia").

Every word must match the title, the journal or an author's family name: as a whole word, or
as the start of one for the last word (usually still being typed); a four-digit year narrows to
studies of that year.
PostgreSQL answers from a stored 'simple' tsvector of those three with a GIN index (installed by
INSTALL_SQL in a migration, so the library stays fast at 100,000 studies); SQLite, used by small
sites and tests, reads the same columns with case-insensitive containment: the same matches, and
a few more (a word inside another), which a short list of suggestions easily absorbs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connections
from django.db.models import BooleanField, Count, F, Q
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KT

from forum.common.stop_words import STOP_WORDS
from forum.models import Citation

MAX_WORDS = 8
_TOKEN = re.compile(r"[^\W_]+")
_AUTHOR_KEYS = {"family", "given", "literal", "orcid"}
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")

# PostgreSQL: a `finder_vector` tsvector column on forum_study (not a model field: only this module
# reads it), set by a BEFORE trigger from the title, the journal and the authors' family names, with
# a GIN index. A trigger rather than a generated column: PostgreSQL refuses to change the type of a
# column a generated column reads, which would block a later migration of `title`.
#
# Two indexes, and the planner picks per query: a rare word is found through the GIN index and its
# few matches sorted; a common one ("naltrexone", thousands of matches among 100,000 studies) is
# answered by walking studies newest year first and stopping at the eighth match. The stored
# vector keeps that walk cheap: computing to_tsvector per row made it 50 ms (bench/RESULTS.md).
_VECTOR_OF_NEW = (
    "to_tsvector('simple'::regconfig, coalesce(NEW.title, '') || ' ' || coalesce(NEW.container_title, '') || ' ' "
    "|| coalesce(jsonb_path_query_array(NEW.metadata, '$.authors[*].family')::text, ''))"
)
INSTALL_SQL = [
    'ALTER TABLE "forum_study" ADD COLUMN IF NOT EXISTS finder_vector tsvector',
    f"""CREATE OR REPLACE FUNCTION forum_study_finder_vector() RETURNS trigger AS $$
BEGIN
    NEW.finder_vector := {_VECTOR_OF_NEW};
    RETURN NEW;
END
$$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS forum_study_finder_vector_trg ON forum_study",
    "CREATE TRIGGER forum_study_finder_vector_trg BEFORE INSERT OR UPDATE OF title, container_title, metadata "
    "ON forum_study FOR EACH ROW EXECUTE FUNCTION forum_study_finder_vector()",
    # Existing rows: touching the title fires the trigger.
    'UPDATE "forum_study" SET title = title',
    'CREATE INDEX IF NOT EXISTS forum_study_finder_gin ON "forum_study" USING gin (finder_vector)',
    'CREATE INDEX IF NOT EXISTS forum_study_year_recent_idx ON "forum_study" (year DESC NULLS LAST, id DESC)',
]
UNINSTALL_SQL = [
    "DROP INDEX IF EXISTS forum_study_year_recent_idx",
    "DROP TRIGGER IF EXISTS forum_study_finder_vector_trg ON forum_study",
    "DROP FUNCTION IF EXISTS forum_study_finder_vector()",
    'ALTER TABLE "forum_study" DROP COLUMN IF EXISTS finder_vector',
]


@dataclass(frozen=True)
class StudyQuery:
    words: tuple[str, ...]
    year: int | None = None

    @property
    def is_empty(self) -> bool:
        return not self.words and self.year is None


def parse_study_query(text: str) -> StudyQuery:
    """Words (lowercase, stop words dropped) and at most one year; never raises."""
    words: list[str] = []
    year = None
    for token in _TOKEN.findall((text or "")[:300].lower()):
        if year is None and _YEAR.match(token):
            year = int(token)
        elif token not in STOP_WORDS and token not in words and len(words) < MAX_WORDS:
            words.append(token)
    return StudyQuery(tuple(words), year)


def normalized_query(text: str) -> str:
    """The query as a cache key: the same words in any case or spacing search alike."""
    query = parse_study_query(text)
    return " ".join([*query.words, *([str(query.year)] if query.year else [])])


def _tsquery_term(word: str, *, last: bool) -> str:
    # Only the last word is matched as a prefix: it is the one still being typed, and a prefix
    # costs GIN a scan of every word it starts (a common one like "pain" took 50 ms at 100,000
    # studies), where a whole word is one cheap posting-list lookup. A plural also finds the
    # singular, since the 'simple' configuration does not stem ("trials" finds "trial").
    term = f"{word}:*" if last else word
    if _singular(word) != word:
        return f"({term} | {_singular(word)})"
    return term


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _postgres_filter(studies, query: StudyQuery):
    last = len(query.words) - 1
    tsquery = " & ".join(_tsquery_term(word, last=i == last) for i, word in enumerate(query.words))
    return studies.filter(RawSQL("\"forum_study\".\"finder_vector\" @@ to_tsquery('simple'::regconfig, %s)", [tsquery],
                                 output_field=BooleanField()))


def _sqlite_filter(studies, query: StudyQuery):
    studies = studies.alias(finder_authors=KT("metadata__authors"))
    for word in query.words:
        word = _singular(word)  # as on PostgreSQL, "trials" finds "trial"
        matches = Q(title__icontains=word) | Q(container_title__icontains=word)
        # The authors are read as their JSON text, whose keys every study has.
        if word not in _AUTHOR_KEYS:
            matches |= Q(finder_authors__icontains=word)
        studies = studies.filter(matches)
    return studies


def find_studies(studies, text: str, *, limit: int = 8) -> list:
    """The resolved studies of `studies` matching `text`, newest first, each with
    `cited_in_topics` (how many listed topics cite it). Called with `Study.objects` (not a
    queryset method: models know nothing of search)."""
    query = parse_study_query(text)
    if query.is_empty:
        return []
    studies = studies.resolved()
    if query.year is not None:
        studies = studies.filter(year=query.year)
    if query.words:
        if connections[studies.db].vendor == "postgresql":
            studies = _postgres_filter(studies, query)
        else:
            studies = _sqlite_filter(studies, query)
    # Undated studies last on both databases (PostgreSQL would put NULL first); the index matches.
    found = list(studies.order_by(F("year").desc(nulls_last=True), "-pk")[:limit])
    if found:
        counts = dict(
            Citation.objects.filter(study__in=found, post__deleted_at__isnull=True, post__hidden_at__isnull=True,
                                    post__topic__deleted_at__isnull=True, post__topic__unlisted=False)
            .values_list("study_id").annotate(topics=Count("post__topic", distinct=True)).values_list("study_id", "topics")
        )
        for study in found:
            study.cited_in_topics = counts.get(study.pk, 0)
    return found
