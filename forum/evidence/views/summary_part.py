"""The evidence summary as readers see it at the top of a topic (and, version by version, in its
history)."""

from __future__ import annotations

from django.template.loader import render_to_string

from forum.evidence.summaries import studies_for_summary
from forum.models import GRADE_DOMAINS, CertaintyLevel, DomainJudgement, EvidenceSummary, Study


def in_panel_order(study_ids: list[int], studies: dict[int, Study], cited: list[Study]) -> list[Study]:
    """The studies an outcome rests on as the topic shows them everywhere: in the Evidence panel's
    order, each with the topic's number (`topic_number`). A study no visible post cites any more
    is not in the panel: it comes last, unnumbered, since any number could be another study's."""
    place = {study.pk: index for index, study in enumerate(cited)}
    numbers = {study.pk: study.topic_number for study in cited}
    chosen = []
    for pk in dict.fromkeys(study_ids):
        if (study := studies.get(pk)) is not None:
            study.topic_number = numbers.get(pk)
            chosen.append(study)
    return sorted(chosen, key=lambda study: place.get(study.pk, len(place)))


def outcomes_for_reading(outcomes: list[dict], studies: dict[int, Study], cited: list[Study]) -> list[dict]:
    shown = []
    for outcome in outcomes:
        domains = []
        for key, label in GRADE_DOMAINS:
            domain = outcome.get("domains", {}).get(key, {})
            judgement = domain.get("judgement", DomainJudgement.NO_CONCERN)
            domains.append({"key": key, "label": label, "judgement": judgement,
                            "judgement_label": DomainJudgement(judgement).label,
                            "reasoning": domain.get("reasoning", "")})
        rests_on = in_panel_order(outcome.get("study_ids", []), studies, cited)
        shown.append({
            "outcome": outcome["outcome"], "certainty": outcome["certainty"],
            "certainty_label": CertaintyLevel(outcome["certainty"]).label, "domains": domains,
            "studies": rests_on,
            "numbers": ", ".join(f"[{study.topic_number}]" for study in rests_on if study.topic_number),
        })
    return shown


def evidence_summary_html(topic, cited: list[Study]) -> str:
    """The summary at the top of a topic ("" without one), cached with the topic's other parts:
    one query (the summary and its writers); the studies come from the Evidence panel's."""
    summary = (EvidenceSummary.objects.select_related("created_by", "updated_by")
               .filter(topic=topic).first())
    if summary is None:
        return ""
    return render_to_string("forum/evidence/_evidence_summary.html", {
        "summary": summary, "topic": topic,
        "outcomes": outcomes_for_reading(summary.outcomes, studies_for_summary(topic, summary, cited), cited),
    })
