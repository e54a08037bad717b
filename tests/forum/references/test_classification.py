import pytest

from forum.references.classification import (
    DESIGN_LABELS,
    DESIGN_RANK,
    STATUS_LABELS,
    Design,
    Status,
    classify,
    design_rank,
)
from forum.references.metadata import StudyMetadata

from .studies import crossref_study


@pytest.mark.parametrize(
    "name, design, status",
    [
        ("innova2022", Design.PROTOCOL, Status.PROTOCOL),
        ("bested2023", Design.CROSSOVER_RCT, Status.PUBLISHED),
        ("younger2009", Design.NONRANDOMISED_TRIAL, Status.PUBLISHED),
        ("younger2013", Design.CROSSOVER_RCT, Status.PUBLISHED),
        ("bruun2024", Design.RCT, Status.PUBLISHED),
    ],
)
def test_the_five_verified_studies(name, design, status):
    result = classify(crossref_study(name))
    assert (result.design, result.status) == (design, status)
    assert result.reasons


@pytest.mark.parametrize(
    "title, types, design",
    [
        # PubMed's types beat a misleading title.
        ("Naltrexone: a review of randomised trials", ["Review"], Design.NARRATIVE_REVIEW),
        ("Low-dose naltrexone in fibromyalgia", ["Randomized Controlled Trial"], Design.RCT),
        ("A crossover study of LDN", ["Randomized Controlled Trial"], Design.CROSSOVER_RCT),
        ("A randomized study of LDN", ["Clinical Trial"], Design.RCT),
        ("An open study of LDN", ["Clinical Trial"], Design.NONRANDOMISED_TRIAL),
        (
            "Protocol-driven care",
            ["Clinical Trial Protocol", "Randomized Controlled Trial"],
            Design.PROTOCOL,
        ),
        ("LDN for pain", ["Meta-Analysis"], Design.SYSTEMATIC_REVIEW),
        ("LDN for pain", ["Systematic Review", "Review"], Design.SYSTEMATIC_REVIEW),
        ("LDN and Crohn's disease", ["Case Reports"], Design.CASE_REPORT),
        ("LDN use in a cohort of 500 patients", ["Observational Study"], Design.COHORT),
        ("LDN exposure and outcomes", ["Observational Study"], Design.OTHER),
        # Title only (Crossref records have no publication types).
        (
            "Low-dose naltrexone for chronic pain: a systematic review and meta-analysis",
            [],
            Design.SYSTEMATIC_REVIEW,
        ),
        ("Protocol for a systematic review of LDN", [], Design.PROTOCOL),
        ("A non-randomised comparison of LDN and placebo", [], Design.NONRANDOMISED_TRIAL),
        ("An open-label trial of LDN", [], Design.NONRANDOMISED_TRIAL),
        ("LDN and psoriasis: a case report", [], Design.CASE_REPORT),
        ("A case series of LDN use", [], Design.CASE_REPORT),
        ("LDN in a nationwide cohort", [], Design.COHORT),
        ("A case-control study of LDN", [], Design.CASE_CONTROL),
        ("Low-dose naltrexone: a narrative review", [], Design.NARRATIVE_REVIEW),
        ("Thoughts on naltrexone", [], Design.OTHER),
    ],
)
def test_design_table(title, types, design):
    assert classify(StudyMetadata(title=title, publication_types=types)).design == design


def test_retraction_in_updated_by_marks_retracted():
    result = classify(crossref_study("synthetic_retracted"))
    assert result.status == Status.RETRACTED
    assert result.design == Design.RCT


@pytest.mark.parametrize("kind", ["correction", "erratum", "corrigendum"])
def test_corrections_mark_corrected(kind):
    study = crossref_study("bested2023")
    study.updated_by = [{"type": kind, "doi": "10.5555/evident-correction", "date": "2024-01-01"}]
    assert classify(study).status == Status.CORRECTED
    assert classify(study).design == Design.CROSSOVER_RCT


def test_retraction_beats_correction():
    study = StudyMetadata(
        title="A randomised trial",
        updated_by=[
            {"type": "correction", "doi": "", "date": ""},
            {"type": "retraction", "doi": "", "date": ""},
        ],
    )
    assert classify(study).status == Status.RETRACTED


def test_retracted_publication_type_and_title_mark_retracted():
    assert (
        classify(StudyMetadata(title="X", publication_types=["Retracted Publication"])).status
        == Status.RETRACTED
    )
    assert (
        classify(StudyMetadata(title="RETRACTED: A randomized trial of X")).status
        == Status.RETRACTED
    )


def test_posted_content_is_a_preprint():
    result = classify(crossref_study("synthetic_preprint"))
    assert (result.design, result.status) == (Design.PREPRINT, Status.PREPRINT)


def test_rank_and_labels_cover_every_design_and_status():
    assert DESIGN_RANK[0] == Design.SYSTEMATIC_REVIEW
    assert DESIGN_RANK[-1] == Design.OTHER
    assert set(DESIGN_RANK) == set(Design) == set(DESIGN_LABELS)
    assert set(STATUS_LABELS) == set(Status)
    assert design_rank("rct") < design_rank("crossover_rct") < design_rank("protocol")
    assert design_rank("unknown") == len(DESIGN_RANK)
    assert STATUS_LABELS[Status.PROTOCOL] == "Protocol: no results yet"


def test_evidence_order_of_the_five_studies():
    names = ["innova2022", "younger2009", "bruun2024", "younger2013", "bested2023"]
    ordered = sorted(names, key=lambda n: design_rank(classify(crossref_study(n)).design))
    assert ordered[0] == "bruun2024"
    assert ordered[-1] == "innova2022"


def test_designs_summary_counts_each_design_in_the_order_given():
    from forum.references.classification import designs_summary

    labels = ["Systematic review", "RCT", "RCT", "Crossover RCT", "Cohort study", "Protocol"]

    assert designs_summary(labels) == (
        "6 studies: 1 systematic review, 2 RCTs, 1 crossover RCT, 1 cohort study, 1 protocol")
    assert designs_summary(["Case-control study", "Case-control study"]) == "2 studies: 2 case-control studies"
    assert designs_summary(["RCT"]) == "1 study: 1 RCT"
