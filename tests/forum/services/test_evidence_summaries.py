"""Writing evidence summaries: who may, every save a revision, moderators' edits audited."""

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from forum.caching.page_cache import _topic_key
from forum.evidence.summaries import SummaryConflict, evidence_summary_save
from forum.live.change_events import generations_current
from forum.models import EvidenceSummary, EvidenceSummaryRevision, ModerationAction
from tests.factories import UserFactory
from tests.forum.evidence_summary_data import ldn_topic, outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def expert():
    return UserFactory(username="rivera", display_name="Dr. Sam Rivera", role="expert",
                       expert_credential="MD, physician")


def test_a_member_may_not_write_a_summary(member):
    topic, _studies = ldn_topic()

    with pytest.raises(PermissionDenied, match="Only experts and moderators"):
        evidence_summary_save(writer=member, topic=topic, outcomes=[outcome()])
    assert not EvidenceSummary.objects.exists()


def test_every_save_is_a_revision_and_the_first_outcome_is_the_badge(expert):
    topic, (bested, bruun, _innova) = ldn_topic()

    first = evidence_summary_save(writer=expert, topic=topic,
                                  outcomes=[outcome(certainty="moderate", study_ids=[bested.pk, bruun.pk])])
    second = evidence_summary_save(
        writer=expert, topic=topic, base_version=1, reason="Bruun's primary outcome was null",
        outcomes=[outcome(certainty="low", study_ids=[bested.pk, bruun.pk],
                          imprecision=("serious", "Fewer than 160 participants across two trials"))])

    assert second.pk == first.pk and second.version == 2 and second.certainty == "low"
    revisions = list(EvidenceSummaryRevision.objects.filter(summary=second).order_by("number"))
    assert [(r.number, r.certainty, r.edited_by) for r in revisions] == [(1, "moderate", expert), (2, "low", expert)]
    assert revisions[1].reason == "Bruun's primary outcome was null"
    assert revisions[1].outcomes[0]["domains"]["imprecision"] == {
        "judgement": "serious", "reasoning": "Fewer than 160 participants across two trials"}


def test_saving_the_same_summary_again_creates_nothing(expert):
    topic, _studies = ldn_topic()
    evidence_summary_save(writer=expert, topic=topic, outcomes=[outcome()])

    again = evidence_summary_save(writer=expert, topic=topic, outcomes=[outcome()])  # a double submit

    assert again.version == 1 and EvidenceSummaryRevision.objects.count() == 1


def test_a_version_saved_meanwhile_is_not_overwritten(expert):
    topic, _studies = ldn_topic()
    other_expert = UserFactory(role="expert", display_name="Dr. Ada Obi")
    evidence_summary_save(writer=expert, topic=topic, outcomes=[outcome(certainty="low")])
    evidence_summary_save(writer=other_expert, topic=topic, base_version=1, outcomes=[outcome(certainty="very_low")])

    with pytest.raises(SummaryConflict, match="Dr. Ada Obi saved version 2"):
        evidence_summary_save(writer=expert, topic=topic, base_version=1, outcomes=[outcome(certainty="moderate")])
    assert EvidenceSummary.objects.get().certainty == "very_low"


def test_a_moderator_editing_an_experts_summary_is_audited_but_the_expert_editing_their_own_is_not(expert,
                                                                                                   moderator):
    topic, _studies = ldn_topic()
    evidence_summary_save(writer=expert, topic=topic, outcomes=[outcome()])
    evidence_summary_save(writer=expert, topic=topic, base_version=1, outcomes=[outcome(name="Pain at 14 weeks")])
    assert not ModerationAction.objects.exists()

    evidence_summary_save(writer=moderator, topic=topic, base_version=2, reason="Outcome named as in the trials",
                          outcomes=[outcome(name="Pain at 12 weeks")])

    entry = ModerationAction.objects.get()
    assert (entry.actor, entry.action, entry.topic, entry.target_user) == (moderator, "edit_evidence_summary",
                                                                           topic, expert)
    assert entry.reason == "Outcome named as in the trials" and entry.label == "Edited another's evidence summary"


def test_text_is_kept_on_one_line_and_unknown_levels_are_refused(expert):
    topic, _studies = ldn_topic()

    summary = evidence_summary_save(writer=expert, topic=topic, outcomes=[
        outcome(name="Pain\r\nat 12 weeks", risk_of_bias=("serious", "Crossover\ndesign;\u202e carry-over"))])
    with pytest.raises(ValueError, match="Choose a certainty level"):
        evidence_summary_save(writer=expert, topic=topic, base_version=1, outcomes=[outcome(certainty="certain")])

    assert summary.outcomes[0]["outcome"] == "Pain at 12 weeks"
    assert summary.outcomes[0]["domains"]["risk_of_bias"]["reasoning"] == "Crossover design; carry-over"


def test_saving_renews_the_topic_page(expert, settings):
    settings.FORUM_PAGE_CACHE = settings.FORUM_FRAGMENT_CACHE = True
    topic, _studies = ldn_topic()
    cache.set(_topic_key(topic.pk), "before", timeout=None)

    evidence_summary_save(writer=expert, topic=topic, outcomes=[outcome()])

    # Read as a page would, in this (the test's) transaction: the renewal is sent before it.
    assert generations_current([_topic_key(topic.pk)])[_topic_key(topic.pk)] not in {"", "before"}
