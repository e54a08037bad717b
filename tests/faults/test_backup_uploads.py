"""Backups hold the uploads: a member's picture and PDF, uploaded and posted through the site, come
back after the database and the uploads directory are both lost and `manage.py restore` runs.
Files the database refers to but the storage lacks are named when the backup is made and by
`restore --check`; with object storage the backup lists the files and `restore --check` finds
them in the bucket."""

import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from PIL import Image

from forum.models import Topic, Upload
from tests.factories import CategoryFactory
from tests.parsed_html import ParsedHTML

from .fake_bucket import FakeBucketStorage

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _tables_back_for_the_next_test():
    # A test that loses the database and whose restore is refused leaves it without tables.
    yield
    if not connection.introspection.table_names():
        call_command("migrate", verbosity=0)


@pytest.fixture
def uploads_dir(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "uploads")},
    }}
    settings.FORUM_NEW_USER_DAYS = settings.FORUM_NEW_USER_MIN_POSTS = 0
    settings.FORUM_UPLOAD_THUMBNAIL_DIMENSION = 400
    return tmp_path / "uploads"


@pytest.fixture
def bucket(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "tests.faults.fake_bucket.FakeBucketStorage"}}
    settings.FORUM_NEW_USER_DAYS = settings.FORUM_NEW_USER_MIN_POSTS = 0
    FakeBucketStorage.objects = {}
    yield FakeBucketStorage.objects
    FakeBucketStorage.objects = {}


def png(size=(900, 500)) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(out, format="PNG")
    return out.getvalue()


