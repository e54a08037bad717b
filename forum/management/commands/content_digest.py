"""`manage.py content_digest`: rows and a SHA-256 per table of the forum's content, and the size
and SHA-256 of every uploaded file, to compare a restored site with the one it was backed up
from."""

import json

from django.core.management.base import BaseCommand

from forum.operations.backups import content_digests


class Command(BaseCommand):
    help = ("Print row counts and a content hash for every table of members, topics, posts, studies ..., "
            "and the size and hash of every file in the uploads storage")

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument("--json", action="store_true", dest="as_json")
        # With object storage every file is downloaded to be hashed.
        parser.add_argument("--without-files", action="store_false", dest="files",
                            help="Leave out the uploaded files (tables only)")

    def handle(self, *args, database: str, as_json: bool, files: bool, **options):
        digests = content_digests(using=database, files=files)
        if as_json:
            self.stdout.write(_dumps(digests))
            return
        for table, (rows, digest) in digests.items():
            self.stdout.write(f"{table:45} {rows:8} {digest}")


def _dumps(digests) -> str:
    return json.dumps({table: [rows, digest] for table, (rows, digest) in digests.items()}, sort_keys=True)
