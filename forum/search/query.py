"""Web-search syntax, parsed once and written out for each database.

Users type what they would type into a search engine: words (all must match), "quoted phrases",
-excluded words or phrases, and OR between alternatives. PostgreSQL's `websearch_to_tsquery`
defines the meaning, and we follow it exactly so both databases answer alike: OR binds loosest,
so `a b OR c` means (a AND b) OR c.

Rather than hand the user's text to either database, we parse it here into a small expression
and write that back out with every term quoted: for PostgreSQL as a websearch string, for SQLite
as an FTS5 MATCH expression. Whatever the user typed (`NEAR(`, `title:`, `*`, `^`, SQL, stray
quotes), the database only ever sees quoted terms joined by operators we wrote ourselves.
"""

import re
from dataclasses import dataclass, field

from forum.common.stop_words import STOP_WORDS

# Longer input is cut, not refused: a pasted paragraph still searches for its first words.
MAX_QUERY_CHARS = 400
MAX_TERMS = 16

# A token is a run of letters or digits, as both databases' tokenisers see words.
_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    text: str
    negated: bool = False
    phrase: bool = False

    @property
    def tokens(self) -> list[str]:
        return _TOKEN.findall(self.text.lower())


@dataclass(frozen=True)
class SearchExpression:
    """Alternatives joined by OR; each alternative is terms joined by AND (negated ones: NOT)."""

    alternatives: tuple[tuple[Term, ...], ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.alternatives

    @property
    def positive_terms(self) -> list[Term]:
        return [term for group in self.alternatives for term in group if not term.negated]

    def to_websearch(self) -> str:
        """A websearch_to_tsquery string with every term quoted."""
        return " or ".join(
            " ".join(f'{"-" if term.negated else ""}"{term.text}"' for term in group)
            for group in self.alternatives
        )

    def to_fts5(self, *, column: str | None = None) -> str:
        """An FTS5 MATCH expression; `column` restricts it to one column of the index."""
        groups = []
        for group in self.alternatives:
            positive = " AND ".join(_fts5_string(t.text) for t in group if not t.negated)
            negative = "".join(f" NOT {_fts5_string(t.text)}" for t in group if t.negated)
            groups.append(f"(({positive}){negative})")
        expression = " OR ".join(groups)
        return f"{{{column}}} : ({expression})" if column else expression


def _fts5_string(text: str) -> str:
    # Inside an FTS5 string only the double quote is special; it is escaped by doubling.
    return '"' + text.replace('"', '""') + '"'


def parse_query(text: str) -> SearchExpression:
    """Parse what a user typed; never raises. Nothing searchable gives an empty expression."""
    text = (text or "")[:MAX_QUERY_CHARS].replace("\x00", "")
    groups: list[list[Term]] = [[]]
    count = 0
    for kind, value, negated in _scan(text):
        if kind == "or":
            groups.append([])
            continue
        term = Term(value, negated=negated, phrase=kind == "phrase")
        if not _searchable(term) or count >= MAX_TERMS:
            continue
        groups[-1].append(term)
        count += 1
    # A group of only exclusions would match almost every post ("-cat" alone): PostgreSQL would
    # scan the whole table to answer it, and FTS5 cannot express it. Such groups find nothing.
    return SearchExpression(tuple(
        tuple(group) for group in groups if any(not term.negated for term in group)
    ))


def _scan(text: str):
    """Yield ("word" | "phrase" | "or", text, negated), reading the input left to right."""
    i, length = 0, len(text)
    while i < length:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        negated = False
        if char == "-" and i + 1 < length and not text[i + 1].isspace():
            negated = True
            i += 1
            char = text[i]
        if char == '"':
            end = text.find('"', i + 1)
            end = length if end == -1 else end
            yield "phrase", text[i + 1:end], negated
            i = end + 1
            continue
        end = i
        while end < length and not text[end].isspace() and text[end] != '"':
            end += 1
        word = text[i:end]
        i = end
        if word.lower() == "or" and not negated:
            yield "or", word, False
        else:
            yield "word", word, negated


def _searchable(term: Term) -> bool:
    tokens = term.tokens
    return bool(tokens) and not all(token in STOP_WORDS for token in tokens)
