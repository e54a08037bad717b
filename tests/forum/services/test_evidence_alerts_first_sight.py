"""Alerts are for changes found after someone relied on a study. Citing a paper whose record
already shows an old correction alerts nobody: the first look-up shows the status. A later
refresh that finds something new (a retraction) tells those who relied on it."""

from io import StringIO

import httpx
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from forum.models import Notification, NotificationKind, Study, TopicSubscription, WatchLevel
from tests.factories import UserFactory, make_topic
from tests.forum.references.conftest import fixture_json
from tests.forum.study_data import crossref_response
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

DOI = "10.5555/evident-corrected-2008"


def evidence_alerts():
    return Notification.objects.filter(kind=NotificationKind.EVIDENCE_CHANGED)


def retracted_since() -> httpx.Response:
    payload = fixture_json("crossref_synthetic_corrected_2008.json")
    payload["message"]["updated-by"].append({
        "updated": {"date-parts": [[2026, 10, 2]], "date-time": "2026-10-02T00:00:00Z", "timestamp": 1790899200000},
        "DOI": "10.5555/evident-corrected-2008-retraction", "type": "retraction", "source": "retraction-watch",
        "label": "Retraction", "record-id": 40002,
    })
    return httpx.Response(200, json=payload)


def test_citing_a_paper_corrected_long_ago_alerts_nobody_and_a_later_retraction_does(
        client, member, reference_server, django_capture_on_commit_callbacks, settings):
    settings.FORUM_FRAGMENT_CACHE = False
    asker, watcher = UserFactory(username="asker"), UserFactory(username="watcher")
    topic = make_topic(author=asker, raw="Does it work?")
    TopicSubscription.objects.update_or_create(user=watcher, topic=topic,
                                               defaults={"level": WatchLevel.WATCHING, "level_chosen": True})
    mail.outbox.clear()
    reference_server.add(f"/works/{DOI}", crossref_response("synthetic_corrected_2008"))
    client.force_login(member)

    # The member cites it through the reply form; the look-up runs on commit (immediate backend).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("forum:reply", args=[topic.pk]), {"raw": f"A cohort found so [@doi:{DOI}]."})
    assert response.status_code == 302

    study = Study.objects.get(doi=DOI)
    assert study.effective_status == "corrected"  # the first look-up shows the status ...
    page = parse(client.get(study.get_absolute_url()).content)
    assert "A correction to this paper has been published." in page.text
    assert not evidence_alerts().exists()  # ... and tells nobody it "changed"
    assert not [m for m in mail.outbox if "changed" in m.subject.lower() or "corrected" in m.body]

    # The scheduled refresh finds the same record: still nothing to tell.
    reference_server.routes[f"/works/{DOI}"] = [crossref_response("synthetic_corrected_2008")]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("refresh_studies", "--due", "--older-than-days=0", "--pause=0", stdout=StringIO())
    assert not evidence_alerts().exists()

    # A later refresh finds a retraction the site did not know of: that is news.
    reference_server.routes[f"/works/{DOI}"] = [retracted_since()]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("refresh_studies", "--due", "--older-than-days=0", "--pause=0", stdout=StringIO())
    told = evidence_alerts()
    assert sorted(n.recipient.username for n in told) == ["asker", "maria", "watcher"]
    assert {n.message for n in told} == {
        "“A cohort study corrected the year after it appeared” was retracted on 2 October 2026."}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([asker.email, member.email, watcher.email])


def test_the_first_look_up_of_a_study_imported_by_a_member_alerts_nobody(
        client, member, reference_server, django_capture_on_commit_callbacks):
    """A member's BibTeX entry is cited first; the registry's first word on it (the scheduled
    refresh) shows the old correction without calling it a change."""
    from forum.references.bibtex import parse_bibtex
    from forum.evidence.referencing import studies_import

    studies_import(records=parse_bibtex(
        "@article{adeyemi2007, title={A cohort study corrected the year after it appeared}, "
        f"journal={{Journal of Tests}}, year={{2007}}, doi={{{DOI}}}}}").studies)
    make_topic(author=member, raw=f"It works [@doi:{DOI}].")
    reference_server.add(f"/works/{DOI}", crossref_response("synthetic_corrected_2008"))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("refresh_studies", "--due", "--older-than-days=0", "--pause=0", stdout=StringIO())

    assert Study.objects.get(doi=DOI).effective_status == "corrected"
    assert not evidence_alerts().exists()


def test_an_answer_accepted_while_its_study_was_being_looked_up_does_not_say_the_evidence_changed(
        client, member, reference_server, settings):
    from forum.discussion.answers import answer_accept
    from forum.evidence.referencing import study_look_up
    from tests.factories import make_reply

    settings.FORUM_FRAGMENT_CACHE = False
    topic = make_topic(author=member, raw="Does it work?")
    answer = make_reply(topic=topic, raw=f"A cohort found so [@doi:{DOI}].")  # look-up queued, not yet run
    answer_accept(user=member, post=answer)
    reference_server.add(f"/works/{DOI}", crossref_response("synthetic_corrected_2008"))
    study_look_up(study_id=Study.objects.get(doi=DOI).pk, use_cache=False)

    page = parse(client.get(topic.get_absolute_url()).content)
    assert "The evidence changed" not in page.text
    assert not evidence_alerts().exists()
