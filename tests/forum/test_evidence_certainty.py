"""What Evident proposes for an outcome's certainty, from the studies it rests on."""

from dataclasses import dataclass, field

import pytest

from forum.evidence.certainty import certainty_proposal, level_after_downgrades


@dataclass
class FakeStudy:
    pk: int
    design: str
    family: str
    year: int = 2023
    status: str = "published"
    status_facts: list = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    title: str = ""
    identifier_label: str = ""

    def __post_init__(self):
        self.metadata = {"authors": [{"family": self.family}], **self.metadata}

    @property
    def effective_design(self):
        return self.design

    @property
    def effective_status(self):
        return self.status


def prompts_of(proposal) -> list[tuple[str, str]]:
    return [(p.domain, p.text) for p in proposal.prompts]


def test_randomised_trials_and_systematic_reviews_start_high():
    proposal = certainty_proposal([FakeStudy(1, "rct", "Bruun", 2024), FakeStudy(2, "crossover_rct", "Bested")])

    assert proposal.level == "high"
    assert "2 randomised trials or systematic reviews" in proposal.reason
    assert proposal.prompts == ()


def test_a_systematic_review_starts_high():
    assert certainty_proposal([FakeStudy(1, "systematic_review", "Doe"), FakeStudy(2, "rct", "Roe")]).level == "high"


def test_observational_studies_start_low():
    proposal = certainty_proposal([FakeStudy(1, "cohort", "Doe"), FakeStudy(2, "case_control", "Roe")])

    assert proposal.level == "low"
    assert "observational evidence starts low" in proposal.reason


def test_case_reports_and_unknown_designs_start_very_low():
    assert certainty_proposal([FakeStudy(1, "case_report", "Doe"), FakeStudy(2, "other", "Roe")]).level == "very_low"


def test_only_protocols_or_preprints_is_prompted_and_a_protocol_gives_no_level():
    proposal = certainty_proposal([FakeStudy(1, "protocol", "Colomer-Carbonell", 2022, status="protocol"),
                                   FakeStudy(2, "preprint", "Doe", status="preprint")])

    assert ("risk_of_bias", "Only protocols or preprints: no peer-reviewed results yet.") in prompts_of(proposal)
    # The preprint has results (of unknown design); the protocol has none.
    assert proposal.level == "very_low"
    assert certainty_proposal([FakeStudy(1, "protocol", "Colomer-Carbonell", status="protocol")]).level is None


def test_a_protocol_beside_trials_is_named_as_not_counting():
    proposal = certainty_proposal([FakeStudy(1, "protocol", "Colomer-Carbonell", 2022, status="protocol"),
                                   FakeStudy(2, "rct", "Bruun", 2024), FakeStudy(3, "crossover_rct", "Bested")])

    assert proposal.level == "high"
    assert ("publication_bias", "Colomer-Carbonell 2022: protocol with no results yet; they cannot count for or "
                                "against.") in prompts_of(proposal)


def test_a_single_study_is_prompted_for_imprecision_and_called_small_when_its_size_is_known():
    single = certainty_proposal([FakeStudy(1, "crossover_rct", "Younger", 2013)])
    small = certainty_proposal([FakeStudy(1, "crossover_rct", "Younger", 2013, metadata={"sample_size": 31})])

    assert prompts_of(single) == [("imprecision", "Rests on a single study (Younger 2013).")]
    assert prompts_of(small) == [("imprecision", "Rests on a single small study (Younger 2013, 31 participants).")]


def test_the_registry_enrolment_of_a_single_trial_makes_it_small_but_a_planned_number_does_not():
    def registered(count, kind, trials=1):
        study = FakeStudy(1, "rct", "Bruun", 2024)
        study.registry = [{"nct_id": f"NCT0999000{n}", "state": "found", "enrollment": count,
                           "enrollment_type": kind} for n in range(trials)]
        return certainty_proposal([study])

    assert prompts_of(registered(31, "ACTUAL")) == [
        ("imprecision", "Rests on a single small study (Bruun 2024, 31 participants).")]
    assert prompts_of(registered(31, "ESTIMATED")) == [("imprecision", "Rests on a single study (Bruun 2024).")]
    assert prompts_of(registered(31, "ACTUAL", trials=2)) == [("imprecision", "Rests on a single study (Bruun 2024).")]
    assert prompts_of(registered(400, "ACTUAL")) == [
        ("imprecision", "Rests on a single study (Bruun 2024, 400 participants).")]


def test_several_studies_with_few_participants_altogether_are_prompted():
    proposal = certainty_proposal([FakeStudy(1, "rct", "Younger", 2009, metadata={"enrollment": 10}),
                                   FakeStudy(2, "crossover_rct", "Younger", 2013, metadata={"sample_size": 31})])

    assert prompts_of(proposal) == [("imprecision", "41 participants across all 2 studies.")]


def test_citations_that_contradict_each_other_are_prompted_for_inconsistency():
    studies = [FakeStudy(1, "crossover_rct", "Younger", 2013), FakeStudy(2, "rct", "Bruun", 2024)]

    proposal = certainty_proposal(studies, stances={1: {"supports"}, 2: {"contradicts", "mentions"}})

    assert ("inconsistency", "Cited as supporting the claim: Younger 2013; as contradicting it: Bruun 2024.") in \
        prompts_of(proposal)
    assert not [p for p in certainty_proposal(studies, stances={1: {"supports"}, 2: {"supports"}}).prompts
                if p.domain == "inconsistency"]


def test_a_retracted_study_is_prompted_and_does_not_count_toward_the_start():
    retracted = FakeStudy(1, "rct", "Wakefield", 1998, status_facts=[{"kind": "retraction"}])
    cohort = FakeStudy(2, "cohort", "Doe", 2020)

    proposal = certainty_proposal([retracted, cohort])

    assert ("risk_of_bias", "Wakefield 1998 was retracted: leave it out, or rate down for risk of bias.") in \
        prompts_of(proposal)
    assert proposal.level == "low"  # the retracted trial would have made it high


def test_a_study_marked_retracted_by_a_moderator_counts_as_retracted():
    proposal = certainty_proposal([FakeStudy(1, "rct", "Doe", status="retracted"), FakeStudy(2, "rct", "Roe")])

    assert any("Doe 2023 was retracted" in p.text for p in proposal.prompts)


def test_an_expression_of_concern_is_prompted():
    proposal = certainty_proposal([FakeStudy(1, "rct", "Doe", status_facts=[{"kind": "expression_of_concern"}]),
                                   FakeStudy(2, "rct", "Roe")])

    assert ("risk_of_bias", "Doe 2023 received an expression of concern.") in prompts_of(proposal)


def test_nothing_chosen_proposes_nothing():
    proposal = certainty_proposal([])

    assert proposal.level is None and proposal.prompts == ()


@pytest.mark.parametrize(("start", "judgements", "expected"), [
    ("high", ["no_concern"] * 5, "high"),
    ("high", ["serious", "no_concern", "serious", "no_concern", "no_concern"], "low"),
    ("high", ["very_serious", "serious", "no_concern", "no_concern", "no_concern"], "very_low"),
    ("low", ["very_serious", "very_serious", "no_concern", "no_concern", "no_concern"], "very_low"),
    (None, ["serious"], None),
])
def test_judgements_lead_down_from_the_starting_level(start, judgements, expected):
    assert level_after_downgrades(start, judgements) == expected
