"""Writing a topic's evidence summary: every save is a revision; a moderator's edit of someone
else's summary is also in the audit log."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from forum.live.change_events import topic_changed, topic_list_changed
from forum.models import (
    GRADE_DOMAINS, CertaintyLevel, Citation, DomainJudgement, EvidenceSummary, EvidenceSummaryRevision,
    ModerationAction, Study, Topic,
)
from forum.access.permissions import ensure_can_act
from forum.common.one_line import one_line

OUTCOME_MAX = 200
REASONING_MAX = 500


class SummaryConflict(Exception):
    """Someone saved a newer version since the writer opened the form: saving would overwrite it."""

    def __init__(self, summary: EvidenceSummary):
        super().__init__(f"{summary.updated_by.name} saved version {summary.version} of this summary while you "
                         "were writing. Your version is below, unsaved: compare it with theirs and save again.")
        self.summary = summary


def can_write_evidence_summary(user) -> bool:
    return bool(user.is_authenticated and (getattr(user, "role", "") == "expert"
                                           or getattr(user, "is_moderator", False)))


def ensure_can_write_evidence_summary(user, topic: Topic) -> None:
    ensure_can_act(user)
    if not can_write_evidence_summary(user):
        raise PermissionDenied("Only experts and moderators write evidence summaries; members read them.")
    if topic.is_deleted:
        raise PermissionDenied("This topic has been deleted.")


def outcomes_clean(outcomes: list[dict], *, topic_study_ids: set[int] | None = None) -> list[dict]:
    """The stored shape of outcomes, with one-line text, known levels and judgements only, and
    studies from those cited in the topic (when `topic_study_ids` is given). Raises ValueError
    with a reason a writer can read."""
    cleaned = []
    for outcome in outcomes:
        name = one_line(outcome.get("outcome", ""))
        if not name:
            raise ValueError("Each outcome needs a name, such as “Pain at 12 weeks”.")
        if len(name) > OUTCOME_MAX:
            raise ValueError(f"An outcome's name is at most {OUTCOME_MAX} characters.")
        if outcome.get("certainty") not in CertaintyLevel.values:
            raise ValueError(f"Choose a certainty level for “{name}”.")
        domains = {}
        for key, label in GRADE_DOMAINS:
            given = (outcome.get("domains") or {}).get(key) or {}
            judgement = given.get("judgement") or DomainJudgement.NO_CONCERN
            if judgement not in DomainJudgement.values:
                raise ValueError(f"{label}: choose no serious concern, serious or very serious.")
            reasoning = one_line(given.get("reasoning", ""))
            if len(reasoning) > REASONING_MAX:
                raise ValueError(f"{label}: the reasoning is at most {REASONING_MAX} characters.")
            domains[key] = {"judgement": str(judgement), "reasoning": reasoning}
        study_ids = sorted({int(pk) for pk in outcome.get("study_ids") or []})
        if topic_study_ids is not None and not set(study_ids) <= topic_study_ids:
            raise ValueError("Choose studies cited in this topic.")
        cleaned.append({"outcome": name, "certainty": str(outcome["certainty"]), "domains": domains,
                        "study_ids": study_ids})
    if not cleaned:
        raise ValueError("Write at least one outcome.")
    return cleaned


def evidence_summary_save(*, writer, topic: Topic, outcomes: list[dict], reason: str = "",
                          base_version: int | None = None) -> EvidenceSummary:
    """Create or revise the topic's summary. `base_version` is the version the writer started from
    (None: they started a new one); a newer one saved meanwhile raises SummaryConflict rather than
    being overwritten. Saving what is already stored (a repeated submit) changes nothing."""
    ensure_can_write_evidence_summary(writer, topic)
    outcomes = outcomes_clean(outcomes)
    reason = one_line(reason)[:300]
    with transaction.atomic():
        summary = (EvidenceSummary.objects.select_for_update().select_related("updated_by", "created_by")
                   .filter(topic=topic).first())
        if summary is not None and summary.outcomes == outcomes:
            return summary  # the same again: no empty revision
        if summary is not None and summary.version != base_version:
            raise SummaryConflict(summary)
        now = timezone.now()
        if summary is None:
            if base_version is not None:
                raise PermissionDenied("This summary no longer exists.")
            try:
                with transaction.atomic():
                    summary = EvidenceSummary.objects.create(
                        topic=topic, outcomes=outcomes, certainty=outcomes[0]["certainty"], version=1,
                        created_by=writer, updated_by=writer, updated_at=now)
            except IntegrityError:  # another writer's first version won the race
                raise SummaryConflict(EvidenceSummary.objects.select_related("updated_by").get(topic=topic))
        else:
            summary.outcomes = outcomes
            summary.certainty = outcomes[0]["certainty"]
            summary.version += 1
            summary.updated_by = writer
            summary.updated_at = now
            summary.save(update_fields=["outcomes", "certainty", "version", "updated_by", "updated_at"])
            if getattr(writer, "is_moderator", False) and writer.pk != summary.created_by_id:
                ModerationAction.objects.create(
                    actor=writer, action="edit_evidence_summary", topic=topic, target_user_id=summary.created_by_id,
                    reason=reason, details={"version": summary.version})
        EvidenceSummaryRevision.objects.create(summary=summary, number=summary.version, outcomes=outcomes,
                                               certainty=summary.certainty, edited_by=writer, reason=reason)
        # The topic page shows the summary and lists show its badge.
        topic_changed(topic.pk)
        topic_list_changed()
    return summary


def topic_citation_stances(topic: Topic) -> dict[int, set[str]]:
    """{study id: the stances the topic's visible posts cite it with} (`[@doi:... supports]`);
    citations that state none are left out."""
    stances: dict[int, set[str]] = {}
    rows = Citation.objects.filter(post__topic=topic, post__deleted_at__isnull=True,
                                   post__hidden_at__isnull=True).exclude(stance="").values_list("study_id", "stance")
    for study_id, stance in rows:
        stances.setdefault(study_id, set()).add(stance)
    return stances


def studies_for_summary(topic: Topic, summary: EvidenceSummary, cited: list[Study]) -> dict[int, Study]:
    """The studies the summary names, by id: from `cited` (the topic's Evidence panel already has
    them), and in one more query only for studies no longer cited in the topic."""
    by_id = {study.pk: study for study in cited}
    wanted = {pk for outcome in summary.outcomes for pk in outcome.get("study_ids", [])}
    missing = wanted - by_id.keys()
    if missing:
        by_id.update(Study.objects.in_bulk(missing))
    return by_id
