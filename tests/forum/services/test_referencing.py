"""Citing studies from posts: pending look-ups that fill in, failures that never lose a post,
de-duplication, imports, manual entry and moderator corrections."""

import httpx
import pytest
from django.core.exceptions import PermissionDenied

from forum.discussion.editing import post_edit
from forum.markup.citations import CitationRef
from forum.models import Citation, LookupState, ModerationAction, Post, Study, StudyRevision
from forum.references.metadata import StudyMetadata
from forum.evidence.referencing import (
    cite_markup,
    references_add,
    studies_import,
    study_edit,
    study_get_or_create_pending,
    study_look_up,
)
from tests.factories import make_reply, make_topic
from tests.forum.references.conftest import fixture_text, json_response
from tests.forum.study_data import EFETCH, ESEARCH, ESUMMARY, crossref_response, stored_study
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

YOUNGER_2013 = "10.1002/art.37734"


def chips(post: Post) -> list:
    post.refresh_from_db()
    return parse(post.cooked).find_all("span", class_="cite")


def cite_post(callbacks_fixture, raw: str, **kwargs) -> tuple[Post, list]:
    """Create a topic whose first post is `raw`, holding back what would run after commit."""
    with callbacks_fixture() as callbacks:
        topic = make_topic(raw=raw, **kwargs)
    return topic.posts.get(post_number=1), callbacks


def run(callbacks) -> None:
    for callback in callbacks:
        callback()


# --- an unknown DOI: saved at once, filled in later -------------------------------------------

def test_a_post_citing_an_unknown_doi_is_saved_at_once_and_fills_in_when_crossref_answers(
    django_capture_on_commit_callbacks, reference_server
):
    post, callbacks = cite_post(django_capture_on_commit_callbacks,
                                f"The 2013 crossover trial [@doi:{YOUNGER_2013}] was small.")

    [chip] = chips(post)
    assert "cite--pending" in chip.classes
    assert chip.text == f"[1 looking up {YOUNGER_2013}]"
    study = Study.objects.get(doi=YOUNGER_2013)
    assert study.lookup_state == LookupState.PENDING
    assert post.citations.get().study == study
    assert reference_server.requests == []  # nothing is fetched while the post is being saved

    reference_server.add(f"/works/{YOUNGER_2013}", crossref_response("younger2013"))
    run(callbacks)

    study.refresh_from_db()
    assert study.lookup_state == LookupState.RESOLVED
    assert study.year == 2013 and study.design == "crossover_rct"
    assert study.registrations == ["NCT00568555"]
    [chip] = chips(post)
    assert "cite--pending" not in chip.classes
    link = parse(post.cooked).find("a", class_="cite__link")
    assert link.get("href") == study.get_absolute_url()
    assert link.text == "[1] Crossover RCT"
    assert "Arthritis" in parse(post.cooked).find("section", class_="references").text
    assert reference_server.requests_to(f"/works/{YOUNGER_2013}")


def test_the_look_up_runs_as_a_task_after_commit(reference_server, django_capture_on_commit_callbacks):
    reference_server.add(f"/works/{YOUNGER_2013}", crossref_response("younger2013"))

    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(raw=f"[@doi:{YOUNGER_2013}]")

    assert Study.objects.get(doi=YOUNGER_2013).lookup_state == LookupState.RESOLVED
    assert "looking up" not in topic.posts.get().cooked


def test_no_such_record_shows_an_unresolved_reference_and_keeps_the_post(
    django_capture_on_commit_callbacks, reference_server
):
    raw = f"Younger 2013 [@doi:{YOUNGER_2013}] and some prose around it."
    post, callbacks = cite_post(django_capture_on_commit_callbacks, raw)
    reference_server.add(f"/works/{YOUNGER_2013}", httpx.Response(404, text="Resource not found."))

    run(callbacks)

    post.refresh_from_db()
    assert post.raw == raw
    assert "some prose around it" in parse(post.cooked).text
    [chip] = chips(post)
    assert "cite--unresolved" in chip.classes
    assert chip.text == f"[1 unresolved reference: {YOUNGER_2013}]"
    study = Study.objects.get(doi=YOUNGER_2013)
    assert study.lookup_state == LookupState.FAILED
    assert study.lookup_error


