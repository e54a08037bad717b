"""What Evident can see about the certainty of a body of evidence, to help the people who judge it.

An evidence summary is written by people (forum.models.evidence_summary); this module only
proposes. From the designs of the studies an outcome rests on it proposes GRADE's starting level
(randomised evidence starts high, observational evidence low), and it points at reasons to rate
down that the stored facts show: nothing but protocols or preprints, a single small study,
citations in the topic that contradict each other, a retraction or an expression of concern.
The writer chooses the level; a proposal is never stored as if someone had judged it.

Stances ("supports", "contradicts", "mentions") come from the citations when they carry one; a
topic whose citations have none simply gets no prompt about inconsistency.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from forum.models.evidence_summary import GRADE_DOMAINS, CertaintyLevel, DomainJudgement
from forum.references.classification import Design, Status
from forum.references.status import CONCERN, ENDING, KIND_VERBS
from forum.references.study_labels import study_short_label

LEVELS = (CertaintyLevel.HIGH, CertaintyLevel.MODERATE, CertaintyLevel.LOW, CertaintyLevel.VERY_LOW)
DOMAIN_LABELS = dict(GRADE_DOMAINS)

RANDOMISED = {Design.SYSTEMATIC_REVIEW, Design.RCT, Design.CROSSOVER_RCT}
OBSERVATIONAL = {Design.NONRANDOMISED_TRIAL, Design.COHORT, Design.CASE_CONTROL}
# Items that are about evidence rather than evidence for an outcome.
NOT_EVIDENCE = {Design.NOTICE, Design.COMPONENT}
# Below this many participants a single study is called small. GRADE's rule of thumb for an
# optimal information size is a few hundred participants; a study of under a hundred cannot
# come close on its own.
SMALL_STUDY = 100

# How many levels each judgement takes off the starting level.
DOWNGRADE_STEPS = {DomainJudgement.NO_CONCERN: 0, DomainJudgement.SERIOUS: 1, DomainJudgement.VERY_SERIOUS: 2}


@dataclass(frozen=True)
class Prompt:
    """A reason to rate down that Evident can see: which domain, and why, in a sentence."""

    domain: str  # a key of GRADE_DOMAINS
    text: str

    @property
    def domain_label(self) -> str:
        return DOMAIN_LABELS[self.domain]


@dataclass(frozen=True)
class Proposal:
    level: str | None  # a CertaintyLevel value; None when nothing with results is chosen
    reason: str
    prompts: tuple[Prompt, ...] = field(default=())

    @property
    def level_label(self) -> str:
        return CertaintyLevel(self.level).label if self.level else ""


def study_sample_size(study) -> int | None:
    """Participants, where a record says: a size entered with the study, or else the enrolment
    ClinicalTrials.gov gives for its one registered trial (the actual count only: a planned
    number says nothing about the participants a result rests on)."""
    for source in (getattr(study, "sample_size", None), (study.metadata or {}).get("sample_size"),
                   (study.metadata or {}).get("enrollment"), _registry_enrollment(study)):
        try:
            size = int(source)
        except (TypeError, ValueError):
            continue
        if size > 0:
            return size
    return None


def _registry_enrollment(study) -> int | None:
    trials = [trial for trial in getattr(study, "registry", None) or []
              if isinstance(trial, dict) and trial.get("state") == "found"]
    # A paper reporting several registered trials: which participants are whose is not known.
    if len(trials) != 1 or trials[0].get("enrollment_type") != "ACTUAL":
        return None
    return trials[0].get("enrollment")


def _is_protocol(study) -> bool:
    return study.effective_status == Status.PROTOCOL or study.effective_design == Design.PROTOCOL


def _is_preprint(study) -> bool:
    return study.effective_status == Status.PREPRINT or study.effective_design == Design.PREPRINT


def _ending_fact(study) -> str | None:
    kinds = {fact.get("kind") for fact in study.status_facts or []}
    if study.effective_status == Status.RETRACTED:
        kinds.add(ENDING[0])
    return next((kind for kind in ENDING if kind in kinds), None)


def _has_concern(study) -> bool:
    return study.effective_status == Status.CONCERN or any(
        fact.get("kind") == CONCERN for fact in study.status_facts or [])


def _names(studies) -> str:
    labels = [study_short_label(s) for s in studies]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _starting_level(results: list) -> tuple[str | None, str]:
    randomised = [s for s in results if s.effective_design in RANDOMISED]
    observational = [s for s in results if s.effective_design in OBSERVATIONAL]
    if randomised:
        n = len(randomised)
        return CertaintyLevel.HIGH, (f"{n} randomised trial{'s' if n != 1 else ''} or systematic "
                                     f"review{'s' if n != 1 else ''}: randomised evidence starts high.")
    if observational:
        n = len(observational)
        return CertaintyLevel.LOW, f"{n} observational stud{'ies' if n != 1 else 'y'}: observational evidence starts low."
    if results:
        return CertaintyLevel.VERY_LOW, ("No controlled study (case reports, narrative reviews or designs not "
                                         "known): such evidence starts very low.")
    return None, "Nothing chosen has results yet: there is no evidence to rate."


def certainty_proposal(studies: Iterable, *, stances: dict[int, set[str]] | None = None) -> Proposal:
    """The starting level Evident proposes for an outcome resting on `studies`, and the reasons to
    rate down that it can see. `stances`: {study id: the stances the topic's citations give it}."""
    studies = [s for s in studies if s.effective_design not in NOT_EVIDENCE]
    ended = [s for s in studies if _ending_fact(s)]
    unpublished = [s for s in studies if _is_protocol(s) or _is_preprint(s)]
    # What a level can rest on: studies with results that still stand.
    results = [s for s in studies if s not in ended and not _is_protocol(s)]
    level, reason = _starting_level(results)
    prompts: list[Prompt] = []

    for study in ended:
        prompts.append(Prompt("risk_of_bias", f"{study_short_label(study)} {KIND_VERBS[_ending_fact(study)]}: "
                                              "leave it out, or rate down for risk of bias."))
    concerned = [s for s in studies if s not in ended and _has_concern(s)]
    if concerned:
        prompts.append(Prompt("risk_of_bias", f"{_names(concerned)} received an expression of concern."))

    if studies and len(unpublished) == len(studies):
        prompts.append(Prompt("risk_of_bias", "Only protocols or preprints: no peer-reviewed results yet."))
    else:
        protocols = [s for s in unpublished if _is_protocol(s)]
        preprints = [s for s in unpublished if not _is_protocol(s)]
        if protocols:
            prompts.append(Prompt("publication_bias", f"{_names(protocols)}: protocol{'s' if len(protocols) > 1 else ''}"
                                                      " with no results yet; they cannot count for or against."))
        if preprints:
            prompts.append(Prompt("risk_of_bias", f"{_names(preprints)}: not peer reviewed (preprint)."))

    if len(results) == 1:
        only = results[0]
        size = study_sample_size(only)
        if size is not None and size < SMALL_STUDY:
            text = f"Rests on a single small study ({study_short_label(only)}, {size} participants)."
        elif size is not None:
            text = f"Rests on a single study ({study_short_label(only)}, {size} participants)."
        else:
            text = f"Rests on a single study ({study_short_label(only)})."
        prompts.append(Prompt("imprecision", text))
    elif results:
        sizes = [study_sample_size(s) for s in results]
        if all(size is not None for size in sizes) and sum(sizes) < SMALL_STUDY:
            prompts.append(Prompt("imprecision", f"{sum(sizes)} participants across all {len(results)} studies."))

    if stances:
        chosen = {s.pk: s for s in results}
        supporting = [chosen[pk] for pk in chosen if "supports" in stances.get(pk, ())]
        contradicting = [chosen[pk] for pk in chosen if "contradicts" in stances.get(pk, ())]
        if supporting and contradicting:
            prompts.append(Prompt("inconsistency", f"Cited as supporting the claim: {_names(supporting)}; "
                                                   f"as contradicting it: {_names(contradicting)}."))
    return Proposal(level=level, reason=reason, prompts=tuple(prompts))


def level_after_downgrades(start: str | None, judgements: Iterable[str]) -> str | None:
    """Where the domain judgements lead from `start`: each serious concern one level down, each very
    serious one two, never below very low."""
    if not start:
        return None
    steps = sum(DOWNGRADE_STEPS.get(judgement, 0) for judgement in judgements)
    return LEVELS[min(LEVELS.index(CertaintyLevel(start)) + steps, len(LEVELS) - 1)]
