"""Who may change a study: a member's entry uses a stored study as it is, fills blanks only where no
registry has spoken, and otherwise becomes a suggested correction a moderator decides on."""

import pytest
from django.core.exceptions import PermissionDenied

from forum.evidence.referencing import references_add, references_preview, studies_import
from forum.models import ModerationAction, StudyRevision, StudySuggestion
from forum.references.bibtex import parse_bibtex
from forum.evidence.study_records import (
    revision_changes, study_suggestion_accept, study_suggestion_create, study_suggestion_reject,
)
from tests.forum.study_data import stored_metadata, stored_study

pytestmark = pytest.mark.django_db

FAKE = """@article{younger2013crossover,
  title = {Low-dose naltrexone for the treatment of fibromyalgia},
  author = {Nobody, Anna},
  journal = {Journal of Made Up Results},
  year = {1999}
}"""


def test_a_paste_matching_a_registry_study_changes_nothing_and_reports_the_differences(member):
    study = stored_study("younger2013", bibtex_key="younger2013crossover")
    before = (study.title, study.doi, study.registrations, study.metadata, study.revisions.count())

    added = references_add(text=FAKE, actor=member)

    study.refresh_from_db()
    assert (study.title, study.doi, study.registrations, study.metadata, study.revisions.count()) == before
    [match] = added.matches
    assert match.study == study and match.filled == []
    assert match.differences == ["Title", "Authors", "Journal", "Year"]


def test_the_seed_bibtex_without_a_doi_keeps_the_doi_and_the_registration(member):
    study = stored_study("younger2013", bibtex_key="younger2013crossover")
    [entry] = parse_bibtex("@article{younger2013crossover, title={Low-dose naltrexone}, year={2013}}").studies
    studies_import(records=[entry], actor=member)
    study.refresh_from_db()
    assert study.doi == "10.1002/art.37734" and study.registrations == ["NCT00568555"]


def test_a_study_without_a_registry_record_gets_only_its_blank_fields_filled(member):
    study = stored_metadata(title="A hand-entered trial", bibtex_key="hand2021", year=2021)

    [match] = references_add(text="@article{hand2021, title={Another title}, journal={Journal of Filling}, "
                                  "volume={3}, year={1999}}", actor=member).matches

    study.refresh_from_db()
    assert (study.title, study.year, study.container_title) == ("A hand-entered trial", 2021, "Journal of Filling")
    assert match.filled == ["Journal", "Volume"] and match.differences == ["Title", "Year"]
    latest = study.revisions.first()
    assert (latest.edited_by, latest.source) == (member, "bibtex")
    assert [name for name, _, _ in revision_changes(study.revisions.all()[1].snapshot, latest.snapshot)] == [
        "Journal", "Volume"]


def test_looking_up_a_paste_stores_nothing():
    stored_study("younger2013", bibtex_key="younger2013crossover")
    revisions = StudyRevision.objects.count()
    preview = references_preview(text=FAKE + "\n@article{new2020, title={A new one}, year={2020}}")
    assert [m.differences for m in preview.matches] == [["Title", "Authors", "Journal", "Year"]]
    assert [e.bibtex_key for e in preview.new_entries] == ["new2020"]
    assert StudyRevision.objects.count() == revisions
    assert not StudySuggestion.objects.exists()


def test_a_suggestion_is_applied_only_when_a_moderator_accepts_it(member, moderator):
    study = stored_study("younger2013", bibtex_key="younger2013crossover")
    [entry] = parse_bibtex(FAKE).studies
    suggestion = study_suggestion_create(member=member, study=study, metadata=entry, note="Wrong journal")
    assert study_suggestion_create(member=member, study=study, metadata=entry) == suggestion  # no double
    with pytest.raises(PermissionDenied):
        study_suggestion_accept(moderator=member, suggestion=suggestion)
    study.refresh_from_db()
    assert study.container_title == "Arthritis & Rheumatism"

    study_suggestion_accept(moderator=moderator, suggestion=suggestion)

    study.refresh_from_db()
    assert study.container_title == "Journal of Made Up Results"
    assert study.doi == "10.1002/art.37734"  # what the entry left blank stays
    latest = study.revisions.first()
    assert (latest.edited_by, latest.source, latest.reason) == (moderator, "suggestion", "Suggested by "
                                                                f"{member.username}: Wrong journal")
    assert ModerationAction.objects.get().action == "study_suggestion_accept"
    with pytest.raises(PermissionDenied):
        study_suggestion_reject(moderator=moderator, suggestion=suggestion)


def test_an_entry_that_agrees_cannot_be_suggested(member):
    study = stored_study("younger2013", bibtex_key="younger2013crossover")
    with pytest.raises(PermissionDenied):
        study_suggestion_create(member=member, study=study, metadata=study.as_metadata())
