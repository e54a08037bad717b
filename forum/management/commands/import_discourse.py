"""Bring a community's history over from Discourse (see the README's "Moving from Discourse")."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from forum.importing.discourse.importer import DiscourseImport
from forum.importing.discourse.run_lock import ImportRunning, import_lock_release, import_lock_take
from forum.importing.discourse.source import DiscourseFolder, DiscourseSite


class Command(BaseCommand):
    help = ("Import categories, members, topics, posts, quotes, likes and accepted answers from a "
            "Discourse site's JSON API or from a folder of saved responses. Safe to run again: what "
            "was imported before is updated, never duplicated, and an interrupted run resumes.")

    def add_arguments(self, parser):
        parser.add_argument("--url", default=os.environ.get("DISCOURSE_URL", ""),
                            help="the Discourse site's address, e.g. https://forum.example.org "
                                 "(with --folder: the site the files came from, for links to its uploads)")
        parser.add_argument("--folder", type=Path, help="read saved JSON responses from this folder instead")
        parser.add_argument("--api-key", default=os.environ.get("DISCOURSE_API_KEY", ""),
                            help="an API key (or DISCOURSE_API_KEY): needed for email addresses and unlisted topics")
        parser.add_argument("--api-username", default=os.environ.get("DISCOURSE_API_USERNAME", ""),
                            help="the user the key acts as (or DISCOURSE_API_USERNAME; default system)")
        parser.add_argument("--rate", type=float, default=2.0, help="requests per second at most (default 2)")
        parser.add_argument("--retries", type=int, default=5,
                            help="how often to retry a request that timed out or met a server error (default 5)")
        parser.add_argument("--save-to", type=Path, help="also keep every response in this folder (for --folder later)")
        parser.add_argument("--staff", default="",
                            help="comma-separated Discourse usernames who keep their admin or moderator role "
                                 "here (nobody else does; bots never); they must set up a second factor")
        parser.add_argument("--only-topic", type=int, metavar="ID",
                            help="import (or retry) this one Discourse topic id, then relink")
        parser.add_argument("--full", action="store_true",
                            help="read every topic again, also those the latest list shows unchanged since the last run")
        parser.add_argument("--dry-run", action="store_true", help="report what would be imported; change nothing")

    def handle(self, *args, url, folder, api_key, api_username, rate, retries, save_to, dry_run, staff, only_topic, full, **options):
        if not url and not folder:
            raise CommandError("Say where to import from: --url https://forum.example.org or --folder PATH.")
        if url and not url.startswith(("http://", "https://")):
            raise CommandError(f"--url must start with http:// or https:// (got {url!r}).")
        if folder:
            if not folder.is_dir():
                raise CommandError(f"{folder} is not a folder.")
            source = DiscourseFolder(folder, base_url=url)
            # Records are keyed by the site, not the folder: the same export copied or renamed
            # must find what it made before, not make it all again.
            if url and source.recorded_url and source.recorded_url.lower() != url.rstrip("/").lower():
                raise CommandError(f"{folder} was saved from {source.recorded_url}, not {url}.")
            if not source.base_url:
                raise CommandError(f"{folder} does not say which site it was saved from (no source.json): "
                                   "name it with --url https://forum.example.org.")
        else:
            source = DiscourseSite(url, api_key=api_key, api_username=api_username,
                                   requests_per_second=rate, retries=retries, save_to=save_to)
        source_key = source.base_url
        if folder and not dry_run:
            # Imports made before exports said their site were keyed by the folder's name.
            from forum.models import ImportedRecord

            if not ImportedRecord.objects.filter(source=source_key).exists():
                ImportedRecord.objects.filter(source=f"folder:{folder.resolve().name}").update(source=source_key)
        verbosity = options.get("verbosity", 1)

        def progress(iterable, **kwargs):
            # Bars only for a person at a terminal; logs and tests get the summary alone.
            return tqdm(iterable, disable=None if verbosity >= 1 else True, file=self.stderr._out, **kwargs)

        staff_names = [name.strip().lstrip("@") for name in staff.split(",") if name.strip()]
        importer = DiscourseImport(source, source_key=source_key, progress=progress, staff=staff_names)
        try:
            import_lock_take(source_key=source_key)
        except ImportRunning as exc:
            source.close()
            raise CommandError(f"{str(exc)[0].upper()}{str(exc)[1:]}.") from exc
        try:
            report = importer.run(dry_run=dry_run, only_topic=only_topic, full=full)
        finally:
            import_lock_release(source_key=source_key)
            source.close()
        heading = "Dry run: nothing was changed." if dry_run else f"Imported from {url or folder}."
        self.stdout.write(heading)
        for line in report.lines(dry_run=dry_run):
            self.stdout.write(line)
        self.stdout.write(f"requests to the source: {source.requests}")
        if report.interrupted:
            # 130 is what a shell reports for a program stopped by Ctrl-C.
            raise CommandError(f"Interrupted: {report.interrupted}. What was imported is kept; "
                               "run the same command again to resume.",
                               returncode=130 if "Ctrl-C" in report.interrupted else 1)
