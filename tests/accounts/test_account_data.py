"""Account and security: download my data, delete my account."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from forum.models import Draft, Post
from tests.factories import PASSWORD, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db


def test_the_account_page_links_everything_about_the_account(client):
    client.force_login(UserFactory())
    page = client.get("/u/-/account/").content.decode()
    for label in ("Email addresses", "Password", "Two-factor authentication and passkeys",
                  "Where you are signed in", "Download my data", "Delete my account"):
        assert label in page
    # "Connected accounts" only where a provider is configured: tests/accounts/test_account_pages.py


def test_download_my_data_holds_profile_posts_drafts_and_settings(client):
    member = UserFactory(username="maria", bio="Runner.")
    topic = make_topic(author=member, title="Does creatine help older runners?")
    Draft.objects.create(user=member, key=f"topic-{topic.pk}", raw="Half-written thought",
                         competing_interests="I consult for a supplement maker.")
    topic.posts.update(competing_interests="I led the trial I cite.")
    client.force_login(member)
    response = client.get("/u/-/account/data/")
    assert response["Content-Disposition"].startswith('attachment; filename="evident-maria-')
    data = json.loads(response.content)
    assert data["profile"]["username"] == "maria" and data["profile"]["bio"] == "Runner."
    assert [p["topic"] for p in data["posts"]] == ["Does creatine help older runners?"]
    assert data["drafts"][0]["raw"] == "Half-written thought"
    assert data["drafts"][0]["competing_interests"] == "I consult for a supplement maker."
    assert data["posts"][0]["competing_interests"] == "I led the trial I cite."
    assert data["email_addresses"] == [{"email": "maria@example.org", "verified": True, "primary": True}]


def test_deleting_an_account_removes_personal_data_and_keeps_the_posts(client):
    member = UserFactory(username="maria", display_name="Maria Lopez", bio="Runner.")
    topic = make_topic(author=member)
    reply = make_reply(topic=topic)
    client.force_login(member)
    assert client.get("/u/-/account/delete/").status_code == 302  # asks for the password first
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    refused = client.post("/u/-/account/delete/", {})
    assert refused.status_code == 400
    client.post("/u/-/account/delete/", {"confirm": "yes"})
    member.refresh_from_db()
    assert (member.username, member.display_name, member.email, member.bio) == (
        f"deleted-{member.pk}", "Deleted member", "", "")
    assert not member.is_active and not member.has_usable_password()
    assert not EmailAddress.objects.filter(user=member).exists()
    assert "_auth_user_id" not in client.session
    assert Post.objects.filter(author=member).count() == 1 and Post.objects.filter(pk=reply.pk).exists()
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Deleted member" in page and "Maria Lopez" not in page
    assert client.get("/u/maria/").status_code == 404
    # The address is free again for a new account.
    assert not get_user_model().objects.filter(email="maria@example.org").exists()


def test_download_my_data_holds_corrections_flags_votes_and_uploads_with_absolute_addresses(client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from forum.demo import chart
    from forum.models import Flag, StudySuggestion, Vote
    from forum.uploads.storing import upload_store
    from tests.forum.study_data import stored_metadata

    settings.SITE_URL = "https://evident.example.org"
    member = UserFactory(username="maria")
    topic = make_topic(title="Does creatine help older runners?")
    other = make_reply(topic=topic, raw="A considered answer.")
    mine = make_reply(topic=topic, author=member, raw="My own answer.")
    Flag.objects.create(post=other, flagger=member, reason="needs_source", note="Which trial?")
    Vote.objects.create(post=other, user=member)
    study = stored_metadata(title="A trial of creatine (test)", doi="10.5555/evident.creatine")
    StudySuggestion.objects.create(study=study, suggested_by=member, metadata={"title": "A trial of creatine"},
                                   note="The year is 2021.")
    upload = upload_store(uploader=member, file=SimpleUploadedFile("my-log.png", chart.training_chart_png()))
    client.force_login(member)

    data = json.loads(client.get("/u/-/account/data/").content)

    base = "https://evident.example.org/"
    assert data["posts"][0]["url"] == base + topic.post_url(mine.post_number).lstrip("/")
    assert data["flags"] == [{"post_url": base + topic.post_url(other.post_number).lstrip("/"),
                              "reason": "needs_source", "note": "Which trial?", "state": "open",
                              "created_at": data["flags"][0]["created_at"]}]
    assert [v["post_url"] for v in data["helpful_votes"]] == [base + topic.post_url(other.post_number).lstrip("/")]
    [suggestion] = data["suggested_corrections"]
    assert suggestion["note"] == "The year is 2021." and suggestion["study_url"].startswith(base)
    [uploaded] = data["uploads"]
    assert uploaded["original_name"] == "my-log.png"
    assert uploaded["url"] == base + upload.get_absolute_url().lstrip("/")
