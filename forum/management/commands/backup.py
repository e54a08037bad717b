"""`manage.py backup [--output DIR]`: a consistent snapshot of the site, taken while it runs.

The backup's path is the one line on stdout (for scripts); what was found in the storage goes
to stderr, with a warning for every file the database refers to that the storage lacks."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forum.operations.backup_storage import COPIED
from forum.operations.backups import BackupError, backup_create

from ._storage_report import missing_files_message


class Command(BaseCommand):
    help = ("Back up the database (pg_dump or SQLite's online backup) and the uploaded files of the default "
            "storage, with a manifest")

    def add_arguments(self, parser):
        parser.add_argument("--output", default="var/backups", help="Directory to write the backup under")
        parser.add_argument("--database", default="default", help="Database alias")

    def handle(self, *args, output: str, database: str, **options):
        try:
            result = backup_create(output=Path(output), using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(result.path))
        report = result.storage
        if report.kind == COPIED:
            self.stderr.write(f"Uploads: {report.files} file(s) copied into the backup.", style_func=None)
        else:
            self.stderr.write(f"Uploads: in object storage, not copied; back the bucket up separately. "
                              f"{report.files} file(s) the database refers to are listed in the manifest.",
                              style_func=None)
        if report.missing:
            self.stderr.write("Warning: " + missing_files_message(
                report.missing, state="are missing from the storage, so this backup cannot hold them"))
