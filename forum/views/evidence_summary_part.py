"""The evidence summary as readers see it at the top of a topic (and, version by version, in its
history)."""

from __future__ import annotations

from django.template.loader import render_to_string

from forum.models import GRADE_DOMAINS, CertaintyLevel, DomainJudgement, EvidenceSummary, Study
from forum.services.evidence_summaries import studies_for_summary


def outcomes_for_reading(outcomes: list[dict], studies: dict[int, Study]) -> list[dict]:
    shown = []
    for outcome in outcomes:
        domains = []
        for key, label in GRADE_DOMAINS:
            domain = outcome.get("domains", {}).get(key, {})
            judgement = domain.get("judgement", DomainJudgement.NO_CONCERN)
            domains.append({"key": key, "label": label, "judgement": judgement,
                            "judgement_label": DomainJudgement(judgement).label,
                            "reasoning": domain.get("reasoning", "")})
        shown.append({
            "outcome": outcome["outcome"], "certainty": outcome["certainty"],
            "certainty_label": CertaintyLevel(outcome["certainty"]).label, "domains": domains,
            "studies": [studies[pk] for pk in outcome.get("study_ids", []) if pk in studies],
        })
    return shown


def evidence_summary_html(topic, cited: list[Study]) -> str:
    """The summary at the top of a topic ("" without one), cached with the topic's other parts:
    one query (the summary and its writers); the studies come from the Evidence panel's."""
    summary = (EvidenceSummary.objects.select_related("created_by", "updated_by")
               .filter(topic=topic).first())
    if summary is None:
        return ""
    return render_to_string("forum/_evidence_summary.html", {
        "summary": summary, "topic": topic,
        "outcomes": outcomes_for_reading(summary.outcomes, studies_for_summary(topic, summary, cited)),
    })
