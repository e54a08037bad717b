"""The uploaded files in a backup: what `manage.py backup` keeps of the default storage, how
`restore` puts it back, and what `restore --check` verifies.

Uploads live in Django's default storage (`STORAGES["default"]`), not in MEDIA_ROOT, so that is
what is read, through the storage API, so the code is the same whichever storage holds them:

- a file-system storage is copied file by file into the backup's `uploads/` directory, each
  file's size and SHA-256 in the manifest; `restore` writes them back through the storage API
  and reads each one back to check its hash.
- object storage (anything else) is not copied: a bucket has its own versioning and replication,
  and copying every object every hour would cost more than the database. The manifest says the
  bucket is backed up separately and lists the files the database refers to; `restore --check`
  finds each one in the bucket.

Either way the files the database refers to (every Upload's file and thumbnail) are named by the
same snapshot as the database dump, and any the storage lacks are reported when the backup is
made, recorded in the manifest and reported again by `restore --check`: a backup never drops a
file without saying so.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage

from forum.models import Upload

DIRECTORY = "uploads"
COPIED = "copied"
SEPARATE = "separate"
SEPARATE_NOTE = ("The uploads are in object storage, which this backup does not hold: back the bucket "
                 "up separately (versioning, replication or a copy). `restore --check` verifies that "
                 "every file listed under `referenced` is there.")


class StorageBackupError(Exception):
    pass


@dataclass
class StorageReport:
    """What a backup, restore or check found in the storage, for the command to tell the operator."""

    kind: str
    files: int = 0
    already_there: int = 0
    missing: list[str] = field(default_factory=list)


def referenced_files_sql() -> str:
    """The query that names the files the database refers to, run against the backup's own
    snapshot (the SQLite copy, or PostgreSQL's exported snapshot): written against the model's
    table so it runs on either database without Django's connection."""
    meta = Upload._meta
    columns = ", ".join(f'"{meta.get_field(f).column}"' for f in ("name", "sha256", "size", "thumbnail_name"))
    return f'SELECT {columns} FROM "{meta.db_table}"'


def referenced_files(rows) -> dict[str, int | None]:
    """{file name: its size when the row records it} from referenced_files_sql()'s rows; a
    thumbnail's size is not recorded."""
    names: dict[str, int | None] = {}
    for name, sha256, size, thumbnail in rows:
        # Each member's upload has a name of its own, but identical bytes are stored once, under
        # their hash (Upload.stored_name): that file is the one a restore needs.
        names[f"{sha256}{PurePosixPath(name).suffix}"] = size
        if thumbnail:
            names.setdefault(thumbnail, None)
    return names


def storage_copies_files(storage: Storage) -> bool:
    return isinstance(storage, FileSystemStorage)


def storage_backend(storage: Storage) -> str:
    return f"{type(storage).__module__}.{type(storage).__qualname__}"


def storage_file_names(storage: Storage) -> list[str]:
    """Every file in the storage, walked through listdir; an uploads directory not made yet holds
    none."""
    names, pending = [], [""]
    while pending:
        directory = pending.pop()
        try:
            directories, files = storage.listdir(directory)
        except FileNotFoundError:
            continue
        names += [str(PurePosixPath(directory, name)) for name in files]
        pending += [str(PurePosixPath(directory, name)) for name in directories]
    return sorted(names)


def _hash_stream(stream, copy_to=None) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
        size += len(block)
        if copy_to is not None:
            copy_to.write(block)
    return size, digest.hexdigest()


def storage_file_digest(storage: Storage, name: str) -> tuple[int, str]:
    with storage.open(name, "rb") as stream:
        return _hash_stream(stream)


def storage_backup(*, storage: Storage, target: Path, referenced: dict[str, int | None]) -> tuple[dict, StorageReport]:
    """The manifest's `storage` section, after copying a file-system storage's files under
    `target`; and what the operator should hear."""
    present = storage_file_names(storage)
    # A referenced file not listed gets a second look: an upload commits its row a moment before
    # it stores its file, so a dump can name a file that was still being written.
    unlisted = sorted(set(referenced) - set(present))
    section = {"backend": storage_backend(storage)}
    if not storage_copies_files(storage):
        missing = [name for name in unlisted if not storage.exists(name)]
        section |= {"kind": SEPARATE, "note": SEPARATE_NOTE, "referenced": referenced, "missing": missing}
        return section, StorageReport(kind=SEPARATE, files=len(referenced), missing=missing)
    files = {}
    for name in [*present, *unlisted]:
        path = target / DIRECTORY / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with storage.open(name, "rb") as stream, path.open("wb") as copy:
                size, sha256 = _hash_stream(stream, copy_to=copy)
        except FileNotFoundError:
            # Not there, or removed since the listing (an unused upload's clean-up): if the dump
            # refers to it, it is reported missing below.
            path.unlink(missing_ok=True)
            continue
        files[name] = {"bytes": size, "sha256": sha256}
    missing = sorted(set(referenced) - set(files))
    section |= {"kind": COPIED, "directory": DIRECTORY, "files": files, "missing": missing}
    return section, StorageReport(kind=COPIED, files=len(files), missing=missing)


def storage_backup_verify(*, source: Path, section: dict) -> None:
    """Every copied file is in the backup with its checksum (raises StorageBackupError)."""
    for name, expected in section.get("files", {}).items():
        # Names become paths in the backup and in the storage: none may lead outside them.
        if PurePosixPath(name).is_absolute() or ".." in PurePosixPath(name).parts:
            raise StorageBackupError(f"The manifest names a file outside the uploads: {name!r}.")
        path = source / section["directory"] / name
        if not path.is_file():
            raise StorageBackupError(f"The uploaded file {name} is missing from the backup.")
        with path.open("rb") as stream:
            if _hash_stream(stream)[1] != expected["sha256"]:
                raise StorageBackupError(f"The uploaded file {name} does not match its checksum: the backup is damaged.")


def storage_check(*, storage: Storage, section: dict) -> StorageReport:
    """Whether a restore from this backup gives back every file the database refers to: for a
    copied storage, the files were all there when it was made; for object storage, every
    referenced file is in the bucket now, at the size its row records."""
    if section["kind"] == COPIED:
        return StorageReport(kind=COPIED, files=len(section["files"]), missing=list(section["missing"]))
    present = set(storage_file_names(storage))
    missing = []
    for name, size in section["referenced"].items():
        if name not in present or (size is not None and storage.size(name) != size):
            missing.append(name)
    return StorageReport(kind=SEPARATE, files=len(section["referenced"]), missing=sorted(missing))


def storage_restore_conflicts(*, storage: Storage, source: Path, section: dict) -> list[str]:
    """Files the storage already holds under a backed-up name with other content: a restore
    would have to overwrite them, so it refuses before touching anything."""
    if section["kind"] != COPIED:
        return []
    present = set(storage_file_names(storage))
    return [name for name, expected in section["files"].items()
            if name in present and storage_file_digest(storage, name)[1] != expected["sha256"]]


def storage_restore(*, storage: Storage, source: Path, section: dict) -> StorageReport:
    """Write the backed-up files into the storage (those already there with the same content stay
    as they are), each read back and checked against its hash."""
    if section["kind"] != COPIED:
        return storage_check(storage=storage, section=section)
    present = set(storage_file_names(storage))
    report = StorageReport(kind=COPIED, missing=list(section["missing"]))
    for name, expected in section["files"].items():
        if name in present:
            report.already_there += 1
            continue
        with (source / section["directory"] / name).open("rb") as stream:
            saved = storage.save(name, File(stream, name=name))
        if saved != name:
            storage.delete(saved)
            raise StorageBackupError(f"The storage would only take {name} under another name ({saved}).")
        if storage_file_digest(storage, name)[1] != expected["sha256"]:
            raise StorageBackupError(f"{name} was written to the storage but reads back different.")
        report.files += 1
    return report
