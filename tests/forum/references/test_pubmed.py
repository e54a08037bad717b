import httpx
import pytest

from forum.references.http import LookupFailed, NotFound
from forum.references.pubmed import fetch_pubmed, search_pmid_by_doi

from .conftest import fixture_text, json_response

ESUMMARY = "/entrez/eutils/esummary.fcgi"
EFETCH = "/entrez/eutils/efetch.fcgi"
ESEARCH = "/entrez/eutils/esearch.fcgi"


def xml_response(name):
    return httpx.Response(200, text=fixture_text(name), headers={"content-type": "text/xml"})


def test_summary_gives_metadata_and_doi(client, server):
    server.add(ESUMMARY, json_response("esummary_bested2023.json"))
    study = fetch_pubmed("38226027", client=client, with_abstract=False)
    assert study.source == "pubmed"
    assert study.pmid == "38226027"
    assert study.doi == "10.1097/PR9.0000000000001080"
    assert study.title.endswith("crossover study")  # PubMed's closing period removed
    assert study.container_title == "Pain reports"
    assert study.container_title_short == "Pain Rep"
    assert (study.year, study.volume, study.issue, study.pages) == (2023, "8", "4", "e1080")
    assert study.authors[0] == {"family": "Bested", "given": "K"}
    assert study.authors[5] == {"family": "Johansen", "given": "TSD"}
    assert study.publication_types == ["Journal Article"]


def test_requests_carry_tool_and_email(client, server):
    server.add(ESUMMARY, json_response("esummary_bested2023.json"))
    server.add(EFETCH, xml_response("efetch_bested2023.xml"))
    fetch_pubmed("PMID: 38226027", client=client)
    for request in server.requests:
        assert request.url.params["tool"] == "evident"
        assert request.url.params["email"] == "team@evident.test"
        assert request.url.params["db"] == "pubmed"
        assert request.url.params["id"] == "38226027"
    assert [r.url.params["retmode"] for r in server.requests] == ["json", "xml"]


def test_efetch_adds_abstract_full_names_and_types(client, server):
    server.add(ESUMMARY, json_response("esummary_bested2023.json"))
    server.add(EFETCH, xml_response("efetch_bested2023.xml"))
    study = fetch_pubmed("38226027", client=client)
    paragraphs = study.abstract.split("\n\n")
    assert (
        paragraphs[0]
        == "Introduction: Fibromyalgia (FM) is a chronic fluctuating, nociplastic pain condition."
    )
    assert (
        paragraphs[2]
        == "Results: Fifty-eight patients with FM were randomized. The median difference for FIQR scores was \u22121.65 (P = 0.3)."
    )
    assert study.authors[1] == {"family": "Jensen", "given": "Lotte Marie"}
    assert study.publication_types == ["Journal Article"]


def test_efetch_failure_keeps_the_summary(client, server):
    server.add(ESUMMARY, json_response("esummary_bested2023.json"))
    server.add(EFETCH, httpx.Response(200, text="<PubmedArticleSet><unclosed"))
    study = fetch_pubmed("38226027", client=client)
    assert study.doi == "10.1097/PR9.0000000000001080"
    assert study.abstract == ""


def test_publication_types_for_a_protocol(client, server):
    server.add(ESUMMARY, json_response("esummary_innova2022.json"))
    study = fetch_pubmed("34992118", client=client, with_abstract=False)
    assert "Clinical Trial Protocol" in study.publication_types
    assert study.doi == "10.1136/bmjopen-2021-055351"


def test_unknown_pmid_is_not_found(client, server):
    server.add(ESUMMARY, json_response("esummary_unknown.json"))
    with pytest.raises(NotFound):
        fetch_pubmed("99999999", client=client)


def test_malformed_summary_is_lookup_failed(client, server):
    server.add(ESUMMARY, httpx.Response(200, text="{{{"))
    with pytest.raises(LookupFailed):
        fetch_pubmed("38226027", client=client)


def test_summary_without_result_is_lookup_failed(client, server):
    server.add(ESUMMARY, httpx.Response(200, text='{"error": "API rate limit exceeded"}'))
    with pytest.raises(LookupFailed):
        fetch_pubmed("38226027", client=client)


