"""Backups the site can be brought back from: `manage.py backup`, `restore` and `content_digest`.

A backup is a directory holding a consistent snapshot of the database, the uploaded files of the
default storage (forum/operations/backup_storage.py: copied from a file system; for object storage, listed
and left to the bucket's own backup), and manifest.json: what was backed up, from which database
and migration state, and the size and SHA-256 of every file. Both databases are copied while the
site runs: PostgreSQL with pg_dump (one transaction's snapshot, custom format), SQLite with its
online backup API (pages copied under a read lock, writers carry on in the WAL). The files the
database refers to are read from that same snapshot, so those missing from the storage are
named exactly.

Restoring checks every checksum before touching anything, refuses a database that already holds
tables (so a restore can never be mixed into live data) and a storage holding other content
under a backed-up name, then brings back the database and the files.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import django
from django.apps import apps
from django.core.files.storage import storages
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder

from forum.operations.backup_storage import (
    StorageBackupError,
    StorageReport,
    referenced_files,
    referenced_files_sql,
    storage_backup,
    storage_backup_verify,
    storage_check,
    storage_file_digest,
    storage_file_names,
    storage_restore,
    storage_restore_conflicts,
)

MANIFEST = "manifest.json"
# 2: the default storage's files (or, for object storage, the names the database refers to).
FORMAT = 2
READABLE_FORMATS = (1, 2)


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


def _pg_dump(connection, target: Path) -> dict[str, int | None]:
    """pg_dump into `target`, and the files the dumped rows refer to, read in the same snapshot:
    this transaction exports it and pg_dump adopts it, so a file uploaded meanwhile is neither in
    the dump nor counted."""
    args, env = _pg_command(connection.settings_dict, "pg_dump")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        _run([*args, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
              "--file", str(target)], env)
        cursor.execute(referenced_files_sql())
        return referenced_files(cursor.fetchall())


def _sqlite_copy(connection, target: Path) -> dict[str, int | None]:
    """SQLite's online backup into `target`, and the files the copy's rows refer to."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        return referenced_files(copy.execute(referenced_files_sql()).fetchall())
    finally:
        copy.close()


@dataclass
class BackupResult:
    path: Path
    storage: StorageReport


def backup_create(*, output: Path, using: str = "default") -> BackupResult:
    """Write a backup directory under `output`: the database first, then the storage's files, so
    the copy has every file a dumped row refers to (a file uploaded after the dump is harmless
    in the backup; its row is not there, and the next backup has both)."""
    connection = connections[using]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = output / f"evident-{stamp}"
    target.mkdir(parents=True)
    if connection.vendor == "postgresql":
        dump = "database.dump"
        referenced = _pg_dump(connection, target / dump)
    elif connection.vendor == "sqlite":
        dump = "database.sqlite3"
        referenced = _sqlite_copy(connection, target / dump)
    else:
        raise BackupError(f"No backup method for {connection.vendor}.")
    storage_section, report = storage_backup(storage=storages["default"], target=target, referenced=referenced)
    recorder = MigrationRecorder(connection)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "database": connection.vendor,
        "django": django.get_version(),
        "migrations": sorted(f"{app}.{name}" for app, name in recorder.applied_migrations()),
        "files": {dump: {"sha256": _sha256(target / dump), "bytes": (target / dump).stat().st_size}},
        "storage": storage_section,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return BackupResult(path=target, storage=report)


def backup_verify(*, source: Path) -> dict:
    """The manifest, once every file it lists matches its checksum."""
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{source} has no {MANIFEST}: not a backup made by `manage.py backup`.")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") not in READABLE_FORMATS:
        raise BackupError(f"Backup format {manifest.get('format')} is not one this version reads ({FORMAT}).")
    for name, expected in manifest["files"].items():
        path = source / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup.")
        if _sha256(path) != expected["sha256"]:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged.")
    if "storage" in manifest:
        try:
            storage_backup_verify(source=source, section=manifest["storage"])
        except StorageBackupError as error:
            raise BackupError(str(error)) from error
    return manifest


def backup_check(*, source: Path) -> tuple[dict, StorageReport | None]:
    """`restore --check`: the checksums, and whether every file the backed-up database refers to
    would be there after a restore (None for a backup made before files were included)."""
    manifest = backup_verify(source=source)
    if "storage" not in manifest:
        return manifest, None
    return manifest, storage_check(storage=storages["default"], section=manifest["storage"])


def _has_tables(connection) -> bool:
    with connection.cursor() as cursor:
        return bool(connection.introspection.table_names(cursor))


def backup_restore(*, source: Path, using: str = "default") -> tuple[dict, StorageReport | None]:
    """Bring a backup back into an empty database and its files into the default storage."""
    manifest = backup_verify(source=source)
    connection = connections[using]
    storage = storages["default"]
    if manifest["database"] != connection.vendor:
        raise BackupError(f"This is a {manifest['database']} backup; the database is {connection.vendor}.")
    if _has_tables(connection):
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} already holds tables. Restore into an empty "
            "database (createdb a new one, or point DATABASE_URL at a new SQLite file).")
    if "storage" in manifest:
        conflicts = storage_restore_conflicts(storage=storage, source=source, section=manifest["storage"])
        if conflicts:
            raise BackupError(
                f"The storage already holds {len(conflicts)} file(s) under a backed-up name with other content "
                f"({', '.join(conflicts[:5])}). Move them away, or restore into an empty uploads directory.")
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
    report = None
    if "storage" in manifest:
        try:
            report = storage_restore(storage=storage, source=source, section=manifest["storage"])
        except StorageBackupError as error:
            raise BackupError(f"The database is restored, but not every file: {error}") from error
    # Whatever the cache holds describes the database as it was before: not to be trusted.
    from forum.caching.resilient_cache import cache_epoch_renew

    cache_epoch_renew(reason="database restored from a backup")
    return manifest, report


def content_digests(*, using: str = "default", files: bool = True) -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256 of every row's values in primary-key order)} for the forum's own
    content: members, topics, posts, revisions, studies, votes and the rest; and with `files`,
    {"file:<name>": (bytes, sha256)} for every file of the default storage. Equal digests mean
    equal content, whichever database, storage or machine they were computed on."""
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
    if files:
        storage = storages["default"]
        for name in storage_file_names(storage):
            digests[f"file:{name}"] = storage_file_digest(storage, name)
    return digests

