"""The classifier against real records (classification_table.py): every trap exactly right, and
precision and recall per design over the whole table. Print the figures with
`.venv/bin/python -m pytest tests/forum/references/test_classification_table.py -s`."""

from collections import Counter

import pytest

from forum.references.classification import Design, classify
from forum.references.metadata import StudyMetadata

from .classification_table import ROWS

TRAPS = {Design.NOTICE, Design.COMPONENT, Design.BLOG_POST}


def record(title, crossref_type, types, extra):
    return StudyMetadata(title=title, crossref_type=crossref_type, publication_types=list(types), **extra)


def scores():
    predicted = [classify(record(title, kind, types, extra)).design for title, kind, types, _, extra in ROWS]
    expected = [row[3] for row in ROWS]
    hits, said, truth = Counter(), Counter(predicted), Counter(expected)
    for got, want in zip(predicted, expected):
        if got == want:
            hits[want] += 1
    table = {}
    for design in Design:
        if said[design] or truth[design]:
            precision = hits[design] / said[design] if said[design] else 0.0
            recall = hits[design] / truth[design] if truth[design] else 0.0
            table[design] = (truth[design], said[design], hits[design], precision, recall)
    return table, predicted


def test_table_has_at_least_80_real_records():
    assert len(ROWS) >= 80
    assert len({(row[0], row[1], tuple(row[2])) for row in ROWS}) == len(ROWS)


@pytest.mark.parametrize("title, crossref_type, types, expected, extra", [
    row for row in ROWS if row[3] in TRAPS or row[3] == Design.CASE_REPORT
    or (row[3] == Design.OTHER and "andom" in row[0])
])
def test_the_traps_get_what_they_are(title, crossref_type, types, expected, extra):
    assert classify(record(title, crossref_type, types, extra)).design == expected


def test_precision_and_recall_per_design():
    table, _ = scores()
    print(f"\n{'design':<22}{'records':>8}{'called':>8}{'right':>7}{'precision':>11}{'recall':>8}")
    for design, (truth, said, hits, precision, recall) in table.items():
        print(f"{design.value:<22}{truth:>8}{said:>8}{hits:>7}{precision:>11.2f}{recall:>8.2f}")
    overall = sum(v[2] for v in table.values()) / len(ROWS)
    print(f"{'all':<22}{len(ROWS):>8}{'':>8}{sum(v[2] for v in table.values()):>7}{'':>11}{overall:>8.2f}")
    # The classifier may say "other" when unsure (a reader sees no claim), never claim a design
    # the study does not have: high precision for every evidence design.
    for design in (Design.RCT, Design.CROSSOVER_RCT, Design.SYSTEMATIC_REVIEW, Design.CASE_REPORT,
                   Design.NOTICE, Design.COMPONENT, Design.BLOG_POST, Design.PREPRINT, Design.PROTOCOL):
        assert table[design][3] == 1.0, design
    assert table[Design.RCT][4] >= 0.9
    assert overall >= 0.85
