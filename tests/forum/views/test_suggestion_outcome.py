"""A member who suggests a study correction can say why in a note, which the moderators read, and
hears the decision with the moderator's reason: in the inbox and by mail, as their settings say."""

import pytest
from django.core import mail
from django.urls import reverse

from forum.evidence.study_records import study_suggestion_create
from forum.following.notifying import preference_set
from forum.models import Notification, NotificationKind, StudySuggestion
from forum.references.bibtex import parse_bibtex
from tests.forum.study_data import stored_study
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

FAKE = """@article{younger2013crossover,
  title = {Low-dose naltrexone for the treatment of fibromyalgia},
  author = {Nobody, Anna},
  journal = {Journal of Made Up Results},
  year = {1999}
}"""


@pytest.fixture
def study(db):
    return stored_study("younger2013", bibtex_key="younger2013crossover")


@pytest.fixture
def suggestion(study, member):
    [entry] = parse_bibtex(FAKE).studies
    return study_suggestion_create(member=member, study=study, metadata=entry, note="The journal is wrong")


def decide(client, moderator, suggestion, decision: str, reason: str, capture):
    client.force_login(moderator)
    with capture(execute=True):
        response = client.post(reverse("forum:study_suggestion_decide", args=[suggestion.pk]),
                               {"decision": decision, "reason": reason})
    assert response.status_code == 302


def test_the_composers_suggestion_carries_a_note_the_moderators_read(client, member, moderator, study):
    client.force_login(member)

    response = client.post(reverse("forum:study_suggest", args=[study.pk]),
                           {"text": FAKE, "note": "Crossref has the older journal name"},
                           HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert StudySuggestion.objects.get().note == "Crossref has the older journal name"
    client.force_login(moderator)
    page = parse(client.get(reverse("forum:study_suggestions")).content)
    assert "Note: Crossref has the older journal name" in page.text


def test_a_rejection_reaches_the_member_with_the_reason_in_the_inbox_and_by_mail(
        client, member, moderator, suggestion, study, django_capture_on_commit_callbacks):
    mail.outbox.clear()

    decide(client, moderator, suggestion, "reject", "The registry record is right; the journal was renamed.",
           django_capture_on_commit_callbacks)

    client.force_login(member)
    inbox = parse(client.get(reverse("forum:notifications")).content)
    [row] = inbox.find_all("li", class_="notification")
    text = " ".join(row.text.split())
    assert "Moderator Mo reviewed your suggested study correction" in text
    # The study's long title is cut at a word, never inside one.
    assert ("Rejected: “Low-dose naltrexone for the treatment of fibromyalgia: Findings of a small, randomized"
            "…” is unchanged. Reason: The registry record is right; the journal was renamed.") in text
    [link] = [a for a in row.descendants() if a.tag == "a"]
    assert link.get("href") == study.get_absolute_url()
    (message,) = [m for m in mail.outbox if member.email in m.to]
    assert "reviewed your suggested study correction" in message.subject
    assert "Reason: The registry record is right; the journal was renamed." in message.body
    assert study.get_absolute_url() in message.body


def test_an_acceptance_is_told_too_and_the_mail_follows_the_members_settings(
        client, member, moderator, suggestion, study, django_capture_on_commit_callbacks):
    preference_set(user=member, kind=NotificationKind.STUDY_SUGGESTION, web=True, email=False)
    mail.outbox.clear()

    decide(client, moderator, suggestion, "accept", "Checked against the journal's site.",
           django_capture_on_commit_callbacks)

    notification = Notification.objects.get(recipient=member)
    assert notification.kind == NotificationKind.STUDY_SUGGESTION
    assert notification.message.endswith("now has your correction. Reason: Checked against the journal's site.")
    assert [m for m in mail.outbox if member.email in m.to] == []


def test_a_member_who_wants_neither_hears_nothing(client, member, moderator, suggestion,
                                                 django_capture_on_commit_callbacks):
    preference_set(user=member, kind=NotificationKind.STUDY_SUGGESTION, web=False, email=False)

    decide(client, moderator, suggestion, "reject", "", django_capture_on_commit_callbacks)

    assert not Notification.objects.filter(recipient=member).exists()
