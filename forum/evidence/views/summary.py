"""A topic's evidence summary: shown at the top of the topic, written by experts and moderators,
with its history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from forum.access.visible import get_visible_topic
from forum.evidence.certainty import DOMAIN_LABELS, certainty_proposal, level_after_downgrades
from forum.evidence.summary_forms import OutcomeForm, OutcomeFormSet, SummaryMetaForm
from forum.models import GRADE_DOMAINS, CertaintyLevel, DomainJudgement, EvidenceSummary, Study
from forum.evidence.summaries import (
    SummaryConflict, ensure_can_write_evidence_summary, evidence_summary_save, studies_for_summary,
    topic_citation_stances,
)

from forum.evidence.views.summary_part import outcomes_for_reading


def _proposals(forms, cited: list[Study], stances) -> list[dict]:
    """For each outcome form, what Evident proposes from the studies ticked in it (from every
    study cited in the topic while none is ticked), and where the writer's judgements lead."""
    by_id = {study.pk: study for study in cited}
    proposals = []
    for form in forms:
        ticked = form["study_ids"].value() or []
        chosen = [by_id[int(pk)] for pk in ticked if str(pk).isdigit() and int(pk) in by_id]
        proposal = certainty_proposal(chosen or cited, stances=stances)
        judgements = [form[f"{key}_judgement"].value() for key, _label in GRADE_DOMAINS]
        implied = level_after_downgrades(proposal.level, judgements)
        proposals.append({"proposal": proposal, "from_all": not chosen,
                          "implied_label": CertaintyLevel(implied).label if implied else ""})
    return proposals


def _as_typed(form) -> dict:
    return {name: form[name].value() for name in form.fields if name != "DELETE"}


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug: str, topic_id: int):
    topic = get_visible_topic(request.user, topic_id)
    ensure_can_write_evidence_summary(request.user, topic)
    summary = EvidenceSummary.objects.select_related("updated_by").filter(topic=topic).first()
    cited = Study.objects.cited_in_topic(topic)
    # Studies the summary already names stay choosable even if no post cites them any more.
    named = studies_for_summary(topic, summary, cited) if summary else {s.pk: s for s in cited}
    choosable = cited + [study for pk, study in named.items() if pk not in {s.pk for s in cited}]
    form_kwargs = {"studies": choosable}
    status, error = 200, ""
    if request.method == "POST":
        formset = OutcomeFormSet(request.POST, prefix="outcome", form_kwargs=form_kwargs)
        meta = SummaryMetaForm(request.POST)
        if "suggest" in request.POST:
            # Only suggestions were asked for: the form comes back as typed, with no complaints yet.
            formset = OutcomeFormSet(prefix="outcome", form_kwargs=form_kwargs,
                                     initial=[_as_typed(form) for form in formset.forms if form["outcome"].value()
                                              or form.has_changed()])
            meta = SummaryMetaForm(initial={"reason": meta["reason"].value(),
                                            "base_version": meta["base_version"].value()})
        elif formset.is_valid() and meta.is_valid():
            try:
                evidence_summary_save(writer=request.user, topic=topic, outcomes=formset.outcomes(),
                                      reason=meta.cleaned_data["reason"],
                                      base_version=meta.cleaned_data["base_version"])
            except SummaryConflict as conflict:
                status, error, summary = 409, str(conflict), conflict.summary
            except ValueError as refused:
                status, error = 400, str(refused)
            else:
                return redirect(f"{topic.get_absolute_url()}#evidence-summary")
        else:
            status, error = 400, "Some answers need another look: see the notes by the fields."
    else:
        initial = [OutcomeForm.initial_from(outcome) for outcome in summary.outcomes] if summary else []
        formset = OutcomeFormSet(prefix="outcome", form_kwargs=form_kwargs, initial=initial)
        meta = SummaryMetaForm(initial={"base_version": summary.version if summary else None})
    stances = topic_citation_stances(topic)
    outcome_forms = list(zip(formset.forms, _proposals(formset.forms, cited, stances)))
    return render(request, "forum/evidence/evidence_summary_edit.html", {
        "topic": topic, "summary": summary, "formset": formset, "meta": meta, "outcome_forms": outcome_forms,
        "error": error, "cited": cited, "has_stances": bool(stances),
    }, status=status)


def _changes(previous: list[dict] | None, current: list[dict]) -> list[str]:
    """What a version changed, in words: levels and judgements per outcome, outcomes added or removed."""
    if previous is None:
        return []
    before = {o["outcome"]: o for o in previous}
    after = {o["outcome"]: o for o in current}
    lines = [f"Added “{name}”" for name in after if name not in before]
    lines += [f"Removed “{name}”" for name in before if name not in after]
    for name in after.keys() & before.keys():
        old, new = before[name], after[name]
        if old["certainty"] != new["certainty"]:
            lines.append(f"“{name}”: certainty {CertaintyLevel(old['certainty']).label.lower()} → "
                         f"{CertaintyLevel(new['certainty']).label.lower()}")
        for key, label in DOMAIN_LABELS.items():
            was, now = old["domains"].get(key, {}), new["domains"].get(key, {})
            if was.get("judgement") != now.get("judgement"):
                lines.append(f"“{name}”: {label.lower()} {DomainJudgement(was.get('judgement', 'no_concern')).label.lower()}"
                             f" → {DomainJudgement(now.get('judgement', 'no_concern')).label.lower()}")
            elif was.get("reasoning") != now.get("reasoning"):
                lines.append(f"“{name}”: {label.lower()} reasoning reworded")
        if sorted(old.get("study_ids", [])) != sorted(new.get("study_ids", [])):
            lines.append(f"“{name}”: studies changed")
    return lines or ["No change in what readers see"]


def history(request, slug: str, topic_id: int):
    topic = get_visible_topic(request.user, topic_id)
    summary = EvidenceSummary.objects.filter(topic=topic).first()
    if summary is None:
        raise Http404("This topic has no evidence summary.")
    revisions = list(summary.revisions.select_related("edited_by").order_by("number"))
    wanted = {pk for revision in revisions for outcome in revision.outcomes for pk in outcome.get("study_ids", [])}
    studies = Study.objects.in_bulk(wanted)
    cited = Study.objects.cited_in_topic(topic)  # the topic's numbers and order, as on its page
    versions = []
    for index, revision in enumerate(revisions):
        versions.append({
            "revision": revision,
            "outcomes": outcomes_for_reading(revision.outcomes, studies, cited),
            "changes": _changes(revisions[index - 1].outcomes if index else None, revision.outcomes),
        })
    versions.reverse()
    return render(request, "forum/evidence/evidence_summary_history.html", {
        "topic": topic, "summary": summary, "versions": versions,
    })
