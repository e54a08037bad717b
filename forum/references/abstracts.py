"""A stored abstract read as its sections: PubMed and Crossref abstracts are stored as paragraphs,
and a structured one heads each with its section ("Results: ...", "Conclusion: ..."). The study
page shows them so, and a quote of the abstract says which section its words are under
(forum/discussion/study_quoting.py).
"""

from __future__ import annotations

import re

# A structured abstract's paragraph starts with its heading: "Results: Fifty-eight patients…".
_SECTION = re.compile(r"^(?P<label>[A-Z][A-Za-z]+(?:[ /&-][A-Za-z]+){0,4})\s*:\s+(?P<text>\S.*)$", re.DOTALL)


def abstract_sections(abstract: str) -> list[tuple[str, str]]:
    """(heading, text) for each paragraph of a stored abstract; heading "" where there is none."""
    sections = []
    for paragraph in (p.strip() for p in (abstract or "").split("\n\n")):
        if not paragraph:
            continue
        match = _SECTION.match(paragraph)
        sections.append((match.group("label"), match.group("text")) if match else ("", paragraph))
    return sections
