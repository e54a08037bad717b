"""Only real notices are notices. A Crossref record whose `update-to` is a `new_version` of
itself (the shape of real PLOS records) is the article, not "a work that updates another"."""

import pytest

from forum.evidence.referencing import study_get_or_create_pending, study_look_up
from forum.markup.citations import CitationRef
from forum.references.classification import Design, classify_design
from forum.references.crossref import parse_work
from tests.forum.references.conftest import fixture_json
from tests.forum.study_data import crossref_response
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

OWN_DOI = "10.5555/evident.pone.0001234"


def looked_up(reference_server, doi: str, fixture: str):
    study, _ = study_get_or_create_pending(CitationRef("doi", doi))
    reference_server.add(f"/works/{doi}", crossref_response(fixture))
    return study_look_up(study_id=study.pk, use_cache=False)


def why_summary(client, study) -> str:
    html = parse(client.get(study.get_absolute_url()).content)
    return " ".join(html.find("summary").text.split())


def test_a_new_version_of_itself_is_the_article_not_a_notice(reference_server, client):
    study = looked_up(reference_server, OWN_DOI, "synthetic_new_version_self")

    assert study.effective_design != Design.NOTICE.value
    assert why_summary(client, study) == "Why “RCT”?"
    page = " ".join(parse(client.get(study.get_absolute_url()).content).find("article").text.split())
    assert "not a study" not in page
    assert study.status_facts == []


@pytest.mark.parametrize("update_type", ["new_version", "new_edition", "addendum", "clarification"])
def test_updates_that_are_not_notices_do_not_make_a_notice(update_type):
    payload = fixture_json("crossref_synthetic_new_version_self.json")["message"]
    payload["update-to"][0].update(type=update_type, DOI="10.5555/some-other-work")
    assert classify_design(parse_work(payload)) is not Design.NOTICE


@pytest.mark.parametrize("update_type", ["retraction", "correction", "erratum", "corrigendum",
                                         "expression_of_concern", "withdrawal", "removal", "partial_retraction"])
def test_real_notices_about_another_work_stay_notices(update_type):
    payload = fixture_json("crossref_synthetic_new_version_self.json")["message"]
    payload["title"] = ["Notice about an earlier article"]
    payload["update-to"][0].update(type=update_type, DOI="10.5555/some-other-work")
    assert classify_design(parse_work(payload)) is Design.NOTICE
