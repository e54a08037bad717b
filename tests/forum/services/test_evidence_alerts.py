"""When evidence changes, the people who relied on it hear: a refresh that finds a cited study newly
retracted tells the authors citing it, the asker whose accepted answer cites it and the topic's
watchers, once each, by their preferences; the accepted answer and the composer say so; scheduled
re-checks go most recently cited first."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from forum.discussion.answers import answer_accept
from forum.following.notifying import preference_set
from forum.models import Notification, NotificationKind, TopicSubscription, WatchLevel
from tests.factories import UserFactory, make_reply, make_topic
from tests.forum.study_data import crossref_response, stored_study
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

RETRACTED = "10.5555/evident-retracted"
CITE = f"[@doi:{RETRACTED}]"


@pytest.fixture
def cited(settings):
    """A question, an accepted answer citing a (for now sound) study, another citing reply, a
    watcher, a watcher who also cites it, a member who muted the topic, and one who opted out."""
    settings.FORUM_FRAGMENT_CACHE = False
    study = stored_study("synthetic_retracted", updated_by=[])
    people = {name: UserFactory(username=name) for name in
              ("asker", "expert", "second", "watcher", "watching_author", "muted", "opted_out", "bystander")}
    topic = make_topic(author=people["asker"], raw="Does it work?")
    answer = make_reply(topic=topic, author=people["expert"], raw=f"Yes, a trial found so {CITE}.")
    make_reply(topic=topic, author=people["second"], raw=f"Agreed {CITE}.")
    make_reply(topic=topic, author=people["watching_author"], raw=f"See also {CITE}.")
    make_reply(topic=topic, author=people["opted_out"], raw=f"Me too {CITE}.")
    make_reply(topic=topic, author=people["bystander"], raw="Interesting, no citation from me.")
    answer_accept(user=people["asker"], post=answer)
    # Replying makes a member watch the topic; the bystander chose to track it only.
    for name, level in (("watcher", WatchLevel.WATCHING), ("watching_author", WatchLevel.WATCHING),
                        ("muted", WatchLevel.MUTED), ("bystander", WatchLevel.TRACKING)):
        TopicSubscription.objects.update_or_create(user=people[name], topic=topic,
                                                   defaults={"level": level, "level_chosen": True})
    preference_set(user=people["opted_out"], kind=NotificationKind.EVIDENCE_CHANGED, web=False, email=False)
    Notification.objects.all().delete()
    mail.outbox.clear()
    return study, topic, answer, people


def refresh_due(reference_server) -> str:
    reference_server.add(f"/works/{RETRACTED}", crossref_response("synthetic_retracted"))
    out = StringIO()
    call_command("refresh_studies", "--due", "--older-than-days=0", "--pause=0", stdout=out)
    return out.getvalue()


def test_a_newly_found_retraction_tells_each_person_who_relied_on_it_once(
        cited, reference_server, django_capture_on_commit_callbacks):
    study, topic, answer, people = cited

    with django_capture_on_commit_callbacks(execute=True):
        output = refresh_due(reference_server)

    assert "Queued 1 study for a re-check" in output
    told = Notification.objects.filter(kind=NotificationKind.EVIDENCE_CHANGED)
    assert sorted(n.recipient.username for n in told) == ["asker", "expert", "second", "watcher", "watching_author"]
    asker_note = told.get(recipient=people["asker"])
    assert asker_note.post == answer
    assert asker_note.message == "“A randomised trial that was later retracted” was retracted on 9 March 2021."
    assert sorted(m.to[0] for m in mail.outbox) == sorted(people[n].email for n in
                                                          ("asker", "expert", "second", "watcher", "watching_author"))

    # Found again on the next refresh: not news, nobody is told twice.
    with django_capture_on_commit_callbacks(execute=True):
        refresh_due(reference_server)
    assert told.count() == 5


def test_the_accepted_answer_says_the_evidence_changed_after_it_was_accepted(
        cited, reference_server, client, django_capture_on_commit_callbacks):
    study, topic, answer, people = cited
    page = parse(client.get(topic.get_absolute_url()).content)
    assert "The evidence changed" not in page.text

    with django_capture_on_commit_callbacks(execute=True):
        refresh_due(reference_server)

    page = parse(client.get(topic.get_absolute_url()).content)
    banner = page.find("p", id=f"evidence-changed-{answer.post_number}")
    assert banner.text == "The evidence changed after this answer was accepted: [1] was retracted on 9 March 2021."
    evidence = page.find("li", class_="evidence__item")
    assert "evidence__item--flagged" in evidence.classes and "Retracted" in evidence.text


def test_the_composer_warns_when_a_retracted_study_is_cited(client, member, reference_server):
    stored_study("synthetic_retracted")
    client.force_login(member)

    preview = parse(client.post(reverse("forum:preview"), {"raw": f"It works {CITE}."}).content)

    warning = preview.find("div", class_="composer__citation-warnings")
    assert "[1] “A randomised trial that was later retracted” was retracted" in warning.text
    clean = parse(client.post(reverse("forum:preview"), {"raw": "No citations."}).content)
    assert clean.find_all("div", class_="composer__citation-warnings") == []

    topic = make_topic(raw="Question?")
    response = client.post(reverse("forum:reply", args=[topic.pk]), {"raw": f"It works {CITE}."}, follow=True)
    assert "was retracted: cite it only to discuss the retraction" in parse(response.content).find(
        "ul", class_="messages").text


def test_scheduled_rechecks_go_most_recently_cited_first(reference_server):
    older = stored_study("synthetic_retracted", updated_by=[])
    newer = stored_study("synthetic_concern")
    make_topic(raw=f"Old {CITE}")
    make_topic(raw="New [@doi:10.5555/evident-concern]")
    from datetime import timedelta

    from forum.evidence.study_refresh import studies_due

    assert list(studies_due(older_than=timedelta(0))) == [newer, older]
