"""The kinds of notice a registry can attach to a paper, and the registries' words for them.

Its own module so that classification (is this record itself a notice?) and status (which
notices update this paper?) both read one vocabulary without importing each other.
"""

RETRACTION = "retraction"
WITHDRAWAL = "withdrawal"
REMOVAL = "removal"
CONCERN = "expression_of_concern"
CORRECTION = "correction"

# Registry vocabularies (Crossref update types, PubMed relation names) to our kinds. Types that
# do not change how far a reader may rely on a paper (addendum, new version) are not facts.
_KINDS = {
    "retraction": RETRACTION, "retracted": RETRACTION, "retraction_of_publication": RETRACTION,
    "withdrawal": WITHDRAWAL, "withdrawn": WITHDRAWAL,
    "removal": REMOVAL, "removed": REMOVAL,
    "expression_of_concern": CONCERN, "expression-of-concern": CONCERN, "concern": CONCERN,
    "correction": CORRECTION, "erratum": CORRECTION, "corrigendum": CORRECTION,
    "partial_retraction": CORRECTION,
}


def kind_of(update_type: str) -> str | None:
    return _KINDS.get(str(update_type or "").strip().lower().replace(" ", "_"))
