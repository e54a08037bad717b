"""Backups the site can be brought back from: `manage.py backup`, `restore` and `content_digest`.

A backup is a directory holding a consistent snapshot of the database, uploaded files if there
are any, and manifest.json: what was backed up, from which database and migration state, and the
SHA-256 of every file. Both databases are copied while the site runs: PostgreSQL with pg_dump
(one transaction's snapshot, custom format), SQLite with its online backup API (pages copied
under a read lock, writers carry on in the WAL).

Restoring checks every checksum before touching anything and refuses a database that already
holds tables, so a restore can never be mixed into live data.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_command(settings_dict: dict, program: str) -> tuple[list[str], dict]:
    args = [program, "--no-password", "--dbname", settings_dict["NAME"]]
    if settings_dict.get("HOST"):
        args += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _run(args: list[str], env: dict) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()[-2000:]}")


def _media_root() -> Path | None:
    root = Path(settings.MEDIA_ROOT) if settings.MEDIA_ROOT else None
    if root and root.is_dir() and any(root.iterdir()):
        return root
    return None


def backup_create(*, output: Path, using: str = "default") -> Path:
    """Write a backup directory under `output` and return its path."""
    connection = connections[using]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = output / f"evident-{stamp}"
    target.mkdir(parents=True)
    files = []
    if connection.vendor == "postgresql":
        args, env = _pg_command(connection.settings_dict, "pg_dump")
        _run([*args, "--format=custom", "--no-owner", "--no-privileges", "--file", str(target / "database.dump")], env)
        files.append("database.dump")
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target / "database.sqlite3")
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        files.append("database.sqlite3")
    else:
        raise BackupError(f"No backup method for {connection.vendor}.")
    media = _media_root()
    if media:
        with tarfile.open(target / "media.tar.gz", "w:gz") as archive:
            archive.add(media, arcname=".")
        files.append("media.tar.gz")
    recorder = MigrationRecorder(connection)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "database": connection.vendor,
        "django": django.get_version(),
        "migrations": sorted(f"{app}.{name}" for app, name in recorder.applied_migrations()),
        "files": {name: {"sha256": _sha256(target / name), "bytes": (target / name).stat().st_size}
                  for name in files},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return target


def backup_verify(*, source: Path) -> dict:
    """The manifest, once every file it lists matches its checksum."""
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{source} has no {MANIFEST}: not a backup made by `manage.py backup`.")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Backup format {manifest.get('format')} is not one this version reads ({FORMAT}).")
    for name, expected in manifest["files"].items():
        path = source / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup.")
        if _sha256(path) != expected["sha256"]:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged.")
    return manifest


def _has_tables(connection) -> bool:
    with connection.cursor() as cursor:
        return bool(connection.introspection.table_names(cursor))


def backup_restore(*, source: Path, using: str = "default") -> dict:
    """Bring a backup back into an empty database (and its files into MEDIA_ROOT)."""
    manifest = backup_verify(source=source)
    connection = connections[using]
    if manifest["database"] != connection.vendor:
        raise BackupError(f"This is a {manifest['database']} backup; the database is {connection.vendor}.")
    if _has_tables(connection):
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} already holds tables. Restore into an empty "
            "database (createdb a new one, or point DATABASE_URL at a new SQLite file).")
    if connection.vendor == "postgresql":
        connection.close()
        args, env = _pg_command(connection.settings_dict, "pg_restore")
        _run([*args, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
              str(source / "database.dump")], env)
    else:
        connection.ensure_connection()
        dump = sqlite3.connect(f"file:{source / 'database.sqlite3'}?mode=ro", uri=True)
        try:
            dump.backup(connection.connection)
        finally:
            dump.close()
        connection.close()
    if "media.tar.gz" in manifest["files"]:
        if not settings.MEDIA_ROOT:
            raise BackupError("The backup holds uploaded files but MEDIA_ROOT is not set.")
        root = Path(settings.MEDIA_ROOT)
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(source / "media.tar.gz") as archive:
            archive.extractall(root, filter="data")
    # Whatever the cache holds describes the database as it was before: not to be trusted.
    from forum.resilient_cache import cache_epoch_renew

    cache_epoch_renew(reason="database restored from a backup")
    return manifest


def content_digests(*, using: str = "default") -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256 of every row's values in primary-key order)} for the forum's own
    content: members, topics, posts, revisions, studies, votes and the rest. Equal digests mean
    equal content, whichever database or machine they were computed on."""
    digests = {}
    for app_label in ("accounts", "forum", "account"):
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
            if model._meta.db_table == "forum_cacheepoch":
                continue
            fields = [field.attname for field in model._meta.concrete_fields]
            digest = hashlib.sha256()
            rows = 0
            for values in model._default_manager.using(using).order_by("pk").values_list(*fields).iterator():
                digest.update(json.dumps(values, default=str, sort_keys=True).encode())
                rows += 1
            digests[model._meta.db_table] = (rows, digest.hexdigest())
    return digests

