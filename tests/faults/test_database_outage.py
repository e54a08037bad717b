"""The database cannot be reached (a PostgreSQL restart, a failover): every request is answered
503 with Retry-After and the site's own page, or JSON under /api/, never a 500 with a traceback;
a reply that was committed before the database went away is answered as posted, and one that
could not be confirmed is handed back and can be sent again without being posted twice.

On PostgreSQL the site's connection is pointed at a closed port, so psycopg really fails to
connect; SQLite's test database lives in memory and cannot be closed, so there every query
meets the error SQLite itself raised for a database file it could not open.
"""

import socket
import sqlite3

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

import forum.discussion.posting
import forum.discussion.views.composing
from forum.models import Post, Study
from forum.site_views.database_outage import is_database_outage
from tests.factories import make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "Two trials found no effect on colds; the third was stopped early [@doi:10.1136/bmj.i6583]."


class DatabaseSwitch:
    def __init__(self):
        self.monkeypatch = pytest.MonkeyPatch()  # its own: undoing it leaves the test's patches alone
        self.saved = None
        self.closed_port = None

    def off(self) -> None:
        if connection.vendor == "postgresql":
            with socket.socket() as probe:  # a port nothing listens on
                probe.bind(("127.0.0.1", 0))
                self.closed_port = probe.getsockname()[1]
            self.saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
            connection.settings_dict.update(HOST="127.0.0.1", PORT=str(self.closed_port))
            connection.close()
        else:
            try:
                sqlite3.connect("file:/nonexistent-directory/evident.sqlite3?mode=rw", uri=True)
            except sqlite3.OperationalError as error:
                cannot_open = error

            def create_cursor(name=None):
                raise cannot_open

            self.monkeypatch.setattr(connection, "create_cursor", create_cursor)
            self.saved = True

    def on(self) -> None:
        if self.saved is None:
            return
        if connection.vendor == "postgresql":
            connection.settings_dict.update(self.saved)
            connection.close()
        else:
            self.monkeypatch.undo()
        self.saved = None


@pytest.fixture
def database(transactional_db):
    switch = DatabaseSwitch()
    yield switch
    switch.on()


@pytest.fixture
def topic(other_member):
    return make_topic(author=other_member, title="Does vitamin D prevent colds?")


@pytest.fixture
def outside_client(client):
    # What a browser sees: the error page, not the exception the test client would re-raise.
    client.raise_request_exception = False
    return client


def assert_nothing_internal(body: str, database) -> None:
    for leak in ("Traceback", "OperationalError", "psycopg", "sqlite", "Connection refused", "127.0.0.1",
                 'File "'):
        assert leak not in body
    if database.closed_port:
        assert str(database.closed_port) not in body


def assert_unavailable(response, database) -> str:
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert_nothing_internal(body, database)
    return body


def token_of(response) -> str:
    return parse(response.content).find("input", name="submit_token").get("value")


def test_a_visitor_opening_a_topic_is_asked_to_try_again_shortly(outside_client, topic, database):
    database.off()
    response = outside_client.get(topic.get_absolute_url())

    body = assert_unavailable(response, database)
    assert "Evident is briefly unavailable" in body
    assert parse(response.content).find("h1").text == "Evident is briefly unavailable"


def test_a_signed_in_member_gets_the_same_page(outside_client, member, topic, database):
    # The member's session is in the database too: it is the first thing that cannot be read.
    outside_client.force_login(member)
    database.off()

    for url in (topic.get_absolute_url(), reverse("forum:latest"), reverse("forum:notifications")):
        body = assert_unavailable(outside_client.get(url), database)
        assert "briefly unavailable" in body


def test_the_api_answers_in_json(outside_client, topic, database):
    database.off()
    for url in ("/api/topics/", f"/api/topics/{topic.pk}/"):
        response = outside_client.get(url)
        assert_unavailable(response, database)
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]["code"] == "unavailable"


def test_a_reply_that_cannot_be_saved_is_handed_back_and_sent_again_once(outside_client, member, topic, database):
    outside_client.force_login(member)
    form = {"raw": BODY, "submit_token": token_of(outside_client.get(topic.get_absolute_url()))}
    database.off()

    response = outside_client.post(reverse("forum:reply", args=[topic.pk]), form)

    body = assert_unavailable(response, database)
    assert "could not confirm" in body
    assert parse(response.content).find("textarea", id="typed-raw").text.removeprefix("\n") == BODY
    database.on()
    assert Post.objects.filter(topic=topic).count() == 1
    # Back, and the same form sent again once the database answers: posted, and only once.
    for _ in range(2):
        assert outside_client.post(reverse("forum:reply", args=[topic.pk]), form).status_code == 302
    assert Post.objects.filter(topic=topic, raw=BODY).count() == 1


