"""When evidence changes, the people who relied on it hear.

A look-up or refresh that finds a cited study newly retracted, corrected or under an expression
of concern tells, once each and by their notification preferences: the authors of visible posts
citing it, the askers whose accepted answer cites it, and the watchers of the topics citing it.
Someone who muted a topic hears nothing about it.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from forum.models import (
    Citation, Notification, NotificationKind, Post, Study, Topic, TopicSubscription, WatchLevel,
)
from forum.markup.citations import unknown_stances
from forum.references.status import ALERTING, KIND_VERBS

from forum.following.notifying import email_after_commit, wants

logger = logging.getLogger(__name__)

AUTHOR, ASKER, WATCHER = "author of a post citing it", "asker whose accepted answer cites it", "watcher of a topic citing it"


@dataclass
class Recipient:
    user_id: int
    why: str
    post_id: int
    topic_id: int


def evidence_alert_recipients(study: Study) -> list[Recipient]:
    """Who is told when `study` changes, each person once, by the most personal reason."""
    citing = list(
        Post.objects.filter(citations__study=study, deleted_at__isnull=True, hidden_at__isnull=True,
                            topic__deleted_at__isnull=True)
        .order_by("-pk").values_list("pk", "author_id", "topic_id")
    )
    topic_ids = {topic_id for _, _, topic_id in citing}
    first_citing = {}
    for post_id, _, topic_id in citing:
        first_citing.setdefault(topic_id, post_id)  # the latest citing post of each topic
    subscriptions = TopicSubscription.objects.filter(topic_id__in=topic_ids)
    muted = set(subscriptions.filter(level=WatchLevel.MUTED).values_list("user_id", "topic_id"))
    chosen: dict[int, Recipient] = {}

    def offer(user_id, why, post_id, topic_id):
        if user_id is None or user_id in chosen or (user_id, topic_id) in muted:
            return
        chosen[user_id] = Recipient(user_id, why, post_id, topic_id)

    for post_id, author_id, topic_id in citing:
        offer(author_id, AUTHOR, post_id, topic_id)
    citing_ids = {post_id for post_id, _, _ in citing}
    for topic_id, asker_id, answer_id in Topic.objects.filter(pk__in=topic_ids, accepted_answer_id__in=citing_ids) \
            .values_list("pk", "author_id", "accepted_answer_id"):
        offer(asker_id, ASKER, answer_id, topic_id)
    for user_id, topic_id in subscriptions.filter(level=WatchLevel.WATCHING).values_list("user_id", "topic_id"):
        offer(user_id, WATCHER, first_citing[topic_id], topic_id)
    active = set(get_user_model().objects.filter(pk__in=chosen, is_active=True).values_list("pk", flat=True))
    return [recipient for user_id, recipient in chosen.items() if user_id in active]


def readable_date(value: str) -> str:
    """"2021-03-09" as "9 March 2021"; a partial date as it is."""
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value or ""
    return f"{day.day} {day:%B %Y}"


def evidence_changed_since_accepted(topic) -> list[str]:
    """What the accepted answer's readers should know: "[3] was retracted on 9 March 2021", for
    each notice the site learned of after the answer was accepted. One query, and only on
    topics with an accepted answer (the page caches it with the Evidence panel)."""
    if not topic.accepted_answer_id or topic.accepted_at is None:
        return []
    accepted = topic.accepted_at.isoformat()
    lines = []
    for number, facts in Citation.objects.filter(post_id=topic.accepted_answer_id).order_by("number") \
            .values_list("number", "study__status_facts"):
        for fact in facts or []:
            if fact.get("kind") in ALERTING and not fact.get("first_sight") and (fact.get("first_seen") or "") > accepted:
                date = readable_date(fact.get("date", ""))
                lines.append(f"[{number}] {KIND_VERBS[fact['kind']]}{f' on {date}' if date else ''}")
    return lines


def evidence_change_message(study: Study, kinds: list[str]) -> str:
    facts = {fact["kind"]: fact for fact in study.status_facts}
    changes = []
    for kind in kinds:
        date = readable_date(facts.get(kind, {}).get("date", ""))
        changes.append(f"{KIND_VERBS[kind]}{f' on {date}' if date else ''}")
    title = study.title or study.identifier_label
    if len(title) > 150:
        title = title[:149] + "…"
    return f"“{title}” {' and '.join(changes)}."


def evidence_changed_notify(*, study_id: int, kinds: list[str]) -> list[Notification]:
    study = Study.objects.filter(pk=study_id).first()
    if study is None or not kinds:
        return []
    created = relying_people_notify(study=study, message=evidence_change_message(study, kinds))
    logger.info("evidence: %s %s; %d people told", study.identifier_label, kinds, len(created))
    return created


def relying_people_notify(*, study: Study, message: str) -> list[Notification]:
    """One "evidence changed" notification to each person who relied on the study, by their
    preferences (web, email, both or neither)."""
    created, to_email = [], []
    for recipient in evidence_alert_recipients(study):
        web, email = wants(recipient.user_id, NotificationKind.EVIDENCE_CHANGED)
        if not web and not email:
            continue
        notification = Notification.objects.create(
            recipient_id=recipient.user_id, kind=NotificationKind.EVIDENCE_CHANGED, post_id=recipient.post_id,
            topic_id=recipient.topic_id, message=message[:300],
        )
        if not web:
            Notification.objects.filter(pk=notification.pk).update(read_at=notification.created_at)
        created.append(notification)
        if email:
            to_email.append(notification)
    for notification in to_email:
        email_after_commit(notification)
    return created


def trial_results_notify(*, study_id: int, nct_ids: list[str]) -> list[Notification]:
    """A protocol's registered trial has posted results: those who relied on "no results yet"
    (authors of citing posts, askers, watchers of citing topics) hear, once each."""
    study = Study.objects.filter(pk=study_id).first()
    if study is None or not nct_ids:
        return []
    title = study.title or study.identifier_label
    if len(title) > 150:
        title = title[:149] + "…"
    message = f"The trial of the protocol “{title}” ({', '.join(nct_ids)}) has posted results on ClinicalTrials.gov."
    created = relying_people_notify(study=study, message=message)
    logger.info("evidence: %s trial results posted %s; %d people told", study.identifier_label, nct_ids, len(created))
    return created


# --- warning whoever cites a retracted study ------------------------------------------------------

CITE_WARNINGS = {
    "retracted": "[{number}] “{title}” was retracted: cite it only to discuss the retraction.",
    "concern": "[{number}] “{title}” is under an expression of concern: say so if you rely on it.",
}


def citation_warnings(studies: dict[int, Study]) -> list[str]:
    """For the composer: one line per cited study a reader should not simply rely on."""
    warnings = []
    for number, study in sorted(studies.items()):
        template = CITE_WARNINGS.get(study.effective_status)
        if template:
            title = study.title if len(study.title) <= 120 else study.title[:119] + "…"
            warnings.append(template.format(number=number, title=title or study.identifier_label))
    return warnings


def stance_warnings(raw: str) -> list[str]:
    """For the composer: citations whose stance word is not one we know, which stay plain text."""
    return [f"“{word}” in {typed} is not a stance, so it shows as plain text: end the citation with "
            "supports, contradicts or mentions, or nothing." for typed, word in unknown_stances(raw)]


def post_citation_warnings(post: Post) -> list[str]:
    """The same, for a saved post (one query)."""
    cited = Citation.objects.filter(post=post).select_related("study")
    return citation_warnings({citation.number: citation.study for citation in cited}) + stance_warnings(post.raw)
