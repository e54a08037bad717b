"""`manage.py restore BACKUP_DIR`: a backup brought back into an empty database and the default
storage; `--check` verifies it and touches nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forum.operations.backup_storage import COPIED
from forum.operations.backups import BackupError, backup_check, backup_restore

from ._storage_report import missing_files_message


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into an empty database and the uploads storage"

    def add_arguments(self, parser):
        parser.add_argument("source", help="The backup directory (holding manifest.json)")
        parser.add_argument("--database", default="default", help="Database alias")
        parser.add_argument("--check", action="store_true",
                            help="Only verify: the checksums, and that every file the database refers to "
                                 "is in the backup (or, for object storage, in the bucket); exit status 1 if not")

    def handle(self, *args, source: str, database: str, check: bool, **options):
        try:
            if check:
                manifest, report = backup_check(source=Path(source))
            else:
                manifest, report = backup_restore(source=Path(source), using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        verb = "Verified" if check else "Restored"
        self.stdout.write(f"{verb} the {manifest['database']} backup of {manifest['created_at']} "
                          f"(checksums match).")
        if report is None:
            self.stdout.write("This backup was made before backups held uploaded files: it has none.")
        elif report.kind == COPIED:
            done = (f"{report.files} in the backup" if check else
                    f"{report.files} written to the storage, {report.already_there} already there")
            self.stdout.write(f"Uploads: {done}.")
        else:
            self.stdout.write(f"Uploads: in object storage, not in this backup; "
                              f"{report.files - len(report.missing)} of the {report.files} file(s) the database "
                              "refers to are there.")
        if report and report.missing:
            state = ("were missing from the storage when this backup was made" if report.kind == COPIED
                     else "are missing from the storage")
            message = missing_files_message(report.missing, state=state)
            if check:
                raise CommandError(message)
            self.stderr.write(f"Warning: {message}")
        if not check:
            self.stdout.write("Run `manage.py migrate` if this code is newer than the backup.")
