from io import StringIO

import httpx
import pytest
from django.core.management import call_command

from forum.models import LookupState, Study
from tests.factories import make_topic
from tests.forum.study_data import crossref_response, stored_study
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

RETRACTED_DOI = "10.5555/evident-retracted"


def refresh(*args) -> str:
    out = StringIO()
    call_command("refresh_studies", "--pause=0", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_retraction_found_on_refresh_marks_the_study_rerenders_citing_posts_and_is_reported(reference_server):
    study = stored_study("synthetic_retracted", updated_by=[])
    assert study.status == "published"
    post = make_topic(raw=f"A trial [@doi:{RETRACTED_DOI}] says so.").posts.get()
    assert "cite--retracted" not in parse(post.cooked).find("span", class_="cite").classes
    reference_server.add(f"/works/{RETRACTED_DOI}", crossref_response("synthetic_retracted"))

    output = refresh()

    study.refresh_from_db()
    assert study.status == "retracted"
    assert study.as_metadata().updated_by[0]["type"] == "retraction"
    post.refresh_from_db()
    chip = parse(post.cooked).find("span", class_="cite")
    assert "cite--retracted" in chip.classes
    assert "Retracted" in chip.text
    assert "Checked 1 study: 0 could not be reached, 1 newly retracted." in output
    assert f"retracted: A randomised trial that was later retracted ({RETRACTED_DOI})" in output


def test_refresh_bypasses_the_cache(reference_server):
    stored_study("synthetic_retracted", updated_by=[])
    reference_server.add(f"/works/{RETRACTED_DOI}", crossref_response("synthetic_retracted"))
    refresh()
    refresh()
    assert len(reference_server.requests_to(f"/works/{RETRACTED_DOI}")) == 2


@pytest.mark.parametrize("answer", [httpx.Response(503), httpx.ConnectError("refused"), httpx.Response(404)])
def test_an_outage_keeps_the_metadata_we_have(reference_server, answer):
    study = stored_study("younger2013")
    post = make_topic(raw="[@doi:10.1002/art.37734]").posts.get()
    cooked = post.cooked
    reference_server.add("/works/10.1002/art.37734", answer)

    output = refresh()

    study.refresh_from_db()
    assert study.lookup_state == LookupState.RESOLVED
    assert (study.title[:28], study.year, study.design) == ("Low-dose naltrexone for the ", 2013, "crossover_rct")
    assert study.lookup_error
    post.refresh_from_db()
    assert post.cooked == cooked
    assert "Checked 1 study: 1 could not be reached, 0 newly retracted." in output


def test_only_failed_retries_studies_whose_look_up_failed(reference_server):
    stored_study("younger2013")
    failed = Study.objects.create(doi="10.1097/pr9.0000000000001080", lookup_state=LookupState.FAILED,
                                  lookup_error="timed out")
    post = make_topic(raw="[@doi:10.1097/PR9.0000000000001080]").posts.get()
    assert "cite--unresolved" in parse(post.cooked).find("span", class_="cite").classes
    reference_server.add("/works/10.1097/pr9.0000000000001080", crossref_response("bested2023"))

    output = refresh("--only-failed")

    assert reference_server.requests_to("/works/10.1002/art.37734") == []
    failed.refresh_from_db()
    assert failed.lookup_state == LookupState.RESOLVED and failed.design == "crossover_rct"
    post.refresh_from_db()
    assert parse(post.cooked).find("a", class_="cite__link").text == "[1] Crossover RCT"
    assert "Checked 1 study" in output


def test_studies_without_a_doi_or_pmid_are_not_checked(reference_server):
    from forum.references.metadata import StudyMetadata
    from forum.evidence.referencing import studies_import

    studies_import(records=[StudyMetadata(title="A book chapter", bibtex_key="chapter2020", source="bibtex")])
    assert "Checked 0 studies" in refresh()
    assert reference_server.requests == []
