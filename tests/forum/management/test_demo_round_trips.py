"""Every study of the demo, exported as BibTeX, RIS and CSL-JSON from its page and pasted into
"Add reference" again, is found as itself with the same identifiers: nothing is created."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from forum.evidence.referencing import references_add
from forum.models import Study

pytestmark = pytest.mark.django_db


def identifiers(study):
    return (study.doi, study.pmid, study.pmcid, study.bibtex_key)


def test_every_demo_study_survives_export_and_import_in_every_format():
    call_command("demo", stdout=StringIO())
    studies = list(Study.objects.order_by("pk"))
    before = {study.pk: identifiers(study) for study in studies}
    client = Client()
    identical, found_other, problems = 0, [], []

    for study in studies:
        for fmt in ("bib", "ris", "json"):
            exported = client.get(reverse("forum:study_export", kwargs={"study_id": study.pk, "fmt": fmt}))
            assert exported.status_code == 200
            added = references_add(text=exported.content.decode())
            problems += [(study.pk, fmt, p) for p in added.problems]
            if [s.pk for s in added.studies] != [study.pk]:
                found_other.append((study.pk, fmt, [s.pk for s in added.studies]))
            elif identifiers(Study.objects.get(pk=study.pk)) == before[study.pk]:
                identical += 1
    created = Study.objects.count() - len(studies)
    print(f"\nround trips over the demo: {len(studies)} studies x 3 formats = {len(studies) * 3}; "
          f"identical {identical}; found another study {len(found_other)}; duplicates created {created}")

    assert studies
    assert not problems
    assert not found_other
    assert created == 0
    assert identical == len(studies) * 3