@pytest.mark.parametrize("answer", [
    httpx.Response(503),
    httpx.Response(429, headers={"Retry-After": "120"}),
    httpx.ConnectError("connection refused"),
    httpx.ReadTimeout("timed out"),
    httpx.Response(200, text="<html>not json</html>", headers={"content-type": "text/html"}),
])
def test_a_registry_that_cannot_be_reached_shows_look_up_delayed_not_unresolved(
    django_capture_on_commit_callbacks, reference_server, answer
):
    raw = f"Younger 2013 [@doi:{YOUNGER_2013}] and some prose around it."
    post, callbacks = cite_post(django_capture_on_commit_callbacks, raw)
    reference_server.add(f"/works/{YOUNGER_2013}", answer)

    run(callbacks)

    post.refresh_from_db()
    assert post.raw == raw
    [chip] = chips(post)
    assert "cite--delayed" in chip.classes
    assert chip.text == f"[1 look-up delayed, will retry: {YOUNGER_2013}]"
    study = Study.objects.get(doi=YOUNGER_2013)
    assert study.lookup_state == LookupState.DELAYED
    assert study.lookup_error and study.lookup_attempts == 1 and study.lookup_failing_since


def test_an_outage_without_any_stub_fails_fast_and_loses_nothing(django_capture_on_commit_callbacks):
    post, callbacks = cite_post(django_capture_on_commit_callbacks, f"[@doi:{YOUNGER_2013}]")
    run(callbacks)
    assert "cite--delayed" in chips(post)[0].classes
    assert Post.objects.filter(pk=post.pk).exists()


def test_a_later_post_retries_nothing_but_a_pasted_identifier_retries_a_failed_look_up(
    django_capture_on_commit_callbacks, reference_server
):
    post, callbacks = cite_post(django_capture_on_commit_callbacks, f"[@doi:{YOUNGER_2013}]")
    run(callbacks)  # nothing queued: 404
    study = Study.objects.get(doi=YOUNGER_2013)
    assert study.is_unresolved

    reference_server.add(f"/works/{YOUNGER_2013}", crossref_response("younger2013"))
    with django_capture_on_commit_callbacks(execute=True):
        added = references_add(text=f"https://doi.org/{YOUNGER_2013}")

    assert added.studies == [study]
    study.refresh_from_db()
    assert study.lookup_state == LookupState.RESOLVED
    assert "cite--unresolved" not in chips(post)[0].classes


def test_a_pmid_is_looked_up_in_pubmed_and_enriched_from_crossref(
    django_capture_on_commit_callbacks, reference_server
):
    post, callbacks = cite_post(django_capture_on_commit_callbacks, "The INNOVA protocol [@pmid:34992118].")
    assert chips(post)[0].text == "[1 looking up PMID 34992118]"
    reference_server.add(ESUMMARY, json_response("esummary_innova2022.json"))
    reference_server.add(EFETCH, httpx.Response(404))
    reference_server.add("/works/10.1136/bmjopen-2021-055351", crossref_response("innova2022"))

    run(callbacks)

    study = Study.objects.get(pmid="34992118")
    assert study.doi == "10.1136/bmjopen-2021-055351"
    assert (study.design, study.status) == ("protocol", "protocol")
    assert study.registrations == ["NCT04739995", "2021-002534-16"]
    [chip] = chips(post)
    assert "cite--protocol" in chip.classes
    assert "Protocol: no results yet" in chip.text


def test_an_unknown_pmid_is_unresolved(django_capture_on_commit_callbacks, reference_server):
    post, callbacks = cite_post(django_capture_on_commit_callbacks, "[@pmid:99999999]")
    reference_server.add(ESUMMARY, json_response("esummary_unknown.json"))
    run(callbacks)
    assert chips(post)[0].text == "[1 unresolved reference: PMID 99999999]"


