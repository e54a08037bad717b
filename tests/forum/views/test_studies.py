"""Study pages, exports, adding references without JavaScript, the composer's resolve endpoint,
moderator corrections, and the Evidence panel on topics."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.discussion.deleting import post_delete
from forum.evidence.referencing import studies_import
from forum.models import LookupState, Study, StudyRevision
from forum.references.bibtex import parse_bibtex
from forum.references.metadata import StudyMetadata
from forum.references.ris import parse_ris
from tests.factories import UserFactory, make_reply, make_topic
from tests.forum.study_data import VERIFIED, stored_study
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db

BRUUN_DOI = "10.1016/S2665-9913(23)00278-3"


def page(response):
    return parse(response.content.decode())


def meta(html, name: str) -> list[str]:
    return [element.get("content") for element in html.find_all("meta", name=name)]


@pytest.fixture
def verified():
    """The five verified studies, resolved, by fixture name; Bested with its PMID and key."""
    studies = {name: stored_study(name) for name in VERIFIED if name != "bested2023"}
    studies["bested2023"] = stored_study("bested2023", pmid="38226027", bibtex_key="bested2023naltrexone")
    return studies


# --- the study page ---------------------------------------------------------------------------

def test_study_page_shows_metadata_identifiers_and_chips(client, verified):
    innova = verified["innova2022"]

    html = page(client.get(innova.get_absolute_url()))

    assert html.find("h1", id="study-title").text.startswith("Study protocol for a randomised, double-blinded")
    assert "BMJ Open" in html.find("p", class_="study__venue").text
    assert "2022;12(1):e055351" in html.find("p", class_="study__venue").text
    assert "Colomer-Carbonell" in html.find("p", class_="study__authors").text
    chips = html.find("p", class_="study__chips")
    assert [c.text for c in chips.children] == ["Protocol", "Protocol: no results yet"]
    assert "Protocol: no results yet." in html.find("p", class_="notice").text
    links = {a.text: a.get("href") for a in html.find("dl", class_="study__ids").children[0].children[1].children}
    assert links == {"10.1136/bmjopen-2021-055351": "https://doi.org/10.1136/bmjopen-2021-055351"}
    hrefs = [a.get("href") for a in html.find_all("a")]
    assert "https://clinicaltrials.gov/study/NCT04739995" in hrefs
    assert "2021-002534-16" in html.find("dl", class_="study__ids").text
    assert "[@doi:10.1136/bmjopen-2021-055351]" in html.find("dl", class_="study__ids").text


def test_study_page_links_to_pubmed_and_keeps_brackets_in_doi_links(client, verified):
    bested = page(client.get(verified["bested2023"].get_absolute_url()))
    assert "https://pubmed.ncbi.nlm.nih.gov/38226027/" in [a.get("href") for a in bested.find_all("a")]
    assert "bested2023naltrexone" in bested.find("dl", class_="study__ids").text

    bruun = page(client.get(verified["bruun2024"].get_absolute_url()))
    assert f"https://doi.org/{BRUUN_DOI}" in [a.get("href") for a in bruun.find_all("a")]
    assert "https://clinicaltrials.gov/study/NCT04270877" in [a.get("href") for a in bruun.find_all("a")]


def test_study_page_has_highwire_citation_meta_tags(client, verified):
    bested = verified["bested2023"]

    html = page(client.get(bested.get_absolute_url()))

    assert meta(html, "citation_title") == [bested.title]
    assert meta(html, "citation_doi") == ["10.1097/PR9.0000000000001080"]
    authors = meta(html, "citation_author")
    assert authors[0] == "Bested, Kirsten" and len(authors) == len(bested.as_metadata().authors)
    assert meta(html, "citation_publication_date") == ["2023"]
    assert meta(html, "citation_journal_title") == ["PAIN Reports"]
    assert meta(html, "citation_pmid") == ["38226027"]


def test_study_page_lists_every_topic_citing_it_but_not_deleted_ones(client, member, moderator, verified):
    by_question = make_topic(title="LDN for fibromyalgia?", raw="[@doi:10.1002/art.37734]")
    by_reply = make_topic(title="Naltrexone and sleep")
    make_reply(topic=by_reply, raw="See https://doi.org/10.1002/art.37734.")
    deleted_topic = make_topic(title="A topic deleted later", author=member, raw="[@doi:10.1002/art.37734]")
    post_delete(actor=member, post=deleted_topic.posts.get())
    deleted_reply_topic = make_topic(title="Only a deleted reply cites it")
    reply = make_reply(topic=deleted_reply_topic, author=member, raw="[@doi:10.1002/art.37734]")
    post_delete(actor=member, post=reply)
    make_topic(title="Cites something else", raw=f"[@doi:{BRUUN_DOI}]")

    html = page(client.get(verified["younger2013"].get_absolute_url()))

    titles = [li.children[0].text for li in html.find("ul", class_="study__topics").children]
    assert sorted(titles) == ["LDN for fibromyalgia?", "Naltrexone and sleep"]


def test_a_much_cited_study_lists_the_topics_of_its_latest_citations(client, verified, monkeypatch):
    monkeypatch.setattr("forum.evidence.views.studies.TOPICS_SHOWN", 2)
    oldest = make_topic(title="First to cite it", raw="[@doi:10.1002/art.37734]")
    make_topic(title="Second to cite it", raw="[@doi:10.1002/art.37734]")
    make_topic(title="Third to cite it", raw="[@doi:10.1002/art.37734]")
    make_reply(topic=oldest, raw="Cited again, today: [@doi:10.1002/art.37734]")

    html = page(client.get(verified["younger2013"].get_absolute_url()))

    titles = [li.children[0].text for li in html.find("ul", class_="study__topics").children]
    assert sorted(titles) == ["First to cite it", "Third to cite it"]


def test_a_study_nobody_cites_says_so(client, verified):
    html = page(client.get(verified["younger2009"].get_absolute_url()))
    assert html.find("p", class_="empty").text == "No topic cites this study yet."


def test_a_pending_study_page_says_it_is_looking_up(client):
    study = Study.objects.create(doi="10.1002/art.37734", lookup_state=LookupState.PENDING)
    html = page(client.get(study.get_absolute_url()))
    assert html.find("h1", id="study-title").text == "10.1002/art.37734"
    assert "Looking up the details of 10.1002/art.37734" in html.find("p", role="status").text


def test_an_unknown_study_is_not_found(client):
    assert client.get(reverse("forum:study", args=[999999])).status_code == 404


def test_the_summary_json(client, verified):
    innova = verified["innova2022"]
    data = client.get(reverse("forum:study_json", args=[innova.pk])).json()
    assert data == {
        "id": innova.pk, "url": innova.get_absolute_url(), "state": "resolved",
        "identifier": "10.1136/bmjopen-2021-055351", "title": innova.title, "journal": "BMJ Open",
        "year": 2022, "design": "protocol", "design_label": "Protocol", "status": "protocol",
        "status_label": "Protocol: no results yet", "warning": "", "cite": "[@doi:10.1136/bmjopen-2021-055351]",
    }


# --- exports ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, content_type", [
    ("bib", "application/x-bibtex; charset=utf-8"),
    ("ris", "application/x-research-info-systems; charset=utf-8"),
    ("json", "application/vnd.citationstyles.csl+json; charset=utf-8"),
])
def test_exports_are_downloads_of_the_right_type(client, verified, fmt, content_type):
    study = verified["bruun2024"]
    response = client.get(reverse("forum:study_export", args=[study.pk, fmt]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="study-{study.pk}.{fmt}"'


def test_an_unknown_export_format_is_not_found(client, verified):
    assert client.get(reverse("forum:study_export", args=[verified["bruun2024"].pk, "docx"])).status_code == 404


def _essentials(metadata: StudyMetadata) -> tuple:
    authors = [(a.get("family", ""), a.get("given", ""), a.get("literal", "")) for a in metadata.authors]
    return metadata.title, authors, metadata.year, metadata.doi.lower()


@pytest.mark.parametrize("name", VERIFIED + ["synthetic_markup"])
@pytest.mark.parametrize("fmt, parser", [("bib", parse_bibtex), ("ris", parse_ris)])
def test_export_then_reimport_gives_the_same_study(client, name, fmt, parser):
    study = stored_study(name)

    text = client.get(reverse("forum:study_export", args=[study.pk, fmt])).content.decode()
    [again], problems = parser(text)

    assert problems == []
    assert _essentials(again) == _essentials(study.as_metadata())
    assert studies_import(records=[again]) == [study]
    assert Study.objects.count() == 1


def test_csl_json_export(client, verified):
    study = verified["bruun2024"]
    [item] = json.loads(client.get(reverse("forum:study_export", args=[study.pk, "json"])).content)
    assert item["id"] == f"study-{study.pk}"
    assert item["title"] == study.title
    assert item["DOI"].lower() == BRUUN_DOI.lower()
    assert item["issued"]["date-parts"][0][0] == 2024
    assert item["author"][0]["family"] == "Bruun"


def test_topic_bibliography_downloads_every_cited_study(client, verified):
    topic = make_topic(raw="[@doi:10.1136/bmjopen-2021-055351] [@bested2023naltrexone]")
    make_reply(topic=topic, raw=f"https://doi.org/{BRUUN_DOI}")

    bib = client.get(reverse("forum:topic_bibliography", args=[topic.pk, "bib"]))
    ris = client.get(reverse("forum:topic_bibliography", args=[topic.pk, "ris"]))

    assert bib["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert bib["Content-Disposition"] == f'attachment; filename="topic-{topic.pk}-references.bib"'
    entries, problems = parse_bibtex(bib.content.decode())
    assert problems == []
    assert [e.doi.lower() for e in entries] == [BRUUN_DOI.lower(), "10.1097/pr9.0000000000001080",
                                                "10.1136/bmjopen-2021-055351"]  # strongest first
    assert "bested2023naltrexone" in [e.bibtex_key for e in entries]
    records, problems = parse_ris(ris.content.decode())
    assert problems == [] and len(records) == 3


def test_topic_bibliography_of_a_hidden_topic_or_unknown_format_is_not_found(client, member, verified):
    topic = make_topic(author=member, raw="[@doi:10.1002/art.37734]")
    assert client.get(reverse("forum:topic_bibliography", args=[topic.pk, "json"])).status_code == 404
    post_delete(actor=member, post=topic.posts.get())
    assert client.get(reverse("forum:topic_bibliography", args=[topic.pk, "bib"])).status_code == 404


# --- the studies index ------------------------------------------------------------------------

def listed(client, **params) -> list[str]:
    html = page(client.get(reverse("forum:studies"), params))
    return [a.text for a in html.find_all("a", class_="study-list__title")]


def test_index_lists_strongest_designs_first(client, verified):
    titles = listed(client)
    assert [title[:20] for title in titles] == [
        verified[name].title[:20] for name in ("bruun2024", "bested2023", "younger2013", "younger2009", "innova2022")
    ]


@pytest.mark.parametrize("query, expected", [
    ("crossover", {"bested2023", "younger2013"}),
    ("LANCET", {"bruun2024"}),
    ("10.1002/ART.37734", {"younger2013"}),
    ("38226027", {"bested2023"}),
    ("bested2023naltrexone", {"bested2023"}),
    ("homeopathy", set()),
])
def test_index_search(client, verified, query, expected):
    titles = set(listed(client, q=query))
    assert titles == {verified[name].title for name in expected}


def test_index_filters_by_design_and_status(client, verified):
    retracted = stored_study("synthetic_retracted")
    assert set(listed(client, design="crossover_rct")) == {verified["bested2023"].title, verified["younger2013"].title}
    assert listed(client, status="protocol") == [verified["innova2022"].title]
    assert listed(client, status="retracted") == [retracted.title]
    assert listed(client, design="rct", status="retracted") == [retracted.title]
    assert len(listed(client, design="not-a-design")) == 6


def test_index_filters_respect_moderator_overrides(client, verified, moderator):
    from forum.evidence.referencing import study_edit

    younger = verified["younger2009"]
    study_edit(editor=moderator, study=younger, metadata=younger.as_metadata(), design_override="case_report")
    assert listed(client, design="case_report") == [younger.title]
    assert younger.title not in listed(client, design="nonrandomised_trial")


def test_index_shows_no_studies_match(client):
    assert page(client.get(reverse("forum:studies"), {"q": "nothing"})).find("p", class_="empty").text == "No studies match."


# --- adding references without JavaScript ----------------------------------------------------

def test_adding_needs_an_account(client):
    response = client.get(reverse("forum:study_add"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_pasting_a_doi_leads_to_its_pending_study_page(member_client, django_capture_on_commit_callbacks, no_page_cache):
    with django_capture_on_commit_callbacks() as callbacks:
        response = member_client.post(reverse("forum:study_add"), {"text": "https://doi.org/10.1002/ART.37734"})

    study = Study.objects.get(doi="10.1002/art.37734")
    assert response.status_code == 302 and response["Location"] == study.get_absolute_url()
    assert study.lookup_state == LookupState.PENDING
    assert len(callbacks) == 1
    html = page(member_client.get(response["Location"]))
    assert "Looking up the details of 10.1002/art.37734" in html.text


def test_pasting_one_bibtex_entry_leads_to_its_study(member_client):
    bibtex = "@article{younger2013, title={Low-dose naltrexone for fibromyalgia}, year={2013}, doi={10.1002/art.37734}}"
    response = member_client.post(reverse("forum:study_add"), {"text": bibtex})
    study = Study.objects.get(bibtex_key="younger2013")
    assert response.status_code == 302 and response["Location"] == study.get_absolute_url()


def test_pasting_several_entries_lists_them_and_reports_the_broken_one(member_client):
    text = (
        "@article{one2020, title={First study}, year={2020}}\n"
        "@article{two2021, title={Second study}, year={2021}}\n"
        "@article{broken2020,\n  title = {Unclosed,\n  year = 2020\n"
    )
    response = member_client.post(reverse("forum:study_add"), {"text": text})

    assert response.status_code == 200
    html = page(response)
    added = html.find("section", role="status")
    assert [a.text for a in added.children[1].children] == ["First study", "Second study"]
    assert "broken2020" in html.find("section", role="alert").text


@pytest.mark.parametrize("text, message", [
    ("naltrexone works wonders", "That is not a DOI, a PubMed ID, BibTeX, RIS or CSL-JSON."),
    ("NCT04739995", "NCT numbers cannot be looked up yet"),
])
def test_pasting_garbage_is_a_400_with_a_clear_message_and_the_text_kept(member_client, text, message):
    response = member_client.post(reverse("forum:study_add"), {"text": text})

    assert response.status_code == 400
    html = page(response)
    assert message in html.find("section", role="alert").text
    assert html.find("textarea", name="text").text.strip() == text
    assert Study.objects.count() == 0


def test_pasting_nothing_is_a_400_asking_for_input(member_client):
    response = member_client.post(reverse("forum:study_add"), {"text": "  "})
    assert response.status_code == 400
    assert "Paste an identifier or a reference first." in page(response).text


def test_manual_entry_creates_a_study(member_client):
    response = member_client.post(reverse("forum:study_add"), {
        "manual-title": "Naltrexone 6 mg once daily versus placebo in women with fibromyalgia: a randomised, "
                        "double-blind, placebo-controlled trial",
        "manual-authors": "Bruun, KD\nChristensen, R\nThe INNOVA group",
        "manual-container_title": "Lancet Rheumatology", "manual-year": "2024", "manual-volume": "6",
        "manual-issue": "1", "manual-pages": "e31-e39", "manual-doi": BRUUN_DOI,
        "manual-registrations": "NCT04270877", "manual-pmid": "", "manual-url": "", "manual-abstract": "",
    })

    study = Study.objects.get()
    assert response.status_code == 302 and response["Location"] == study.get_absolute_url()
    assert study.doi == BRUUN_DOI.lower() and study.year == 2024
    assert study.registrations == ["NCT04270877"]
    assert study.as_metadata().authors == [
        {"family": "Bruun", "given": "KD"}, {"family": "Christensen", "given": "R"}, {"literal": "The INNOVA group"},
    ]
    assert (study.design, study.metadata_source) == ("rct", "manual")


def test_manual_entry_errors_keep_what_was_typed(member_client):
    response = member_client.post(reverse("forum:study_add"), {
        "manual-title": "", "manual-container_title": "Lancet Rheumatology", "manual-year": "24",
        "manual-doi": "not-a-doi", "manual-pmid": "PMID twelve", "manual-authors": "Bruun, KD",
    })

    assert response.status_code == 400
    html = page(response)
    assert "open" in html.find("details", class_="manual-entry").attrs
    assert html.find("input", name="manual-container_title").get("value") == "Lancet Rheumatology"
    assert html.find("input", name="manual-doi").get("value") == "not-a-doi"
    assert html.find("textarea", name="manual-authors").text.strip() == "Bruun, KD"
    errors = " ".join(div.text for div in html.find_all("div", class_="field__errors"))
    assert "That is not a DOI" in errors and "A PubMed ID is a number" in errors
    assert "This field is required." in errors
    assert Study.objects.count() == 0


# --- the composer's resolve endpoint ---------------------------------------------------------

def test_looking_up_a_doi_stores_nothing_and_inserting_it_starts_the_look_up(
        member_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = member_client.post(reverse("forum:study_resolve"), {"text": "doi:10.1002/art.37734"})

    assert response.status_code == 200
    data = response.json()
    assert data["problems"] == []
    [study] = data["studies"]
    assert (study["state"], study["cite"]) == ("new", "[@doi:10.1002/art.37734]")
    assert not Study.objects.exists() and callbacks == []

    with django_capture_on_commit_callbacks():
        response = member_client.post(reverse("forum:study_resolve"),
                                      {"text": "doi:10.1002/art.37734", "commit": "1"})
    [study] = response.json()["studies"]
    assert study["state"] == "pending"
    assert study["cite"] == "[@doi:10.1002/art.37734]"
    assert study["url"] == Study.objects.get().get_absolute_url()
    assert set(study) == {"id", "url", "state", "identifier", "title", "journal", "year", "design",
                          "design_label", "status", "status_label", "warning", "cite"}


def test_resolve_a_known_study_gives_its_metadata(member_client, verified):
    data = member_client.post(reverse("forum:study_resolve"), {"text": "38226027"}).json()
    [study] = data["studies"]
    assert (study["id"], study["design"], study["year"]) == (verified["bested2023"].pk, "crossover_rct", 2023)
    assert study["cite"] == "[@doi:10.1097/PR9.0000000000001080]"


def test_resolve_bibtex_with_a_broken_entry_gives_studies_and_problems(member_client):
    text = "@article{good2020, title={A good entry}, year={2020}}\n@article{broken2020,\n title = {Unclosed,\n"
    response = member_client.post(reverse("forum:study_resolve"), {"text": text})
    assert response.status_code == 200
    data = response.json()
    assert [s["cite"] for s in data["studies"]] == ["[@good2020]"]
    assert len(data["problems"]) == 1 and "broken2020" in data["problems"][0]


@pytest.mark.parametrize("text, problem", [
    ("", "Paste an identifier or a reference first."),
    ("naltrexone works wonders", "That is not a DOI, a PubMed ID, BibTeX, RIS or CSL-JSON."),
])
def test_resolve_rejects_what_it_cannot_read_with_400(member_client, text, problem):
    response = member_client.post(reverse("forum:study_resolve"), {"text": text})
    assert response.status_code == 400
    assert response.json() == {"studies": [], "problems": [problem]}


def test_resolve_is_post_only_and_for_members(client, member_client):
    assert member_client.get(reverse("forum:study_resolve")).status_code == 405
    client.logout()
    response = client.post(reverse("forum:study_resolve"), {"text": "10.1002/art.37734"})
    assert response.status_code == 302
    assert Study.objects.count() == 0


# --- moderator edits -------------------------------------------------------------------------

def edit_data(study, **changes) -> dict:
    from forum.evidence.study_forms import StudyForm

    data = {k: ("" if v is None else v) for k, v in StudyForm.initial_from(study.as_metadata()).items()}
    data.update(design_override="", status_override="", reason="")
    data.update(changes)
    return data


def test_members_may_not_open_or_post_the_edit_page(member_client, verified):
    study = verified["younger2009"]
    url = reverse("forum:study_edit", args=[study.pk])
    assert member_client.get(url).status_code == 403
    assert member_client.post(url, edit_data(study, title="Vandalised")).status_code == 403
    study.refresh_from_db()
    assert study.title != "Vandalised"
    assert not StudyRevision.objects.filter(edited_by__isnull=False).exists()


def test_the_edit_page_is_prefilled_and_opening_it_writes_nothing(client, moderator, verified):
    client.force_login(moderator)
    study = verified["younger2013"]
    updated_at = study.updated_at

    html = page(client.get(reverse("forum:study_edit", args=[study.pk])))

    assert html.find("textarea", name="title").text.strip() == study.title
    assert html.find("input", name="registrations").get("value") == "NCT00568555"
    assert not StudyRevision.objects.filter(edited_by__isnull=False).exists()
    study.refresh_from_db()
    assert study.updated_at == updated_at


def test_a_moderator_edit_is_saved_with_history_shown_on_the_study_page(client, moderator, verified):
    client.force_login(moderator)
    study = verified["younger2009"]

    response = client.post(reverse("forum:study_edit", args=[study.pk]),
                           edit_data(study, design_override="case_report", reason="Ten patients, no control"))

    assert response.status_code == 302 and response["Location"] == study.get_absolute_url()
    study.refresh_from_db()
    assert study.effective_design == "case_report"
    html = page(client.get(study.get_absolute_url()))
    assert [c.text for c in html.find("p", class_="study__chips").children] == ["Case report"]
    assert html.find("h2", id="history-heading").text == "History"
    history = page(client.get(reverse("forum:study_history", args=[study.pk])))
    assert "Ten patients, no control" in history.text
    assert StudyRevision.objects.filter(study=study).first().edited_by == moderator


def test_an_invalid_edit_is_a_400_and_changes_nothing(client, moderator, verified):
    client.force_login(moderator)
    study = verified["younger2009"]
    response = client.post(reverse("forum:study_edit", args=[study.pk]), edit_data(study, title="", doi="nope"))
    assert response.status_code == 400
    assert not StudyRevision.objects.filter(edited_by__isnull=False).exists()
    study.refresh_from_db()
    assert study.title


# --- the Evidence panel ------------------------------------------------------------------------

def evidence(client, topic) -> list:
    html = page(client.get(topic.get_absolute_url()))
    return html.find_all("li", class_="evidence__item")


def test_evidence_panel_lists_strongest_designs_first_and_flags_protocols_and_retractions(client, verified):
    retracted = stored_study("synthetic_retracted")
    topic = make_topic(raw="INNOVA [@doi:10.1136/bmjopen-2021-055351] and the pilot "
                           "[@doi:10.1111/j.1526-4637.2009.00613.x].")
    make_reply(topic=topic, raw="[@doi:10.1002/art.37734] [@bested2023naltrexone] "
                                f"https://doi.org/{BRUUN_DOI} [@doi:10.5555/evident-retracted]")
    make_reply(topic=topic, raw="Bested again [@pmid:38226027] and Younger 2013 [@doi:10.1002/art.37734].")

    items = evidence(client, topic)

    order = [item.children[0].get("href") for item in items]
    assert order == [s.get_absolute_url() for s in (
        verified["bruun2024"], retracted, verified["bested2023"], verified["younger2013"],
        verified["younger2009"], verified["innova2022"],
    )]
    flagged = [item.children[0].get("href") for item in items if "evidence__item--flagged" in item.classes]
    assert flagged == [retracted.get_absolute_url(), verified["innova2022"].get_absolute_url()]
    by_url = {item.children[0].get("href"): item for item in items}
    assert "Retracted" in by_url[retracted.get_absolute_url()].text
    assert "Protocol: no results yet" in by_url[verified["innova2022"].get_absolute_url()].text
    bested = by_url[verified["bested2023"].get_absolute_url()]
    assert "PAIN Reports · 2023 · cited in 2 posts" in bested.text
    assert "Crossover RCT" in bested.text
    assert "cited in 1 post" in by_url[verified["bruun2024"].get_absolute_url()].text
    heading = page(client.get(topic.get_absolute_url())).find("h2", id="evidence-heading")
    assert heading.text.startswith("Evidence (6 studies cited")


def test_evidence_panel_ignores_deleted_posts_and_is_absent_without_citations(client, member, verified):
    topic = make_topic(raw="No citations here.")
    reply = make_reply(topic=topic, author=member, raw="[@doi:10.1002/art.37734]")
    assert len(evidence(client, topic)) == 1

    post_delete(actor=member, post=reply)

    assert evidence(client, topic) == []
    assert not page(client.get(topic.get_absolute_url())).find_all("section", class_="evidence")


def test_evidence_panel_links_the_topic_bibliography(client, verified):
    topic = make_topic(raw="[@doi:10.1002/art.37734]")
    html = page(client.get(topic.get_absolute_url()))
    links = [a.get("href") for a in html.find("p", class_="evidence__export").children]
    assert links == [reverse("forum:topic_bibliography", args=[topic.pk, "bib"]),
                     reverse("forum:topic_bibliography", args=[topic.pk, "ris"])]


class TestCitationQueryCount:
    """Citations are baked into stored HTML and the panel is one query: a topic full of
    citations costs no more to read than a topic without any."""

    POSTS = 5

    def topic_without_citations(self, author):
        topic = make_topic(author=author, raw="A question without references.")
        for number in range(self.POSTS - 1):
            make_reply(topic=topic, author=author, raw=f"Reply {number} with no references.")
        return topic

    def topic_with_fifty_citations(self, author):
        studies = studies_import(records=[
            StudyMetadata(title=f"Synthetic trial {n}", doi=f"10.5555/evident-{n}", year=2000 + n % 20,
                          container_title="Journal of Tests", crossref_type="journal-article",
                          authors=[{"family": f"Author{n}", "given": "A"}], source="manual")
            for n in range(50)
        ])
        cites = [f"[@doi:{study.doi}]" for study in studies]
        per_post = len(cites) // self.POSTS
        topic = make_topic(author=author, raw="Question " + " ".join(cites[:per_post]))
        for start in range(per_post, len(cites), per_post):
            make_reply(topic=topic, author=author, raw="Answer " + " ".join(cites[start:start + per_post]))
        return topic

    def queries_for(self, client, topic) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(topic.get_absolute_url())
        assert response.status_code == 200
        return len(queries)

    @pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "member"])
    def test_fifty_citations_cost_no_extra_queries(self, client, member, signed_in, record_property):
        author = UserFactory()
        plain = self.topic_without_citations(author)
        cited = self.topic_with_fifty_citations(author)
        assert cited.posts.count() == plain.posts.count() == self.POSTS
        assert sum(post.citations.count() for post in cited.posts.all()) == 50
        if signed_in:
            client.force_login(member)
            # The bell's count is made on the first page and read from the cache after: made
            # here, so it is not counted against one of the two.
            client.get(reverse("forum:latest"))

        without = self.queries_for(client, plain)
        with_fifty = self.queries_for(client, cited)

        record_property("topic_page_queries_with_50_citations", with_fifty)
        print(f"topic page queries ({'member' if signed_in else 'anonymous'}): "
              f"{without} without citations, {with_fifty} with 50")
        assert len(evidence(client, cited)) == 50
        assert with_fifty == without


# --- the composer's preview ------------------------------------------------------------------

def test_preview_renders_citations_without_creating_or_looking_up_anything(
    member_client, verified, django_capture_on_commit_callbacks, no_page_cache
):
    raw = "Known [@bested2023naltrexone], unknown [@doi:10.5555/evident-unknown], unknown [@pmid:12345678]."
    with django_capture_on_commit_callbacks() as callbacks:
        response = member_client.post(reverse("forum:preview"), {"raw": raw})

    assert response.status_code == 200
    html = page(response)
    chips = html.find_all("span", class_="cite")
    assert html.find("a", class_="cite__link").get("href") == verified["bested2023"].get_absolute_url()
    assert [chip.text for chip in chips[1:]] == ["[2 looking up 10.5555/evident-unknown]", "[3 looking up 12345678]"]
    assert Study.objects.count() == 5
    assert callbacks == []


def test_evidence_panel_folds_into_a_one_line_summary_of_designs(client, verified):
    topic = make_topic(raw="[@doi:10.1097/PR9.0000000000001080] and [@doi:10.1002/art.37734]")

    html = page(client.get(topic.get_absolute_url()))

    details = html.find("details", class_="evidence__details")
    assert "open" in details.attrs  # open without JavaScript; evident.js folds it on a phone
    summary = html.find("span", class_="evidence__summary").text
    assert summary.startswith("2 studies: ") and "crossover RCT" in summary