def upload(client, data: bytes, name: str) -> dict:
    response = client.post(reverse("forum:upload_create"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200, response.content
    answer = response.json()
    # Each member's upload has a name of its own; the file in storage is named by its bytes' hash.
    answer["stored"] = Upload.objects.get(name=answer["name"]).stored_name
    return answer


def post_topic(client, raw: str) -> str:
    response = client.post(reverse("forum:new_topic"), {
        "title": "Forest plot of the creatine trials", "category": CategoryFactory().pk, "raw": raw})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def stored_name(url: str) -> str:
    """The storage's name for the file a /uploads/ address serves: an upload's address carries
    the member's own name for it, a thumbnail's the stored name itself."""
    name = url.removeprefix("/uploads/")
    upload = Upload.objects.filter(name=name).first()
    return upload.stored_name if upload else name


def served(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content)


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def lose_the_database():
    """As after a disk failure: an empty database, which is what `restore` asks for."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        empty = sqlite3.connect(":memory:")
        try:
            empty.backup(connection.connection)
        finally:
            empty.close()
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    assert not connection.introspection.table_names()


def test_posted_uploads_come_back_after_the_database_and_the_uploads_are_lost(client, member, uploads_dir, tmp_path):
    client.force_login(member)
    picture = upload(client, png(), "forest plot.png")
    handout = upload(client, PDF, "handout.pdf")
    topic_url = post_topic(client, f"The pooled result:\n\n{picture['markdown']}\n\nand {handout['markdown']}")
    page = ParsedHTML(client.get(topic_url).content.decode())
    # A large picture: the post shows its thumbnail inside a link to the full size.
    [thumbnail_url] = [img.get("src") for img in page.find_all("img") if (img.get("src") or "").startswith("/uploads/")]
    file_urls = sorted({a.get("href") for a in page.find_all("a") if (a.get("href") or "").startswith("/uploads/")})
    assert thumbnail_url not in file_urls and len(file_urls) == 2
    before = {url: served(client, url) for url in [thumbnail_url, *file_urls]}

    out, err = run("backup", "--output", str(tmp_path / "backups"))
    backup = Path(out.strip())
    assert "Uploads: 3 file(s) copied into the backup." in err and "Warning" not in err
    files = json.loads((backup / "manifest.json").read_text())["storage"]["files"]
    assert {name: entry["bytes"] for name, entry in files.items()} == {
        stored_name(url): len(data) for url, data in before.items()}

    assert "Uploads: 3 in the backup." in run("restore", "--check", str(backup))[0]

    lose_the_database()
    shutil.rmtree(uploads_dir)

    out, err = run("restore", str(backup))
    assert "Uploads: 3 written to the storage, 0 already there." in out and not err

    client.logout()
    assert client.get(topic_url).status_code == 200
    for url, data in before.items():
        assert served(client, url) == data
    pdf = client.get(file_urls[0] if file_urls[0].endswith(".pdf") else file_urls[1])
    assert pdf["Content-Disposition"].startswith("attachment;")


def test_a_file_missing_from_the_storage_is_named_by_backup_and_by_restore_check(member, client, uploads_dir, tmp_path):
    client.force_login(member)
    picture = upload(client, png((60, 40)), "small.png")
    post_topic(client, picture["markdown"])
    (uploads_dir / picture["stored"]).unlink()

    out, err = run("backup", "--output", str(tmp_path))
    backup = Path(out.strip())
    assert "Warning: 1 uploaded file(s) the database refers to are missing from the storage" in err
    assert picture["stored"] in err
    assert json.loads((backup / "manifest.json").read_text())["storage"]["missing"] == [picture["stored"]]

    with pytest.raises(CommandError, match=f"were missing from the storage when this backup was made.*{picture['stored']}"):
        run("restore", "--check", str(backup))

    # The rest is worth having: the restore goes ahead, and says again what it cannot give back.
    lose_the_database()
    out, err = run("restore", str(backup))
    assert err.startswith("Warning: 1 uploaded file(s) the database refers to were missing from the storage when "
                          "this backup was made; posts showing them will answer 404: " + picture["stored"])
    assert Upload.objects.filter(name=picture["name"]).exists()


def test_a_damaged_uploaded_file_in_the_backup_is_refused_before_anything_is_touched(member, client, uploads_dir,
                                                                                    tmp_path):
    client.force_login(member)
    post_topic(client, upload(client, PDF, "handout.pdf")["markdown"])
    backup = Path(run("backup", "--output", str(tmp_path))[0].strip())
    [copied] = (backup / "uploads").iterdir()
    copied.write_bytes(copied.read_bytes().replace(b"Catalog", b"Katalog"))

    with pytest.raises(CommandError, match=f"The uploaded file {copied.name} does not match its checksum"):
        run("restore", "--check", str(backup))
    lose_the_database()
    with pytest.raises(CommandError, match="does not match its checksum"):
        run("restore", str(backup))
    assert not connection.introspection.table_names()


def test_restore_refuses_to_overwrite_a_different_file_under_a_backed_up_name(member, client, uploads_dir, tmp_path):
    client.force_login(member)
    picture = upload(client, png((60, 40)), "small.png")
    post_topic(client, picture["markdown"])
    backup = Path(run("backup", "--output", str(tmp_path))[0].strip())
    lose_the_database()
    (uploads_dir / picture["stored"]).write_bytes(b"someone else's bytes")

    with pytest.raises(CommandError, match=f"already holds 1 file\\(s\\) under a backed-up name.*{picture['stored']}"):
        run("restore", str(backup))
    assert not connection.introspection.table_names()
    assert (uploads_dir / picture["stored"]).read_bytes() == b"someone else's bytes"


def test_with_object_storage_the_backup_lists_the_files_and_restore_check_finds_them_in_the_bucket(
        member, client, bucket, tmp_path):
    client.force_login(member)
    picture = upload(client, png(), "forest plot.png")
    handout = upload(client, PDF, "handout.pdf")
    post_topic(client, f"{picture['markdown']}\n\n{handout['markdown']}")
    stored = Upload.objects.get(name=picture["name"])
    assert set(bucket) == {picture["stored"], stored.thumbnail_name, handout["stored"]}

    out, err = run("backup", "--output", str(tmp_path))
    backup = Path(out.strip())
    assert "in object storage, not copied; back the bucket up separately" in err and "Warning" not in err
    section = json.loads((backup / "manifest.json").read_text())["storage"]
    assert section["kind"] == "separate" and "back the bucket up separately" in section["note"]
    assert section["referenced"] == {picture["stored"]: stored.size, stored.thumbnail_name: None,
                                     handout["stored"]: len(PDF)}
    assert not (backup / "uploads").exists()

    out, _ = run("restore", "--check", str(backup))
    assert "3 of the 3 file(s) the database refers to are there" in out

    default_storage.delete(handout["stored"])
    bucket[stored.thumbnail_name] = b"truncated"  # a thumbnail's size is not recorded: present is enough
    with pytest.raises(CommandError, match=f"1 uploaded file\\(s\\) the database refers to are missing from the "
                                           f"storage; posts showing them will answer 404: {handout['stored']}$"):
        run("restore", "--check", str(backup))

    bucket[picture["stored"]] = bucket[picture["stored"]][:100]
    with pytest.raises(CommandError, match=picture["stored"]):
        run("restore", "--check", str(backup))


def test_with_object_storage_a_restore_brings_back_the_database_and_finds_the_files_in_the_bucket(
        member, client, bucket, tmp_path):
    client.force_login(member)
    picture = upload(client, png((60, 40)), "small.png")
    topic_url = post_topic(client, picture["markdown"])
    backup = Path(run("backup", "--output", str(tmp_path))[0].strip())
    data = served(client, f"/uploads/{picture['name']}")

    lose_the_database()
    out, err = run("restore", str(backup))
    assert "1 of the 1 file(s) the database refers to are there" in out and not err
    assert Topic.objects.count() == 1
    client.logout()
    assert client.get(topic_url).status_code == 200
    assert served(client, f"/uploads/{picture['name']}") == data


def test_a_manifest_naming_a_file_outside_the_uploads_is_refused(member, client, uploads_dir, tmp_path):
    client.force_login(member)
    post_topic(client, upload(client, PDF, "handout.pdf")["markdown"])
    backup = Path(run("backup", "--output", str(tmp_path / "backups"))[0].strip())
    manifest = json.loads((backup / "manifest.json").read_text())
    [(name, entry)] = manifest["storage"]["files"].items()
    manifest["storage"]["files"] = {"../../outside.pdf": entry}
    (backup / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(CommandError, match="outside the uploads"):
        run("restore", "--check", str(backup))


def test_a_backup_from_before_uploads_were_included_still_restores_its_database(member, client, uploads_dir,
                                                                              tmp_path):
    client.force_login(member)
    topic_url = post_topic(client, "No pictures then.")
    backup = Path(run("backup", "--output", str(tmp_path / "backups"))[0].strip())
    manifest = json.loads((backup / "manifest.json").read_text())
    del manifest["storage"]
    (backup / "manifest.json").write_text(json.dumps({**manifest, "format": 1}))

    lose_the_database()
    out, _ = run("restore", str(backup))
    assert "made before backups held uploaded files" in out
    assert client.get(topic_url).status_code == 200


def test_with_object_storage_a_file_already_missing_is_named_by_the_backup(member, client, bucket, tmp_path):
    client.force_login(member)
    handout = upload(client, PDF, "handout.pdf")
    post_topic(client, handout["markdown"])
    del bucket[handout["stored"]]

    out, err = run("backup", "--output", str(tmp_path))
    assert "Warning: 1 uploaded file(s) the database refers to are missing from the storage" in err
    assert handout["stored"] in err
    assert json.loads((Path(out.strip()) / "manifest.json").read_text())["storage"]["missing"] == [handout["stored"]]