def test_a_doi_look_up_gets_the_pmid_from_pubmed(django_capture_on_commit_callbacks, reference_server):
    post, callbacks = cite_post(django_capture_on_commit_callbacks, "[@doi:10.1097/PR9.0000000000001080]")
    reference_server.add("/works/10.1097/pr9.0000000000001080", crossref_response("bested2023"))
    reference_server.add(ESEARCH, json_response("esearch_bested2023.json"))
    reference_server.add(ESUMMARY, json_response("esummary_bested2023.json"))
    reference_server.add(EFETCH, httpx.Response(200, text=fixture_text("efetch_bested2023.xml")))

    run(callbacks)

    study = Study.objects.get(doi="10.1097/pr9.0000000000001080")
    assert study.pmid == "38226027"
    assert study.design == "crossover_rct"


# --- one study per identifier -----------------------------------------------------------------

def test_doi_case_and_prefixes_lead_to_one_study(django_capture_on_commit_callbacks):
    raw = (
        f"[@doi:{YOUNGER_2013.upper()}] and https://doi.org/{YOUNGER_2013} and "
        f"[@doi:https://doi.org/{YOUNGER_2013}] and [@doi:doi:{YOUNGER_2013}] and [@{YOUNGER_2013}]"
    )
    post, _ = cite_post(django_capture_on_commit_callbacks, raw)

    study = Study.objects.get()
    assert study.doi == YOUNGER_2013
    assert post.citations.get().number == 1
    assert {chip.text for chip in chips(post)} == {f"[1 looking up {YOUNGER_2013}]"}
    for pasted in (f"doi:{YOUNGER_2013.upper()}", f"https://dx.doi.org/{YOUNGER_2013}", f" {YOUNGER_2013}. "):
        assert study_get_or_create_pending(CitationRef("doi", pasted)) == (study, False)


def test_two_posts_citing_the_same_study_share_it_and_both_fill_in(
    django_capture_on_commit_callbacks, reference_server, no_page_cache
):
    first, callbacks = cite_post(django_capture_on_commit_callbacks, f"[@doi:{YOUNGER_2013}]")
    with django_capture_on_commit_callbacks() as more:
        second = make_reply(topic=first.topic, raw=f"Also https://doi.org/{YOUNGER_2013.upper()}")
    assert Study.objects.count() == 1
    assert len(more) == 0  # the study is already pending: no second look-up

    reference_server.add(f"/works/{YOUNGER_2013}", crossref_response("younger2013"))
    run(callbacks)

    assert len(reference_server.requests_to(f"/works/{YOUNGER_2013}")) == 1
    for post in (first, second):
        assert parse(Post.objects.get(pk=post.pk).cooked).find("a", class_="cite__link").text == "[1] Crossover RCT"


def test_the_same_doi_and_pmid_found_by_different_routes_stay_one_study(reference_server):
    bested = stored_study("bested2023", pmid="38226027")
    study, created = study_get_or_create_pending(CitationRef("pmid", "38226027"))
    assert (study, created) == (bested, False)
    imported = studies_import(records=[StudyMetadata(title="Bested again", doi="https://doi.org/10.1097/PR9.0000000000001080")])
    assert imported == [bested]
    assert Study.objects.count() == 1


def test_malformed_identifiers_are_unresolved_references_and_create_nothing(django_capture_on_commit_callbacks,
                                                                           no_page_cache):
    post, callbacks = cite_post(django_capture_on_commit_callbacks, "[@doi:10.12/x] [@pmid:abc] [@nosuchkey]")
    assert Study.objects.count() == 0
    assert callbacks == []
    assert [chip.text for chip in chips(post)] == [
        "[1 unresolved reference: 10.12/x]", "[2 unresolved reference: abc]", "[3 unresolved reference: nosuchkey]",
    ]


# --- BibTeX keys and imports ------------------------------------------------------------------

BESTED_BIBTEX = r"""
@article{bested2023naltrexone,
  title={Low-dose naltrexone for treatment of pain in patients with fibromyalgia: a randomized, double-blind, placebo-controlled, crossover study},
  author={Bested, Kirsten and Jensen, Lotte M and Andresen, Trine},
  journal={PAIN Reports}, volume={8}, number={4}, pages={e1080}, year={2023},
  doi={10.1097/PR9.0000000000001080}
}
"""


