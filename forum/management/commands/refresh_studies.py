import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from forum.models import LookupState, Study
from forum.services.referencing import study_look_up


class Command(BaseCommand):
    help = ("Re-fetch stored studies' metadata from Crossref and PubMed (bypassing the cache), so "
            "retractions and corrections published since show up, and citing posts are re-rendered.")

    def add_arguments(self, parser):
        parser.add_argument("--only-failed", action="store_true", help="Only studies whose look-up failed.")
        parser.add_argument("--pause", type=float, default=0.4,
                            help="Seconds between studies (PubMed allows 3 requests a second without a key).")

    def handle(self, *args, only_failed=False, pause=0.4, **options):
        studies = Study.objects.exclude(doi__isnull=True, pmid__isnull=True).order_by("pk")
        if only_failed:
            studies = studies.filter(lookup_state=LookupState.FAILED)
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