def test_a_reply_committed_just_before_the_outage_is_answered_as_posted(outside_client, member, topic, database,
                                                                       monkeypatch):
    # The reply commits; the database goes away before the page that confirms it is finished
    # (the citation warnings still read it).
    real_reply_create = forum.discussion.views.composing.reply_create

    def reply_create_then_outage(**kwargs):
        post = real_reply_create(**kwargs)
        database.off()
        return post

    monkeypatch.setattr(forum.discussion.views.composing, "reply_create", reply_create_then_outage)
    outside_client.force_login(member)
    form = {"raw": BODY, "submit_token": token_of(outside_client.get(topic.get_absolute_url()))}

    response = outside_client.post(reverse("forum:reply", args=[topic.pk]), form)

    database.on()
    reply = Post.objects.get(topic=topic, raw=BODY)
    assert response.status_code == 302
    assert response["Location"] == reply.topic.post_page_url(reply.post_number)


def test_a_reply_whose_background_work_cannot_be_queued_is_still_posted(outside_client, member, topic, database,
                                                                       monkeypatch, settings):
    # Production's task queue is a table: the database going away the moment the reply commits
    # means the citation's look-up cannot be queued. The reply is saved all the same.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    real_claim = forum.discussion.posting.submission_claim

    def claim_and_fail_at_commit(**kwargs):
        transaction.on_commit(database.off)  # registered first, so it runs before the look-up is queued
        return real_claim(**kwargs)

    monkeypatch.setattr(forum.discussion.posting, "submission_claim", claim_and_fail_at_commit)
    outside_client.force_login(member)
    form = {"raw": BODY, "submit_token": token_of(outside_client.get(topic.get_absolute_url()))}

    response = outside_client.post(reverse("forum:reply", args=[topic.pk]), form)

    database.on()
    reply = Post.objects.get(topic=topic, raw=BODY)
    assert response.status_code == 302 and response["Location"] == reply.topic.post_page_url(reply.post_number)
    assert Study.objects.filter(doi="10.1136/bmj.i6583").exists()


def test_the_site_answers_again_by_itself_when_the_database_returns(outside_client, member, topic, database):
    outside_client.force_login(member)
    database.off()
    assert outside_client.get(topic.get_absolute_url()).status_code == 503
    database.on()

    assert outside_client.get(topic.get_absolute_url()).status_code == 200


def test_a_broken_query_is_still_a_500_and_not_an_outage(outside_client, topic, database):
    # Only "cannot reach the database" is an outage: a query the database refuses is a bug.
    with pytest.raises(Exception) as no_table:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")
    with pytest.raises(IntegrityError) as duplicate:
        with transaction.atomic():
            Post.objects.create(topic=topic, post_number=1, author=topic.author, raw="x", cooked="x")

    assert not is_database_outage(no_table.value)
    assert not is_database_outage(duplicate.value)
    database.off()
    with pytest.raises(Exception) as unreachable:
        Post.objects.count()
    assert is_database_outage(unreachable.value)


def test_the_operator_reads_one_line_per_outage_not_a_traceback_per_request(outside_client, topic, database,
                                                                           monkeypatch, caplog):
    from forum.site_views import database_outage

    monkeypatch.setattr(database_outage, "_log_outage", database_outage._OutageLog())
    database.off()
    with caplog.at_level("WARNING"):
        for _ in range(5):
            assert outside_client.get(topic.get_absolute_url()).status_code == 503

    lines = [record for record in caplog.records if record.levelname in ("WARNING", "ERROR")]
    assert len(lines) == 1
    assert lines[0].getMessage().startswith("Database unreachable (OperationalError: ")
    assert lines[0].exc_info is None


def test_an_edit_saved_just_before_the_outage_is_answered_as_saved(outside_client, member, database, monkeypatch):
    import forum.discussion.views.posts

    topic = make_topic(author=member, title="Does vitamin D prevent colds?", raw="First words.")
    post = topic.posts.get()
    real_save_edit = forum.discussion.views.posts._save_edit

    def save_edit_then_outage(*args, **kwargs):
        real_save_edit(*args, **kwargs)
        database.off()

    monkeypatch.setattr(forum.discussion.views.posts, "_save_edit", save_edit_then_outage)
    outside_client.force_login(member)
    edit_url = reverse("forum:post_edit", args=[post.pk])
    token = token_of(outside_client.get(edit_url))

    response = outside_client.post(edit_url, {"raw": "Second thoughts.", "title": topic.title, "submit_token": token})

    database.on()
    post.refresh_from_db()
    assert post.raw == "Second thoughts."
    assert response.status_code == 302 and response["Location"] == post.topic.post_page_url(post.post_number)