def test_a_bibtex_key_citation_resolves_after_the_entry_is_imported_and_the_post_rerenders():
    topic = make_topic(raw="Bested [@bested2023naltrexone] found no benefit.")
    post = topic.posts.get()
    [chip] = chips(post)
    assert chip.text == "[1 unresolved reference: bested2023naltrexone]"

    added = references_add(text=BESTED_BIBTEX)

    assert added.problems == []
    [study] = added.studies
    assert study.bibtex_key == "bested2023naltrexone"
    [chip] = chips(post)
    assert parse(post.cooked).find("a", class_="cite__link").get("href") == study.get_absolute_url()
    assert "Crossover RCT" in chip.text
    assert post.citations.get().study == study


def test_importing_a_key_for_a_study_already_cited_by_doi_rerenders_both_kinds_of_citation(
    django_capture_on_commit_callbacks,
):
    by_doi, callbacks = cite_post(django_capture_on_commit_callbacks, "[@doi:10.1097/PR9.0000000000001080]")
    run(callbacks)  # outage: unresolved
    by_key = make_reply(topic=by_doi.topic, raw="[@bested2023naltrexone]")

    [study] = references_add(text=BESTED_BIBTEX).studies

    assert Study.objects.count() == 1
    assert study.lookup_state == LookupState.RESOLVED
    for post in (by_doi, by_key):
        assert parse(Post.objects.get(pk=post.pk).cooked).find("a", class_="cite__link").text == "[1] Crossover RCT"


def test_several_bibtex_entries_import_and_a_broken_one_is_reported_by_name():
    text = BESTED_BIBTEX + r"""
@article{younger2013crossover,
  author = {Younger, J. and Noor, N. and McCue, R. and Mackey, S.},
  title = {Low-dose naltrexone for the treatment of fibromyalgia},
  journal = {Arthritis \& Rheumatism}, year = 2013, volume = 65, number = 2, pages = {529--538},
  doi = {https://doi.org/10.1002/art.37734}
}
@article{broken2020,
  title = {Unclosed,
  year = 2020
"""
    added = references_add(text=text)

    assert sorted(s.bibtex_key for s in added.studies) == ["bested2023naltrexone", "younger2013crossover"]
    assert len(added.problems) == 1 and "broken2020" in added.problems[0]
    younger = Study.objects.get(bibtex_key="younger2013crossover")
    assert younger.doi == YOUNGER_2013
    assert younger.container_title == "Arthritis & Rheumatism"
    assert younger.metadata_source == "bibtex"


def test_ris_import():
    text = """TY  - JOUR
AU  - Younger, Jarred
AU  - Mackey, Sean
TI  - Fibromyalgia symptoms are reduced by low-dose naltrexone: a pilot study
JO  - Pain Medicine
PY  - 2009
VL  - 10
IS  - 4
SP  - 663
EP  - 672
DO  - https://doi.org/10.1111/j.1526-4637.2009.00613.x
AN  - 19453963
ER  - 
"""
    added = references_add(text=text)

    assert added.problems == []
    [study] = added.studies
    assert (study.doi, study.pmid, study.year) == ("10.1111/j.1526-4637.2009.00613.x", "19453963", 2009)
    assert study.metadata_source == "ris"
    assert study.lookup_state == LookupState.RESOLVED


@pytest.mark.parametrize("text, problem", [
    ("naltrexone works", "not a DOI, a PubMed ID, BibTeX, RIS or CSL-JSON"),
    ("NCT04739995", "cannot be looked up"),
    ("", "not a DOI"),
])
def test_things_that_cannot_be_added_are_reported_not_raised(text, problem):
    added = references_add(text=text)
    assert added.studies == []
    assert problem in added.problems[0]
    assert Study.objects.count() == 0


