"""One import from a site at a time.

Two runs from the same site at once would both find a topic missing and both make it. The lock
is a row (the unique `ImportedRecord` key makes taking it atomic on every database, across
hosts) holding the host and process id of its run and a heartbeat the run renews per topic.
A run killed outright (SIGKILL, a lost host) cannot remove its row, so a row is taken over when
its process is gone from this host or its heartbeat is older than STALE_AFTER.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from forum.models import ImportedRecord

STALE_AFTER = timedelta(minutes=10)
_EXTERNAL_ID = "run-lock"


class ImportRunning(Exception):
    """Another import from the same site is running."""


def _key(source_key: str) -> dict:
    return {"source": f"lock:{source_key}"[:200], "kind": ImportedRecord.Kind.TOPIC, "external_id": _EXTERNAL_ID}


def _alive_here(row: ImportedRecord) -> bool:
    if row.fingerprint != socket.gethostname()[:64]:
        return True  # another host's run: only its heartbeat can tell
    try:
        os.kill(row.object_id, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def import_lock_take(*, source_key: str) -> None:
    with transaction.atomic():
        row = ImportedRecord.objects.select_for_update().filter(**_key(source_key)).first()
        if row is not None:
            if _alive_here(row) and row.imported_at > timezone.now() - STALE_AFTER:
                raise ImportRunning(f"another import from {source_key} is running (process {row.object_id} on "
                                    f"{row.fingerprint}); wait for it to finish")
            row.delete()  # its run was killed
        try:
            with transaction.atomic():
                ImportedRecord.objects.create(**_key(source_key), object_id=os.getpid(),
                                              fingerprint=socket.gethostname()[:64])
        except IntegrityError as exc:
            raise ImportRunning(f"another import from {source_key} has just started") from exc


def import_lock_renew(*, source_key: str) -> None:
    ImportedRecord.objects.filter(**_key(source_key)).update(imported_at=timezone.now())


def import_lock_release(*, source_key: str) -> None:
    ImportedRecord.objects.filter(**_key(source_key), object_id=os.getpid()).delete()
