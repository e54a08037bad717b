"""`manage.py backup [--output DIR]`: a consistent snapshot of the site, taken while it runs."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forum.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (pg_dump or SQLite's online backup) and uploaded files, with a manifest"

    def add_arguments(self, parser):
        parser.add_argument("--output", default="var/backups", help="Directory to write the backup under")
        parser.add_argument("--database", default="default", help="Database alias")

    def handle(self, *args, output: str, database: str, **options):
        try:
            target = backup_create(output=Path(output), using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(target))