def test_pasting_an_identifier_creates_a_pending_study_and_schedules_its_look_up(
    django_capture_on_commit_callbacks, no_page_cache,
):
    with django_capture_on_commit_callbacks() as callbacks:
        added = references_add(text="PMID: 38226027")
    [study] = added.studies
    assert (study.pmid, study.lookup_state) == ("38226027", LookupState.PENDING)
    assert len(callbacks) == 1


def test_manual_entry_is_stored_as_given():
    [study] = studies_import(records=[StudyMetadata(
        title="Naltrexone 6 mg once daily versus placebo in women with fibromyalgia: a randomised, "
              "double-blind, placebo-controlled trial",
        authors=[{"family": "Bruun", "given": "KD"}], container_title="Lancet Rheumatology", year=2024,
        doi="10.1016/S2665-9913(23)00278-3", registrations=["NCT04270877"], source="manual",
    )])
    assert study.doi == "10.1016/s2665-9913(23)00278-3"
    assert study.metadata_source == "manual"
    assert study.design == "rct" and study.status == "published"
    assert cite_markup(study) == "[@doi:10.1016/S2665-9913(23)00278-3]"


# --- moderator corrections --------------------------------------------------------------------

def test_a_moderator_edit_keeps_a_revision_and_an_audit_entry_and_rerenders_citing_posts(moderator):
    study = stored_study("younger2009")
    post = make_topic(raw="[@doi:10.1111/j.1526-4637.2009.00613.x]").posts.get()
    before = dict(study.metadata)
    metadata = study.as_metadata()
    metadata.title = "Fibromyalgia symptoms are reduced by low-dose naltrexone: a pilot study (corrected)"

    study_edit(editor=moderator, study=study, metadata=metadata, design_override="case_report",
               reason="Only ten patients")

    latest, previous = StudyRevision.objects.filter(study=study)[:2]
    assert previous.snapshot["metadata"] == before and previous.snapshot["design_override"] == ""
    assert latest.snapshot["title"].endswith("(corrected)") and latest.snapshot["design_override"] == "case_report"
    assert (latest.edited_by, latest.source, latest.reason) == (moderator, "moderator", "Only ten patients")
    entry = ModerationAction.objects.get(action="study_edit")
    assert (entry.actor, entry.reason, entry.details["study"]) == (moderator, "Only ten patients", study.pk)
    study.refresh_from_db()
    assert study.title.endswith("(corrected)")
    assert study.effective_design == "case_report"
    post.refresh_from_db()
    assert parse(post.cooked).find("a", class_="cite__link").text == "[1] Case report"
    assert "(corrected)" in parse(post.cooked).find("span", class_="cite-card__title").text


def test_an_override_beats_the_classification_and_survives_a_metadata_refresh(moderator, reference_server):
    study = stored_study("younger2013")
    assert study.design == "crossover_rct"
    study_edit(editor=moderator, study=study, metadata=study.as_metadata(), design_override="nonrandomised_trial",
               status_override="corrected")
    reference_server.add(f"/works/{YOUNGER_2013}", crossref_response("younger2013"))

    study_look_up(study_id=study.pk, use_cache=False)

    study.refresh_from_db()
    assert study.design == "crossover_rct"  # the automatic verdict is still recorded
    assert (study.effective_design, study.effective_status) == ("nonrandomised_trial", "corrected")
    assert study.design_label == "Non-randomised trial"
    assert list(Study.objects.filter(pk=study.pk).strongest_first().values_list("design_rank", flat=True)) == [3]


def test_each_edit_that_changes_something_adds_a_revision(moderator):
    study = stored_study("bruun2024")
    for reason in ("first", "second"):
        metadata = study.as_metadata()
        metadata.volume = reason
        study_edit(editor=moderator, study=study, metadata=metadata, reason=reason)
    study_edit(editor=moderator, study=study, metadata=study.as_metadata(), reason="nothing changed")
    assert list(study.revisions.filter(edited_by=moderator).values_list("reason", flat=True)) == ["second", "first"]