def test_efetch_reads_retractions_registrations_and_pmcid(client, server):
    server.add(ESUMMARY, json_response("esummary_unknown.json"))
    synthetic_summary = {
        "result": {
            "uids": ["99999999"],
            "99999999": {
                "uid": "99999999",
                "title": "A synthetic trial &lt;i&gt;in vivo&lt;/i&gt;.",
                "pubdate": "2020 Mar",
                "authors": [{"name": "Evident Study Group", "authtype": "CollectiveName"}],
                "articleids": [{"idtype": "pmc", "value": "PMC0000001"}],
                "pubtype": ["Randomized Controlled Trial"],
            },
        }
    }
    server.routes[ESUMMARY] = [httpx.Response(200, json=synthetic_summary)]
    server.add(
        EFETCH,
        httpx.Response(
            200,
            text="""<?xml version="1.0"?>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>99999999</PMID><Article>
  <ArticleTitle>A synthetic trial <i>in vivo</i>.</ArticleTitle>
  <Abstract><AbstractText>Registered as NCT04739995.</AbstractText></Abstract>
  <AuthorList><Author><CollectiveName>Evident Study Group</CollectiveName></Author></AuthorList>
  <PublicationTypeList><PublicationType>Randomized Controlled Trial</PublicationType>
  <PublicationType>Retracted Publication</PublicationType></PublicationTypeList>
  <DataBankList><DataBank><DataBankName>ClinicalTrials.gov</DataBankName>
  <AccessionNumberList><AccessionNumber>NCT04739995</AccessionNumber></AccessionNumberList></DataBank></DataBankList>
</Article>
<CommentsCorrectionsList><CommentsCorrections RefType="RetractionIn"><RefSource>J Tests. 2021;1:1</RefSource><PMID>99999998</PMID></CommentsCorrections></CommentsCorrectionsList>
</MedlineCitation></PubmedArticle></PubmedArticleSet>""",
        ),
    )
    study = fetch_pubmed("99999999", client=client)
    assert study.title == "A synthetic trial in vivo"
    assert study.pmcid == "PMC0000001"
    assert study.authors == [{"literal": "Evident Study Group"}]
    assert study.registrations == ["NCT04739995"]
    assert study.publication_types == ["Randomized Controlled Trial", "Retracted Publication"]
    assert study.updated_by == [
        {
            "type": "retraction",
            "doi": "",
            "date": "",
            "pmid": "99999998",
            "label": "J Tests. 2021;1:1",
        }
    ]


def test_search_pmid_by_doi(client, server):
    server.add(ESEARCH, json_response("esearch_bested2023.json"))
    assert search_pmid_by_doi("10.1097/PR9.0000000000001080", client=client) == "38226027"
    assert server.requests[0].url.params["term"] == "10.1097/pr9.0000000000001080[doi]"


def test_search_without_a_single_match_is_none(client, server):
    server.add(ESEARCH, httpx.Response(200, json={"esearchresult": {"count": "0", "idlist": []}}))
    assert search_pmid_by_doi("10.5555/nothing", client=client) is None


def test_authors_keep_their_orcid_in_the_bare_form_whatever_pubmed_writes():
    # PubMed writes an author's iD bare, as an orcid.org address, or without hyphens; a wrong
    # check digit is no iD at all (it would match nobody, or the wrong member).
    from forum.references.metadata import StudyMetadata
    from forum.references.pubmed import _parse_xml, merge_efetch

    root = _parse_xml("""<?xml version="1.0"?>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>99999999</PMID><Article>
  <ArticleTitle>A synthetic trial.</ArticleTitle>
  <AuthorList>
    <Author><LastName>Rivera</LastName><ForeName>Ana</ForeName><Identifier Source="ORCID">https://orcid.org/0000-0002-1825-0097</Identifier></Author>
    <Author><LastName>Okafor</LastName><ForeName>Ben</ForeName><Identifier Source="ORCID">000000021694233x</Identifier></Author>
    <Author><LastName>Sato</LastName><ForeName>Kei</ForeName><Identifier Source="ORCID">0000-0002-1694-2339</Identifier></Author>
  </AuthorList>
</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>""")

    metadata = merge_efetch(StudyMetadata(source="pubmed", pmid="99999999"), root)

    assert [author.get("orcid", "") for author in metadata.authors] == ["0000-0002-1825-0097", "0000-0002-1694-233X", ""]
