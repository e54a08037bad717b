"""`manage.py restore BACKUP_DIR`: a backup brought back into an empty database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forum.backups import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into an empty database"

    def add_arguments(self, parser):
        parser.add_argument("source", help="The backup directory (holding manifest.json)")
        parser.add_argument("--database", default="default", help="Database alias")
        parser.add_argument("--check", action="store_true", help="Only verify the checksums")

    def handle(self, *args, source: str, database: str, check: bool, **options):
        try:
            if check:
                manifest = backup_verify(source=Path(source))
            else:
                manifest = backup_restore(source=Path(source), using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        verb = "Verified" if check else "Restored"
        self.stdout.write(f"{verb} the {manifest['database']} backup of {manifest['created_at']} "
                          f"({len(manifest['files'])} file(s), checksums match).")
        if not check:
            self.stdout.write("Run `manage.py migrate` if this code is newer than the backup.")
