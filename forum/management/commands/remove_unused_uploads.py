from datetime import timedelta

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = ("For cron (say hourly): remove uploaded files no post shows, a day after their upload "
            "(files still named in a draft or an earlier version of a post are kept).")

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="Age an unused upload must reach (24).")
        parser.add_argument("--dry-run", action="store_true", help="List what would be removed; remove nothing.")

    def handle(self, *args, hours=24, dry_run=False, **options):
        from forum.uploads.storing import uploads_remove_unused

        removed = uploads_remove_unused(older_than=timedelta(hours=hours), dry_run=dry_run)
        for name in removed:
            self.stdout.write(name)
        verb = "would be removed" if dry_run else "removed"
        self.stdout.write(f"{len(removed)} unused uploads {verb}.")
