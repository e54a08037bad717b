"""The backup drill: fill the forum, back it up, wipe, restore into an empty database and an empty
uploads directory, and every member, topic, post, revision, study and vote is identical (content
hashes per table), and so is every uploaded file (its SHA-256).

The restore runs as an operator would run it, `manage.py restore` in its own process, into a
new SQLite file or a scratch PostgreSQL database this test creates and drops.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from forum.discussion.answers import vote_toggle
from forum.discussion.editing import post_edit
from forum.models import Citation, PostRevision, Study, Upload, Vote
from forum.operations.backups import content_digests
from forum.uploads.storing import upload_store
from tests.factories import UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def forum_content(member, other_member, moderator):
    handout = upload_store(uploader=member, file=SimpleUploadedFile("handout.pdf", b"%PDF-1.4\n%%EOF\n"))
    topic = make_topic(author=member, title="Does creatine help older lifters? ünïcode ✓",
                       raw=f"Asking for my father. [His notes](upload://{handout.name})")
    answer = make_reply(topic=topic, author=other_member, raw="Two trials say a little. [@doi:10.1000/x]")
    make_reply(topic=make_topic(author=other_member), author=member, raw="Another thread\n\nwith *markdown*")
    post_edit(editor=other_member, post=answer, raw="Two trials say a little [@doi:10.1000/x], one says nothing.", reason="fuller")
    vote_toggle(user=member, post=answer)
    # The citation made the study; its look-up found nothing offline, so fill it in as one would.
    Study.objects.filter(doi="10.1000/x").update(title="Creatine in adults over 60", year=2021,
                                                 metadata={"authors": [{"family": "Ødegård"}]})
    assert Citation.objects.filter(post=answer).exists()
    UserFactory(username="quiet", display_name="Never Posted")
    assert PostRevision.objects.exists() and Vote.objects.exists()


@pytest.fixture
def scratch_database(tmp_path):
    """An empty database for the restore, and its URL; dropped afterwards on PostgreSQL."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    s = connection.settings_dict
    name = f"{s['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(database_url: str, uploads_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "EVIDENT_UPLOADS_DIR": str(uploads_dir),
           "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_a_backup_restores_to_identical_content(forum_content, scratch_database, tmp_path):
    before = content_digests()
    out = tmp_path / "out.txt"
    with out.open("w") as stdout:
        call_command("backup", "--output", str(tmp_path / "backups"), stdout=stdout)
    backup = Path(out.read_text().strip())
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["database"] == connection.vendor and manifest["files"]

    uploads_dir = tmp_path / "restored-uploads"
    restored = manage(scratch_database, uploads_dir, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "Uploads: 1 written to the storage" in restored.stdout
    after = manage(scratch_database, uploads_dir, "content_digest", "--json")
    assert after.returncode == 0, after.stderr

    after = {table: tuple(value) for table, value in json.loads(after.stdout).items()}
    assert after == before
    for table in ("accounts_user", "forum_topic", "forum_post", "forum_postrevision", "forum_study", "forum_vote"):
        assert before[table][0] > 0, table
    assert [key for key in before if key.startswith("file:")] == [f"file:{Upload.objects.get().stored_name}"]


def test_restore_refuses_a_database_that_holds_data(forum_content, tmp_path):
    call_command("backup", "--output", str(tmp_path), stdout=open(os.devnull, "w"))
    backup = next(tmp_path.iterdir())

    with pytest.raises(CommandError, match="already holds tables"):
        call_command("restore", str(backup))


def test_a_damaged_backup_is_refused_before_anything_is_touched(forum_content, tmp_path):
    call_command("backup", "--output", str(tmp_path), stdout=open(os.devnull, "w"))
    backup = next(tmp_path.iterdir())
    dump = next(path for path in backup.iterdir() if path.name.startswith("database."))
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", "--check", str(backup))
