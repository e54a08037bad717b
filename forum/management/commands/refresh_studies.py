import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from forum.evidence.referencing import study_look_up
from forum.models import LookupState, Study


class Command(BaseCommand):
    help = ("Re-fetch stored studies' metadata from Crossref and PubMed (bypassing the cache), so "
            "retractions and corrections published since show up, and citing posts are re-rendered.")

    def add_arguments(self, parser):
        parser.add_argument("--only-failed", action="store_true", help="Only studies not resolved: look-up failed, delayed, or still waiting.")
        parser.add_argument("--pause", type=float, default=0.4,
                            help="Seconds between studies (PubMed allows 3 requests a second without a key).")
        parser.add_argument("--due", action="store_true",
                            help="For cron: queue look-up tasks for studies not fetched for --older-than-days, "
                                 "most recently cited first, --pause seconds apart; the worker runs them.")
        parser.add_argument("--older-than-days", type=float, default=7.0)
        parser.add_argument("--limit", type=int, default=500, help="At most this many studies per --due run.")

    def handle(self, *args, only_failed=False, pause=0.4, **options):
        if options["due"]:
            from datetime import timedelta

            from forum.evidence.study_refresh import studies_refresh_schedule

            ids = studies_refresh_schedule(limit=options["limit"], pause=pause,
                                           older_than=timedelta(days=options["older_than_days"]))
            self.stdout.write(self.style.SUCCESS(
                f"Queued {len(ids)} stud{'y' if len(ids) == 1 else 'ies'} for a re-check, {pause:g} s apart."))
            return
        studies = Study.objects.exclude(doi__isnull=True, pmid__isnull=True).order_by("pk")
        if only_failed:
            studies = studies.exclude(lookup_state=LookupState.RESOLVED)
        ids = list(studies.values_list("pk", flat=True))
        retracted_before = set(Study.objects.filter(pk__in=ids, status="retracted").values_list("pk", flat=True))
        failed = 0
        for study_id in tqdm(ids, unit="study", file=self.stderr, disable=options["verbosity"] == 0):
            study = study_look_up(study_id=study_id, use_cache=False)
            if study is not None and study.lookup_error:
                failed += 1
            if pause:
                time.sleep(pause)
        newly_retracted = Study.objects.filter(pk__in=ids, status="retracted").exclude(pk__in=retracted_before)
        self.stdout.write(self.style.SUCCESS(
            f"Checked {len(ids)} stud{'y' if len(ids) == 1 else 'ies'}: {failed} could not be reached, "
            f"{newly_retracted.count()} newly retracted."
        ))
        for study in newly_retracted:
            self.stdout.write(f"  retracted: {study} ({study.identifier_label})")
