"""`manage.py import_discourse`: a Discourse site's history brought over, once, with every quote
checked and every study link turned into a labelled citation."""

import json
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command

from accounts.models import CredentialRequest
from forum.importing.discourse.source import DiscourseSite
from forum.models import (Category, Citation, ImportedRecord, Notification, Post, PostRevision, Quote,
                          QuoteStatus, Topic, TopicState, Vote)
from tests.factories import UserFactory

from .fake_discourse import FakeDiscourse

SITE = Path(__file__).parent / "discourse_site"
OLD = "https://old.example"

pytestmark = pytest.mark.django_db


def _import(*args) -> str:
    out = StringIO()
    call_command("import_discourse", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _import_folder(folder=SITE, *extra) -> str:
    return _import("--folder", str(folder), "--url", OLD, *extra)


def _ldn():
    return Topic.objects.get(title="Low-dose naltrexone for fibromyalgia pain?")


def _post(topic, number):
    return Post.objects.get(topic=topic, post_number=number)


def test_the_seed_thread_arrives_whole_with_its_quote_matching_the_source(client):
    summary = _import_folder()
    topic = _ldn()
    assert topic.category.name == "Pain & chronic conditions / Medications"
    assert sorted(topic.tags.values_list("name", flat=True)) == ["fibromyalgia", "ldn"]
    # The system's small action is not a post: numbers stay contiguous.
    assert list(topic.posts.order_by("post_number").values_list("post_number", "author__username")) == [
        (1, "casey"), (2, "austin"), (3, "casey")]
    assert topic.posts_count == 3
    question, answer, thanks = _post(topic, 1), _post(topic, 2), _post(topic, 3)
    assert (answer.reply_to_id, thanks.reply_to_id) == (question.pk, answer.pk)
    assert question.created_at.isoformat() == "2022-03-14T09:12:00+00:00"
    assert topic.created_at == question.created_at
    quote = Quote.objects.get(quoting_post=answer)
    assert (quote.quoted_post_id, quote.status) == (question.pk, QuoteStatus.VERIFIED)
    assert "Matches the source" in client.get(topic.get_absolute_url()).content.decode()
    assert topic.accepted_answer_id == answer.pk
    assert "quotes checked: 3 verified" in summary


def test_study_links_become_citations_and_uploads_link_to_the_old_site():
    _import_folder()
    topic = _ldn()
    question, answer = _post(topic, 1), _post(topic, 2)
    assert list(Citation.objects.filter(post=question).values_list("study__doi", flat=True)) == [
        "10.1136/bmjopen-2021-055351"]
    assert list(Citation.objects.filter(post=answer).values_list("study__pmid", flat=True)) == ["38226027"]
    assert "https://old.example/uploads/short-url/7mVqDdHcmHnGrr3B3C0dBEc6eBV.png" in answer.cooked
    assert "upload://" not in answer.cooked
    assert "<strong>chronic pain</strong>" in answer.cooked  # [b] became markdown
    second = Topic.objects.get(title="What does a null trial tell us?")
    assert list(Citation.objects.filter(post__topic=second).values_list("study__doi", flat=True)) == [
        "10.1016/s2665-9913(23)00278-3"]


def test_links_and_quotes_across_topics_lead_to_the_imported_posts():
    _import_folder()
    ldn, null_trial = _ldn(), Topic.objects.get(title="What does a null trial tell us?")
    opening, reply = _post(null_trial, 1), _post(null_trial, 2)
    assert f'href="{ldn.get_absolute_url()}"' in opening.cooked
    assert Quote.objects.get(quoting_post=opening).quoted_post == _post(ldn, 2)
    assert Quote.objects.get(quoting_post=opening).status == QuoteStatus.VERIFIED
    assert ldn.post_url(2) in reply.raw
    # A post written before the topic it links to: rewritten once that topic was in.
    thanks = _post(ldn, 3)
    assert null_trial.get_absolute_url() in thanks.raw and "old.example/t/" not in thanks.raw
    assert not ImportedRecord.objects.filter(needs_relink=True).exists()


def test_states_roles_likes_and_left_behind():
    summary = _import_folder()
    null_trial = Topic.objects.get(title="What does a null trial tell us?")
    assert null_trial.state == TopicState.CLOSED
    assert not Topic.objects.filter(title__in=["Private note", "Moderator rota"]).exists()
    assert not Category.objects.filter(name="Staff lounge").exists()
    assert not Post.objects.filter(raw__contains="Staff only").exists()  # whispers stay behind
    User = get_user_model()
    austin, lena, casey = (User.objects.get(username=n) for n in ("austin", "Lena.Park", "casey"))
    # Staff at the source is no proof here: nobody keeps a role without --staff.
    assert (austin.role, lena.role, casey.role) == ("member", "member", "member")
    assert not any(u.has_usable_password() for u in (austin, lena, casey))
    assert casey.email == "casey@example.org" and austin.email == ""
    assert casey.date_joined.year == 2021
    # A title waits for a moderator: here a credential shows only once checked.
    request = CredentialRequest.objects.get(user=austin)
    assert (request.credential, request.state) == ("Physician and coach", "pending")
    answer = _post(_ldn(), 2)
    assert set(Vote.objects.filter(post=answer).values_list("user__username", flat=True)) == {"casey", "Lena.Park"}
    assert answer.helpful_count == 2
    assert User.objects.filter(username="quiet_reader").exists()  # a member who only liked
    assert "left behind: 1 private messages" in summary
    assert "left behind: 1 restricted categories" in summary
    assert "left behind: 2 moderator actions, small actions and whispers" in summary
    assert "topics: 2 created" in summary and "posts: 5 created" in summary
    # Nobody hears about replies and quotes from years ago.
    assert not Notification.objects.exists() and not mail.outbox


def test_a_second_run_changes_nothing_and_duplicates_nothing():
    _import_folder()
    counts = (Topic.objects.count(), Post.objects.count(), Vote.objects.count(), Quote.objects.count(),
              Citation.objects.count(), get_user_model().objects.count(), Category.objects.count())
    summary = _import_folder()
    assert counts == (Topic.objects.count(), Post.objects.count(), Vote.objects.count(), Quote.objects.count(),
                      Citation.objects.count(), get_user_model().objects.count(), Category.objects.count())
    assert "topics: 0 created, 0 updated, 2 unchanged" in summary


def test_a_post_edited_at_the_source_is_updated_and_its_old_text_kept(tmp_path):
    _import_folder()
    folder = tmp_path / "site"
    shutil.copytree(SITE, folder)
    topic_file = folder / "t" / "117.json"
    data = json.loads(topic_file.read_text())
    data["post_stream"]["posts"][1]["raw"] += "\n\nEdited: and on how it was powered."
    data["post_stream"]["posts"][1]["version"] = 3
    topic_file.write_text(json.dumps(data))
    summary = _import_folder(folder)
    reply = _post(Topic.objects.get(title="What does a null trial tell us?"), 2)
    assert reply.raw.endswith("and on how it was powered.")
    revision = PostRevision.objects.get(post=reply)
    assert "powered" not in revision.raw and revision.reason == "Updated from the Discourse import"
    assert "posts: 0 created, 1 updated, 4 unchanged" in summary


def test_a_taken_username_is_imported_under_another_and_quotes_follow_it():
    UserFactory(username="Casey")
    summary = _import_folder()
    imported = get_user_model().objects.get(username="casey_2")
    answer = _post(_ldn(), 2)
    assert answer.raw.startswith('[quote="casey_2, post:1, topic:')
    assert Quote.objects.get(quoting_post=answer).status == QuoteStatus.VERIFIED
    assert _post(_ldn(), 1).author == imported
    assert "member casey: that username is taken here, imported as casey_2" in summary


def test_a_dry_run_reports_and_changes_nothing():
    summary = _import_folder(SITE, "--dry-run")
    assert summary.startswith("Dry run: nothing was changed.")
    assert "topics: 2 would create" in summary
    assert not Topic.objects.exists() and not ImportedRecord.objects.exists()
    assert not get_user_model().objects.exists()


def test_malformed_and_missing_fields_are_reported_not_fatal(tmp_path):
    folder = tmp_path / "site"
    shutil.copytree(SITE, folder)
    (folder / "t" / "117.json").write_text(json.dumps({"id": 117, "title": "Broken", "post_stream": {"posts": [
        {"id": 1, "post_number": "one"}]}}))
    data = json.loads((folder / "t" / "101.json").read_text())
    del data["post_stream"]["posts"][0]["raw"]  # a site that did not send raw
    data["post_stream"]["posts"][0]["cooked"] = "<p>Only the <b>HTML</b> came.</p>"
    (folder / "t" / "101.json").write_text(json.dumps(data))
    (folder / "u" / "austin.json").write_text("{not json")
    summary = _import_folder(folder)
    assert "topic 117: malformed" in summary
    assert "topic 101 post 1: no raw text, imported from its HTML" in summary
    assert _post(_ldn(), 1).raw == "Only the **HTML** came."
    assert get_user_model().objects.filter(username="austin").exists()


def test_a_member_claims_an_imported_account_by_resetting_the_password(client):
    _import_folder()
    response = client.post("/accounts/password/reset/", {"email": "casey@example.org"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["casey@example.org"]]


def test_imports_from_the_live_api_with_its_key_and_keeps_the_responses(tmp_path):
    with FakeDiscourse(SITE) as site:
        summary = _import("--url", site.url, "--api-key", "secret-key", "--api-username", "admin",
                          "--rate", "0", "--save-to", str(tmp_path / "saved"))
        assert "topics: 2 created" in summary and "quotes checked: 3 verified" in summary
        assert all(headers["_headers"].get("Api-Key") == "secret-key" for _, headers in site.requests)
        assert ("/t/101/posts.json", ) == tuple({p for p, q in site.requests if "post_ids[]" in q})
        assert all(q.get("include_raw") == "true" for p, q in site.requests if p.startswith("/t/"))
    # The saved folder replays the same import offline.
    assert (tmp_path / "saved" / "t" / "101" / "posts.json").is_file()
    Post.objects.all().delete()
    ImportedRecord.objects.filter(kind__in=["topic", "post"]).delete()
    Topic.objects.all().delete()
    summary = _import("--folder", str(tmp_path / "saved"), "--url", site.url)
    assert "topics: 2 created" in summary


def test_an_interrupted_import_resumes_where_it_stopped():
    with FakeDiscourse(SITE) as site:
        site.failures["/latest.json"] = 503  # the site is down: nothing to go on with
        with pytest.raises(CommandError, match="run the same command again to resume"):
            _import("--url", site.url, "--rate", "0", "--retries", "0")
        del site.failures["/latest.json"]
        site.failures["/t/117.json"] = 503
        summary = _import("--url", site.url, "--rate", "0", "--retries", "0")
        assert "could not be imported (1 topics" in summary and "  - topic 117: " in summary
        assert list(Topic.objects.values_list("title", flat=True)) == ["Low-dose naltrexone for fibromyalgia pain?"]
        del site.failures["/t/117.json"]
        summary = _import("--url", site.url, "--rate", "0", "--retries", "0")
    assert "topics: 1 created, 0 updated, 1 unchanged" in summary
    assert "could not be imported" not in summary
    assert Topic.objects.count() == 2 and Post.objects.count() == 5
    assert not ImportedRecord.objects.filter(needs_relink=True).exists()


@pytest.mark.parametrize("breakage", ["malformed JSON", "a JSON list", "a lasting 500"])
def test_one_topic_the_site_cannot_give_is_listed_and_the_rest_imported(tmp_path, breakage):
    folder = tmp_path / "site"
    shutil.copytree(SITE, folder)
    good = (folder / "t" / "101.json").read_text()
    if breakage == "malformed JSON":
        (folder / "t" / "101.json").write_text('{"id": 101, "post_stream": ')
    elif breakage == "a JSON list":
        (folder / "t" / "101.json").write_text("[1, 2]")
    with FakeDiscourse(folder) as site:
        if breakage == "a lasting 500":
            site.failures["/t/101.json"] = 500
        summary = _import("--url", site.url, "--rate", "0", "--retries", "0")
        assert "could not be imported (1 topics; the next run tries them again, or retry one with --only-topic ID):" \
            in summary and "  - topic 101: " in summary
        # The topics after it, and the relinking at the end, ran.
        null_trial = Topic.objects.get(title="What does a null trial tell us?")
        assert "refers to topic 101, which was not imported; it links to the old site" in summary
        site.failures.clear()
        (folder / "t" / "101.json").write_text(good)
        summary = _import("--url", site.url, "--rate", "0", "--retries", "0", "--only-topic", "101")
    assert "topics: 1 created" in summary and "could not be imported" not in summary
    quote = Quote.objects.get(quoting_post=_post(null_trial, 1))
    assert (quote.quoted_post, quote.status) == (_post(_ldn(), 2), QuoteStatus.VERIFIED)
    assert not ImportedRecord.objects.filter(needs_relink=True).exists()


def test_a_corrupt_file_in_a_folder_is_listed_and_the_rest_imported(tmp_path):
    folder = tmp_path / "site"
    shutil.copytree(SITE, folder)
    (folder / "t" / "101.json").write_text("\x00garbage")
    summary = _import_folder(folder)
    assert "  - topic 101: t/101.json is not valid JSON" in summary
    assert Topic.objects.filter(title="What does a null trial tell us?").exists()


def test_the_client_waits_as_long_as_the_site_asks():
    waits = []
    with FakeDiscourse(SITE) as site:
        site.retry_after_once["/site.json"] = "7"
        source = DiscourseSite(site.url, requests_per_second=0, sleep=waits.append)
        assert source.site()["categories"]
    assert 7.0 in waits


def test_no_address_is_a_clear_error():
    with pytest.raises(CommandError, match="--url"):
        _import()
    with pytest.raises(CommandError, match="must start with http"):
        _import("--url", "ftp://old.example")


def test_staff_roles_come_only_from_the_staff_option_never_to_bots_and_need_a_second_factor(client):
    summary = _import_folder()
    User = get_user_model()
    assert set(User.objects.values_list("role", flat=True)) == {"member"}
    assert "member austin: staff on the Discourse site, imported as a member" in summary
    assert "member Lena.Park: staff on the Discourse site, imported as a member" in summary
    # A rerun naming them grants the role they had there; the system bot never gets one.
    summary = _import_folder(SITE, "--staff", "austin,lena.park,system")
    assert User.objects.get(username="austin").role == "moderator"
    assert User.objects.get(username="Lena.Park").role == "admin"
    assert not User.objects.filter(username="system").exclude(role="member").exists()
    assert "member austin: moderator here, as on the Discourse site; must set up a second factor" in summary
    # Whoever holds the mailbox and resets the password still meets the second-factor wall.
    lena = User.objects.get(username="Lena.Park")
    client.force_login(lena)
    response = client.get("/review/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/")


def test_the_staff_option_on_a_first_run_and_bots_named_in_it(tmp_path):
    folder = tmp_path / "site"
    shutil.copytree(SITE, folder)
    data = json.loads((folder / "t" / "101.json").read_text())
    bot_post = dict(data["post_stream"]["posts"][1], id=1099, post_number=9, username="discobot", user_id=-2,
                    admin=True, moderator=True, raw="Hi! I am a bot.")
    data["post_stream"]["posts"].append(bot_post)
    data["post_stream"]["stream"] = [p["id"] for p in data["post_stream"]["posts"]]
    (folder / "t" / "101.json").write_text(json.dumps(data))
    summary = _import_folder(folder, "--staff", "austin,discobot")
    User = get_user_model()
    assert User.objects.get(username="austin").role == "moderator"
    assert User.objects.get(username="discobot").role == "member"
    assert User.objects.get(username="Lena.Park").role == "member"
    assert "member discobot: a Discourse bot, never staff here" in summary


def _with_topic(folder, topic_id, change):
    path = folder / "t" / f"{topic_id}.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_imported_tags_are_named_as_the_topic_form_names_them_and_every_page_still_answers(client, tmp_path):
    folder = tmp_path / "site"
    shutil.copytree(SITE, folder)

    def tags(data):
        data["tags"] = ["LDN", "<b>Long COVID</b>", {"id": 7, "name": "Sleep & fatigue", "slug": "sleep"},
                        "مريم", "!!!", "x" * 60]
    _with_topic(folder, 101, tags)
    summary = _import_folder(folder)
    topic = _ldn()
    names = sorted(topic.tags.values_list("name", flat=True))
    assert names == sorted(["ldn", "long-covid", "sleep-fatigue", "mrym", "x" * 40])
    assert "tag '<b>Long COVID</b>': not a tag name here, imported as 'long-covid'" in summary
    assert "tag '!!!': nothing usable in it, left off" in summary
    assert "tag 'LDN'" not in summary  # only case: the form lowers it too
    for address in (topic.get_absolute_url(), "/", "/tag/long-covid/", "/categories/"):
        assert client.get(address).status_code == 200, address


def test_a_stored_tag_no_page_can_link_takes_no_page_down_and_the_migration_mends_it(client):
    import importlib

    from django.apps import apps

    from forum.models import Tag

    _import_folder()
    topic = _ldn()
    bad = Tag.objects.create(name="Long COVID!")
    merged = Tag.objects.create(name="LDN ")
    topic.tags.add(bad, merged)
    for address in (topic.get_absolute_url(), "/"):
        assert client.get(address).status_code == 200, address
    importlib.import_module("forum.migrations.0031_tag_names_mended").mend(apps, None)
    assert sorted(topic.tags.values_list("name", flat=True)) == ["fibromyalgia", "ldn", "long-covid"]
    assert not Tag.objects.filter(name__in=["Long COVID!", "LDN "]).exists()


def test_a_profile_the_site_could_not_give_is_reported_and_filled_in_on_the_next_run(client):
    User = get_user_model()
    with FakeDiscourse(SITE) as site:
        site.failures["/u/casey.json"] = 500
        summary = _import("--url", site.url, "--rate", "0", "--retries", "0")
        assert "member casey: profile could not be read" in summary
        casey = User.objects.get(username="casey")
        assert casey.bio == "" and casey.date_joined.year != 2021
        del site.failures["/u/casey.json"]
        site.failures["/u/casey/emails.json"] = 500
        summary = _import("--url", site.url, "--rate", "0", "--retries", "0")
        assert "members: 0 created, 1 updated" in summary
        casey.refresh_from_db()
        assert casey.bio == "Trying to read the evidence myself." and casey.date_joined.year == 2021
        # An address the site would not give at first comes on the next run too.
        User.objects.filter(pk=casey.pk).update(email="")
        from allauth.account.models import EmailAddress
        EmailAddress.objects.filter(user=casey).delete()
        ImportedRecord.objects.filter(kind="member", external_id="casey").update(fingerprint="profile-missing")
        del site.failures["/u/casey/emails.json"]
        summary = _import("--url", site.url, "--rate", "0", "--retries", "0")
    assert "members: 0 created, 1 updated" in summary
    casey.refresh_from_db()
    assert casey.email == "casey@example.org" and casey.date_joined.year == 2021
    # Now they can claim the account.
    client.post("/accounts/password/reset/", {"email": "casey@example.org"})
    assert [m.to for m in mail.outbox] == [["casey@example.org"]]


def test_a_topic_that_rolled_back_is_not_counted(tmp_path):
    folder = tmp_path / "site"
    shutil.copytree(SITE, folder)
    # Broken after the topic and its posts were written: all of it rolls back.
    _with_topic(folder, 117, lambda data: data["post_stream"]["posts"][1].update(
        actions_summary=[{"id": 2, "count": "many"}]))
    _import_folder(folder)
    summary = _import_folder(folder)  # nothing changed: nothing is counted as made
    assert "topics: 0 created, 0 updated, 1 unchanged" in summary
    assert not re.search(r": [1-9]\d* (created|updated)", summary), summary
    assert "topic 117: malformed (TypeError" in summary
    assert Topic.objects.count() == 1


def test_ctrl_c_prints_the_summary_so_far_and_how_to_resume(monkeypatch):
    from forum.importing.discourse.source import DiscourseFolder

    real_topic = DiscourseFolder.topic

    def topic(self, topic_id):
        if topic_id == 117:
            raise KeyboardInterrupt
        return real_topic(self, topic_id)

    monkeypatch.setattr(DiscourseFolder, "topic", topic)
    out = StringIO()
    with pytest.raises(CommandError) as stopped:
        call_command("import_discourse", "--folder", str(SITE), "--url", OLD, stdout=out, stderr=StringIO())
    assert "Interrupted: stopped with Ctrl-C" in str(stopped.value)
    assert "run the same command again to resume" in str(stopped.value) and stopped.value.returncode == 130
    assert "topics: 1 created, 0 updated, 0 unchanged" in out.getvalue()
    monkeypatch.setattr(DiscourseFolder, "topic", real_topic)
    assert "topics: 1 created, 0 updated, 1 unchanged" in _import_folder()


@pytest.mark.parametrize("change", ["edited", "deleted", "hidden"])
def test_quotes_of_a_post_changed_at_the_source_are_checked_again(client, tmp_path, change):
    _import_folder()
    null_trial = Topic.objects.get(title="What does a null trial tell us?")
    quote = Quote.objects.get(quoting_post=_post(null_trial, 1))
    assert quote.status == QuoteStatus.VERIFIED
    folder = tmp_path / "site"
    shutil.copytree(SITE, folder)

    def update(data):
        answer = data["post_stream"]["posts"][1]
        if change == "edited":  # the quoted sentence taken out
            answer["raw"] = answer["raw"].replace("That is exactly what we would need before recommending it "
                                                  "with any confidence. ", "")
            answer["version"] = 2
        elif change == "deleted":
            answer["deleted_at"] = "2024-05-01T10:00:00.000Z"
        else:
            answer["hidden"] = True
    _with_topic(folder, 101, update)
    _import_folder(folder)
    quote = Quote.objects.get(quoting_post=_post(null_trial, 1))
    expected = QuoteStatus.MODIFIED if change == "edited" else QuoteStatus.MISSING
    assert quote.status == expected
    assert expected.label in client.get(null_trial.get_absolute_url()).content.decode()


def test_a_post_without_raw_keeps_its_images_links_lists_and_code_and_its_quotes_match(client, tmp_path):
    folder = tmp_path / "site"
    shutil.copytree(SITE, folder)

    def html_only(data):
        question, answer = data["post_stream"]["posts"][:2]
        del question["raw"]
        question["cooked"] = (
            "<h2>Pacing diaries</h2><p>Pacing diaries helped me more than anything.</p>"
            "<p>Its introduction says: “However, no randomised controlled trials with long-term follow-ups "
            "have been carried out.”</p><ul><li>one</li><li>two</li></ul>"
            '<p><a href="/about">a link</a></p><pre><code class="lang-python">code block</code></pre>')
        del answer["raw"]
        answer["cooked"] = (
            '<aside class="quote no-group" data-username="casey" data-post="1" data-topic="101">'
            '<div class="title">casey:</div><blockquote><p>However, no randomised controlled trials with '
            "long-term follow-ups have been carried out.</p></blockquote></aside>"
            '<div class="lightbox-wrapper"><a class="lightbox" href="/uploads/default/original/1X/f.png">'
            '<img src="/uploads/default/optimized/1X/f_690x388.png" alt="forest plot|690x388"></a></div>')
    _with_topic(folder, 101, html_only)
    _import_folder(folder)
    question, answer = _post(_ldn(), 1), _post(_ldn(), 2)
    assert "Pacing diaries\n\nPacing diaries helped me" in question.raw
    assert "* one\n* two" in question.raw and "[a link](https://old.example/about)" in question.raw
    assert "```python\ncode block\n```" in question.raw
    assert "<li>one</li>" in question.cooked and "<code" in question.cooked
    # An image-only reply is not empty, and its quote of the HTML-only post matches it.
    assert "https://old.example/uploads/default/optimized/1X/f_690x388.png" in answer.raw
    quote = Quote.objects.get(quoting_post=answer)
    assert (quote.quoted_post, quote.status) == (question, QuoteStatus.VERIFIED)
    assert "Matches the source" in client.get(_ldn().get_absolute_url()).content.decode()


def test_a_relative_link_to_a_topic_not_imported_leads_to_the_old_site_not_to_one_here(tmp_path):
    folder = tmp_path / "site"
    shutil.copytree(SITE, folder)
    _with_topic(folder, 117, lambda data: data["post_stream"]["posts"][1].update(
        raw="Older: [the old thread](/t/old-thread/4242/3) and [this one](/t/101)."))
    summary = _import_folder(folder)
    reply = _post(Topic.objects.get(title="What does a null trial tell us?"), 2)
    assert 'href="https://old.example/t/old-thread/4242/3"' in reply.cooked
    assert f'href="{_ldn().get_absolute_url()}"' in reply.cooked
    assert "post 117/2: refers to topic 4242, which was not imported; it links to the old site" in summary


def test_a_username_in_another_script_is_transliterated_reported_and_mentions_follow_it(tmp_path):
    folder = tmp_path / "site"
    shutil.copytree(SITE, folder)

    def arabic(data):
        posts = data["post_stream"]["posts"]
        posts[1]["raw"] = "Thanks @مريم and @Ζωή, you were right."
        posts.append(dict(posts[1], id=1205, post_number=4, username="مريم", user_id=77, name="Maryam",
                          raw="I asked the same.", reply_to_post_number=None))
        posts.append(dict(posts[1], id=1206, post_number=5, username="Ζωή", user_id=78, name="Zoe",
                          raw="Me too.", reply_to_post_number=None))
        data["post_stream"]["stream"] = [p["id"] for p in posts]
    _with_topic(folder, 117, arabic)
    summary = _import_folder(folder)
    User = get_user_model()
    assert User.objects.filter(username__in=["mrym", "Zoi"]).count() == 2
    assert "member مريم: not a username here, imported as mrym" in summary
    assert not User.objects.filter(username__startswith="member").exists()
    reply = _post(Topic.objects.get(title="What does a null trial tell us?"), 2)
    assert reply.raw == "Thanks @mrym and @Zoi, you were right."
    assert 'href="/u/mrym/"' in reply.cooked


def test_a_saved_export_is_keyed_by_its_site_so_copies_and_renames_duplicate_nothing(tmp_path):
    with FakeDiscourse(SITE) as site:
        _import("--url", site.url, "--rate", "0", "--save-to", str(tmp_path / "saved"))
    counts = (Topic.objects.count(), Post.objects.count(), get_user_model().objects.count())
    shutil.copytree(tmp_path / "saved", tmp_path / "export-2026-12")
    for folder in ("saved", "export-2026-12"):
        summary = _import("--folder", str(tmp_path / folder))
        assert "topics: 0 created, 0 updated, 2 unchanged" in summary
    assert counts == (Topic.objects.count(), Post.objects.count(), get_user_model().objects.count())
    with pytest.raises(CommandError, match="was saved from"):
        _import("--folder", str(tmp_path / "saved"), "--url", "https://another.example")


def test_a_folder_that_does_not_say_its_site_needs_the_url():
    with pytest.raises(CommandError, match="does not say which site it was saved from"):
        _import("--folder", str(SITE))


def test_a_rerun_reads_only_the_topics_that_moved_since_the_last(tmp_path):
    folder = tmp_path / "site"
    shutil.copytree(SITE, folder)

    def bump(topic_id, when):
        for name in ("latest.json", "latest-page-1.json"):
            data = json.loads((folder / name).read_text())
            for summary in data["topic_list"]["topics"]:
                if summary["id"] == topic_id:
                    summary["bumped_at"] = when
            (folder / name).write_text(json.dumps(data))
    bump(101, "2022-03-20T10:00:00.000Z")
    bump(117, "2022-04-02T10:00:00.000Z")
    with FakeDiscourse(folder) as site:
        _import("--url", site.url, "--rate", "0")
        site.requests.clear()
        summary = _import("--url", site.url, "--rate", "0")
        assert not [path for path, _ in site.requests if path.startswith(("/t/", "/u/", "/post_action"))]
        assert "topics: 0 created, 0 updated, 2 unchanged" in summary
        # A reply at the source bumps the topic: that one is read again, and only that one.
        _with_topic(folder, 117, lambda data: data["post_stream"]["posts"].append(dict(
            data["post_stream"]["posts"][1], id=1299, post_number=9, raw="A late reply.")))
        bump(117, "2024-01-01T10:00:00.000Z")
        site.requests.clear()
        summary = _import("--url", site.url, "--rate", "0")
        assert {path for path, _ in site.requests if path.startswith("/t/")} == {"/t/117.json"}
        assert "posts: 1 created" in summary
        site.requests.clear()
        _import("--url", site.url, "--rate", "0", "--full")
        assert {path for path, _ in site.requests if path.endswith(".json") and path.startswith("/t/")} >= {
            "/t/101.json", "/t/117.json"}


def test_a_quote_of_a_post_not_imported_says_so_and_links_the_old_site(client, tmp_path):
    folder = tmp_path / "site"
    shutil.copytree(SITE, folder)
    _with_topic(folder, 117, lambda data: data["post_stream"]["posts"][1].update(
        raw='[quote="sam, post:4, topic:4242"]\nPacing helped.\n[/quote]\n\nIt did for me too.'))
    _import_folder(folder)
    topic = Topic.objects.get(title="What does a null trial tell us?")
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Source not imported" in page and 'href="https://old.example/t/4242/4"' in page


def test_a_second_import_from_the_same_site_while_one_runs_is_refused():
    import os
    import socket
    import subprocess
    import sys

    running = ImportedRecord.objects.create(source=f"lock:{OLD}", kind="topic", external_id="run-lock",
                                            object_id=os.getpid(), fingerprint=socket.gethostname()[:64])
    with pytest.raises(CommandError, match="Another import from https://old.example is running"):
        _import_folder()
    assert not Topic.objects.exists()
    # A run killed outright leaves its lock behind: the next run sees its process is gone.
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    ImportedRecord.objects.filter(pk=running.pk).update(object_id=int(gone.stdout))
    assert "topics: 2 created" in _import_folder()
    assert not ImportedRecord.objects.filter(source__startswith="lock:").exists()


def test_closed_archived_unlisted_deleted_topics_and_deleted_hidden_posts_arrive_as_they_were(client, tmp_path):
    folder = tmp_path / "site"
    shutil.copytree(SITE, folder)

    def states(data):
        data.update(archived=True, visible=False)
        data["post_stream"]["posts"][1]["hidden"] = True
    _with_topic(folder, 101, states)
    more = json.loads((folder / "t" / "101" / "posts.json").read_text())
    more["post_stream"]["posts"][0]["deleted_at"] = "2023-01-01T00:00:00.000Z"
    (folder / "t" / "101" / "posts.json").write_text(json.dumps(more))
    _with_topic(folder, 117, lambda data: data.update(deleted_at="2023-02-02T00:00:00.000Z"))
    _import_folder(folder)
    ldn = _ldn()
    assert (ldn.state, ldn.unlisted) == (TopicState.ARCHIVED, True)
    null_trial = Topic.objects.get(title="What does a null trial tell us?")
    assert null_trial.deleted_at is not None and null_trial.state == TopicState.CLOSED
    # What a visitor sees: the unlisted topic by its address, not in the list; the deleted one not at all.
    latest = client.get("/").content.decode()
    assert ldn.title not in latest and null_trial.title not in latest
    page = client.get(ldn.get_absolute_url()).content.decode()
    assert "That is exactly what we would need" not in page  # hidden post
    assert client.get(null_trial.get_absolute_url()).status_code == 404
    thanks = _post(ldn, 3)
    assert thanks.deleted_at is not None and _post(ldn, 2).hidden_at is not None


def test_members_and_categories_renamed_at_the_source_are_renamed_on_the_next_run(tmp_path):
    _import_folder()
    folder = tmp_path / "site"
    shutil.copytree(SITE, folder)
    site = json.loads((folder / "site.json").read_text())
    for category in site["categories"]:
        if category["id"] == 9:
            category["name"] = "Medicines"
    (folder / "site.json").write_text(json.dumps(site))
    # Discourse renames a member by rewriting their posts' username (the user id stays).
    _with_topic(folder, 117, lambda data: [p.update(username="austin_b") for p in data["post_stream"]["posts"]
                                           if p.get("username") == "austin"])
    shutil.copy(folder / "u" / "austin.json", folder / "u" / "austin_b.json")
    summary = _import_folder(folder)
    assert _ldn().category.name == "Pain & chronic conditions / Medicines"
    assert "categories: 0 created, 1 updated" in summary
    User = get_user_model()
    null_trial = Topic.objects.get(title="What does a null trial tell us?")
    # The same member, not a second one: their old posts and new posts share an author.
    assert _post(null_trial, 2).author == _post(_ldn(), 2).author
    assert User.objects.filter(username__in=["austin", "austin_b"]).count() == 1
    assert _post(null_trial, 2).author.username == "austin_b"
    assert "member austin: renamed austin_b at the source; renamed here too" in summary


def _one_thread(folder, posts: list[dict], *, site: str = OLD) -> Path:
    """An export of one topic with these posts (`post_number`, `username`, `raw` and what else
    each gives), the first 20 in the topic's file and the rest in its posts.json, as Discourse
    pages them."""
    when = "2023-05-02T08:00:00Z"
    posts = [{"id": 1000 + n, "post_type": 1, "created_at": when, "version": 1, **post} for n, post in enumerate(posts)]
    (folder / "t" / "7").mkdir(parents=True)
    (folder / "source.json").write_text(json.dumps({"url": site}))
    (folder / "site.json").write_text(json.dumps({"categories": [{"id": 1, "name": "Pacing", "slug": "pacing"}]}))
    (folder / "latest.json").write_text(json.dumps({"topic_list": {"topics": [
        {"id": 7, "title": "A long thread on pacing", "posts_count": len(posts), "bumped_at": when}]}}))
    (folder / "t" / "7.json").write_text(json.dumps({
        "id": 7, "title": "A long thread on pacing", "slug": "pacing", "category_id": 1, "created_at": when,
        "posts_count": len(posts), "post_stream": {"posts": posts[:20], "stream": [p["id"] for p in posts]}}))
    (folder / "t" / "7" / "posts.json").write_text(json.dumps({"post_stream": {"posts": posts[20:]}}))
    return folder


def _replies(count: int) -> list[dict]:
    return [{"post_number": n, "username": ["ana", "ben", "cy"][n % 3], "raw": f"Day {n}: paced, and slept well.",
             "reply_to_post_number": n - 1 if n > 1 else None} for n in range(1, count + 1)]


def test_a_long_thread_costs_a_query_or_two_a_post_not_one_for_each_lookup(tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count):
        # Two sites, so that the longer thread is made afresh, not the shorter one updated.
        folder = _one_thread(tmp_path / str(count), _replies(count), site=f"https://site{count}.example")
        with CaptureQueriesContext(connection) as run:
            _import("--folder", str(folder))
        return len(run.captured_queries)

    short, long = queries(10), queries(60)
    # A site of 100,000 posts is imported in an afternoon only if each post is written in a few
    # queries: its record, its date and the post it answers are written with the topic's.
    assert long - short <= 50 * 2, (short, long)
    topic = Topic.objects.get(title="A long thread on pacing", posts_count=60)
    assert list(topic.posts.filter(post_number__in=[1, 2, 60]).values_list("post_number", "reply_to__post_number")) \
        == [(1, None), (2, 1), (60, 59)]
    assert topic.posts.values("author").distinct().count() == 3
    assert ImportedRecord.objects.filter(source="https://site60.example", kind="post").count() == 60
    assert "topics: 0 created, 0 updated, 1 unchanged" in _import("--folder", str(tmp_path / "60"))


def test_a_post_listed_twice_in_an_export_becomes_one_post_with_the_later_text(tmp_path):
    posts = _replies(3) + [{**_replies(3)[1], "raw": "Day 2, corrected: paced, slept badly."}]
    summary = _import("--folder", str(_one_thread(tmp_path, posts)))
    topic = Topic.objects.get(title="A long thread on pacing")
    assert list(topic.posts.order_by("post_number").values_list("post_number", "raw")) == [
        (1, "Day 1: paced, and slept well."), (2, "Day 2, corrected: paced, slept badly."),
        (3, "Day 3: paced, and slept well.")]
    assert PostRevision.objects.get(post__topic=topic).raw == "Day 2: paced, and slept well."
    assert "could not be imported" not in summary
