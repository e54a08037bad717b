"""Titles, names, tags, credentials and reasons stay on one line, whichever way they come in,
and mail about them is still delivered with a one-line subject."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from accounts import tasks
from accounts.models import CredentialRequest
from forum.discussion.editing import post_edit
from forum.models import ModerationAction, Topic
from forum.moderation import actions as moderation
from forum.moderation.experts import credential_request
from tests.factories import CategoryFactory, UserFactory, make_topic

pytestmark = pytest.mark.django_db

# What a crafted POST can put inside a one-line field.
HOSTILE = {"newline": "\n", "crlf": "\r\n", "tab": "\t", "line_separator": "\u2028", "rtl_override": "\u202e",
           "zero_width_space": "\u200b", "nul": "\x00"}
by_character = pytest.mark.parametrize("char", HOSTILE.values(), ids=HOSTILE.keys())


def assert_one_line(text: str):
    assert text == text.strip()
    assert not any(c in text for c in "\n\r\t\x00\u2028\u2029\u202e\u200b"), repr(text)


@by_character
def test_a_topic_title_posted_through_the_form_is_stored_on_one_line(client, member, char):
    client.force_login(member)
    category = CategoryFactory()
    response = client.post(reverse("forum:new_topic"), {
        "title": f"Does creatine{char}help sleep?", "category": category.pk,
        "tags": f"sleep{char}, creatine", "raw": "What do the trials say?",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    topic = Topic.objects.get()
    assert_one_line(topic.title)
    assert topic.title in {"Does creatine help sleep?", "Does creatinehelp sleep?"}
    assert sorted(tag.name for tag in topic.tags.all()) == ["creatine", "sleep"]


def test_a_title_of_invisible_characters_only_is_refused_with_a_message(client, member):
    client.force_login(member)
    response = client.post(reverse("forum:new_topic"), {
        "title": "\u200b" * 12 + "\n\t", "category": CategoryFactory().pk, "raw": "What do the trials say?"})
    assert response.status_code == 400
    assert "Give your topic a title." in response.content.decode()
    assert not Topic.objects.exists()


def test_the_title_limit_counts_what_is_stored(client, member):
    client.force_login(member)
    title = "A" * 200
    response = client.post(reverse("forum:new_topic"), {
        "title": title + "\u200b\u202e\r\n", "category": CategoryFactory().pk, "raw": "What do the trials say?"})
    assert response.status_code == 302
    assert Topic.objects.get().title == title


@by_character
def test_services_normalise_what_skips_the_form(member, moderator, char):
    topic = make_topic(author=member, title=f"Written{char}by a script", tag_names=[f"odd{char}tag"])
    assert_one_line(topic.title)
    assert_one_line(topic.tags.get().name)

    first = topic.posts.get(post_number=1)
    post_edit(editor=member, post=first, raw=first.raw, title=f"Edited{char}title here", reason=f"typo{char}fixed")
    topic.refresh_from_db()
    assert_one_line(topic.title)
    assert_one_line(first.revisions.get().reason)

    moderation.topic_retitle(moderator=moderator, topic=topic, title=f"Retitled{char}by a moderator",
                             reason=f"clearer{char}title")
    topic.refresh_from_db()
    assert_one_line(topic.title)
    log = ModerationAction.objects.get(action="retitle")
    assert_one_line(log.reason)
    assert_one_line(log.details["to"])


@by_character
def test_display_names_and_credentials_stay_on_one_line(client, member, char):
    client.force_login(member)
    response = client.post(reverse("accounts:profile_edit"), {"display_name": f"Maria{char}Lopez", "bio": "Hi"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert_one_line(member.display_name)

    credential_request(user=member, credential=f"MD,{char}sports medicine", note="Line one\nLine two")
    request = CredentialRequest.objects.get()
    assert_one_line(request.credential)
    assert request.note == "Line one\nLine two"  # a note to moderators keeps its lines

    # The admin and anything else that saves a member directly.
    other = UserFactory(display_name=f"Omar{char}Haddad", expert_credential=f"PhD{char}pharmacology")
    other.refresh_from_db()
    assert_one_line(other.display_name)
    assert_one_line(other.expert_credential)


def test_a_credential_over_the_limit_is_refused_not_cut(member):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="limited to 120 characters"):
        credential_request(user=member, credential="M" * 121)
    credential_request(user=member, credential="M" * 120 + "\u200b\n")
    assert CredentialRequest.objects.get().credential == "M" * 120


def test_a_moderator_reason_is_one_line(client, moderator, member):
    topic = make_topic(author=member)
    client.force_login(moderator)
    client.post(reverse("forum:topic_moderate", args=[topic.pk]), {"action": "close", "reason": "off\ntopic\u202e"})
    assert ModerationAction.objects.get().reason == "off topic"


def test_mail_about_a_topic_whose_stored_title_has_line_breaks_goes_out_with_a_one_line_subject(
        member, moderator, django_capture_on_commit_callbacks):
    topic = make_topic(author=member, title="Placeholder title")
    # As stored before titles were normalised: written straight to the database.
    Topic.objects.filter(pk=topic.pk).update(title="Line one\r\nLine two\u2028Line three")
    first = topic.posts.get(post_number=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.post_hide(moderator=moderator, post=first, reason="Needs\na source")
        moderation.post_moderator_edit(moderator=moderator, post=first.__class__.objects.get(pk=first.pk),
                                       raw="Edited by a moderator.", reason="Tidied\nup")

    subjects = [message.subject for message in mail.outbox]
    assert len(subjects) == 2, subjects
    for subject in subjects:
        assert_one_line(subject)
        assert "“Line one Line two Line three”" in subject
        assert mail.outbox[0].message()["Subject"]  # the message can be built


def test_a_mail_that_cannot_be_built_is_reported_and_not_retried(caplog, monkeypatch):
    attempts = []
    monkeypatch.setattr(tasks.EmailMultiAlternatives, "send", lambda self: attempts.append(self))
    with caplog.at_level(logging.ERROR, logger="accounts.tasks"):
        result = tasks.deliver_email.call(subject="Hello", body="Body", from_email="site@example.org",
                                          to=["broken\n@example.org"])
    assert result is False
    assert attempts == []
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "could not be built" in record.getMessage()


def test_a_queued_mail_with_a_line_break_in_its_subject_is_still_delivered():
    mail.outbox.clear()
    assert tasks.deliver_email.call(subject="Hello\nthere", body="Body", from_email="site@example.org",
                                    to=["maria@example.org"], headers={"X-Topic": "a\r\nb"})
    [message] = mail.outbox
    assert message.subject == "Hello there"
    assert message.extra_headers["X-Topic"] == "a b"