def test_members_cannot_edit_studies(member):
    study = stored_study("bruun2024")
    metadata = study.as_metadata()
    metadata.title = "Vandalised"
    with pytest.raises(PermissionDenied):
        study_edit(editor=member, study=study, metadata=metadata, design_override="systematic_review")
    study.refresh_from_db()
    assert study.title != "Vandalised" and study.design_override == ""
    assert not StudyRevision.objects.filter(edited_by=member).exists()


# --- markup from Crossref ---------------------------------------------------------------------

def test_markup_in_a_crossref_record_is_escaped_in_chips_and_on_the_study_page(
    client, django_capture_on_commit_callbacks, reference_server
):
    post, callbacks = cite_post(django_capture_on_commit_callbacks, "[@doi:10.5555/evident-markup]")
    reference_server.add("/works/10.5555/evident-markup", crossref_response("synthetic_markup"))
    run(callbacks)

    post.refresh_from_db()
    cooked = parse(post.cooked)
    assert "script" not in cooked.tags
    title = cooked.find("span", class_="cite-card__title")
    assert title.text == "Effect of Naltrexone on CO2 & pain" and title.children == []
    assert "Effect of Naltrexone on CO2 & pain" in cooked.find("section", class_="references").text
    assert "alert" not in post.cooked

    study = Study.objects.get(doi="10.5555/evident-markup")
    response = client.get(study.get_absolute_url())
    page = parse(response.content.decode())
    assert all(script.get("src") for script in page.find_all("script"))
    assert "alert(" not in response.content.decode()
    assert page.find("h1", id="study-title").text == "Effect of Naltrexone on CO2 & pain"
    assert "First paragraph with italics & an entity here." in page.text
    assert "Müller" in page.find("p", class_="study__authors").text


def test_a_hand_entered_title_with_markup_is_escaped_everywhere(client, moderator):
    study = stored_study("bruun2024")
    metadata = study.as_metadata()
    metadata.title = '<script>alert("t")</script><img src=x onerror=alert(1)>'
    study_edit(editor=moderator, study=study, metadata=metadata)
    post = make_topic(raw="[@doi:10.1016/S2665-9913(23)00278-3]").posts.get()

    cooked = parse(post.cooked)
    assert {"script", "img"}.isdisjoint(cooked.tags)
    assert cooked.find("span", class_="cite-card__title").text == metadata.title
    page = parse(client.get(study.get_absolute_url()).content.decode())
    assert page.find("h1", id="study-title").text == metadata.title
    assert not [img for img in page.find_all("img") if img.get("src") == "x"]
    assert page.find("meta", name="citation_title").get("content") == metadata.title


# --- citations follow the post's text ---------------------------------------------------------

def test_editing_a_post_updates_what_it_cites(member):
    bested, bruun = stored_study("bested2023"), stored_study("bruun2024")
    topic = make_topic(author=member, raw="[@doi:10.1097/PR9.0000000000001080]")
    post = topic.posts.get()

    post_edit(editor=member, post=post, raw="Actually [@doi:10.1016/S2665-9913(23)00278-3] and [@doi:10.1097/pr9.0000000000001080]")

    assert list(Citation.objects.filter(post=post).values_list("study", "number")) == [(bruun.pk, 1), (bested.pk, 2)]


# --- stances --------------------------------------------------------------------------------

def test_the_stance_is_stored_on_the_citation_and_follows_edits(django_capture_on_commit_callbacks, member):
    bested = stored_study("bested2023")
    post, _ = cite_post(django_capture_on_commit_callbacks,
                        f"Null [@doi:{bested.doi} contradicts], again [@pmid:{bested.pmid} supports].", author=member)
    # One study cited twice: each chip shows what it says, the row keeps the first stance.
    assert [chip.get("data-stance") for chip in chips(post)] == ["contradicts", "supports"]
    assert list(Citation.objects.filter(post=post).values_list("stance", flat=True)) == ["contradicts"]
    with django_capture_on_commit_callbacks(execute=True):
        post_edit(editor=member, post=post, raw=f"Only mentioned [@doi:{bested.doi}].")
    assert list(Citation.objects.filter(post=post).values_list("stance", flat=True)) == [""]
