"""PubMed records by PMID through NCBI E-utilities.

- `esummary.fcgi?db=pubmed&id=PMID&retmode=json`: title, journal, date, authors, article ids
  (DOI, PMCID) and publication types.
- `efetch.fcgi?db=pubmed&id=PMID&retmode=xml` (optional, on by default): abstract, full author
  names, the PublicationTypeList, trial registrations (DataBankList) and retraction / erratum
  links (CommentsCorrectionsList).

Every request carries NCBI's `tool` and `email` parameters. Politeness: without an API key NCBI
allows 3 requests per second per client. One `fetch_pubmed` makes two requests; callers that
refresh many studies (a management command, a task queue) must pace themselves, e.g. one
study every 0.7 s, or run on a single worker.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from lxml import etree

from forum.common.per_thread import per_thread

from .http import LookupFailed, NotFound, ReferencesClient, contact_email
from .identifiers import (
    InvalidIdentifier,
    find_registrations,
    normalize_doi,
    normalize_orcid,
    normalize_pmcid,
    normalize_pmid,
    normalize_registration,
)
from .metadata import StudyMetadata, normalize_pages
from .plain_text import jats_to_text, markup_to_text

logger = logging.getLogger(__name__)

TOOL_NAME = "evident"
_xml_parser = per_thread(lambda: etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
))
_CORRECTION_TYPES = {
    "RetractionIn": "retraction",
    "ErratumIn": "erratum",
    "ExpressionOfConcernIn": "expression_of_concern",
}
# On a notice's own record: the article it retracts, corrects or raises concern about.
_NOTICE_TYPES = {
    "RetractionOf": "retraction",
    "ErratumFor": "erratum",
    "ExpressionOfConcernFor": "expression_of_concern",
}


def _params(**extra: str) -> dict[str, str]:
    params = {"db": "pubmed", **extra, "tool": TOOL_NAME}
    if contact_email():
        params["email"] = contact_email()
    return params


def fetch_pubmed(
    pmid: str | int,
    *,
    client: ReferencesClient | None = None,
    with_abstract: bool = True,
    use_cache: bool = True,
) -> StudyMetadata:
    """PubMed's record for `pmid`; `NotFound` if PubMed has none, `LookupFailed` otherwise.

    If the summary arrives but the efetch call for the abstract fails, the summary alone is
    returned: a record without its abstract is better than none.
    """
    pmid = normalize_pmid(pmid)
    own_client = client is None
    client = client or ReferencesClient()
    try:
        summary = client.get_json(
            f"{client.pubmed_url}/esummary.fcgi",
            params=_params(id=pmid, retmode="json"),
            use_cache=use_cache,
        )
        metadata = parse_esummary(summary, pmid)
        if with_abstract:
            try:
                details = client.get_text(
                    f"{client.pubmed_url}/efetch.fcgi",
                    params=_params(id=pmid, retmode="xml"),
                    accept="application/xml",
                    parse=_parse_xml,
                    use_cache=use_cache,
                )
                metadata = merge_efetch(metadata, details)
            except (LookupFailed, NotFound) as exc:
                logger.warning("references: efetch for PMID %s failed: %s", pmid, exc)
        return metadata
    finally:
        if own_client:
            client.close()


def search_pmid_by_doi(
    doi: str, *, client: ReferencesClient | None = None, use_cache: bool = True
) -> str | None:
    """The PMID PubMed files `doi` under (esearch `DOI[doi]`), or None."""
    term = f"{normalize_doi(doi)}[doi]"
    own_client = client is None
    client = client or ReferencesClient()
    try:
        payload = client.get_json(
            f"{client.pubmed_url}/esearch.fcgi",
            params=_params(term=term, retmode="json"),
            use_cache=use_cache,
        )
    finally:
        if own_client:
            client.close()
    try:
        ids = payload["esearchresult"]["idlist"]
    except (KeyError, TypeError) as exc:
        raise LookupFailed(f"PubMed search for {doi} answered without an id list") from exc
    return str(ids[0]) if len(ids) == 1 else None


def _parse_xml(text: str) -> etree._Element:
    try:
        root = etree.fromstring(text.encode(), _xml_parser())
    except etree.XMLSyntaxError as exc:
        raise LookupFailed("PubMed answered with malformed XML") from exc
    if root is None:
        raise LookupFailed("PubMed answered with empty XML")
    return root


def _split_pubmed_name(name: str) -> dict[str, str]:
    # esummary gives "Bested K" / "Younger J": family name then initials.
    match = re.fullmatch(r"(.+?)\s+([A-Z]{1,4})", name.strip())
    if match:
        return {"family": match.group(1), "given": match.group(2)}
    return {"literal": name.strip()}


def _clean_title(raw: str) -> str:
    title = markup_to_text(raw)
    # PubMed ends titles with a period; reference styles add their own punctuation.
    return title[:-1] if title.endswith(".") and not title.endswith("..") else title


def parse_esummary(payload: Any, pmid: str) -> StudyMetadata:
    """Map an esummary JSON answer for `pmid` to `StudyMetadata`."""
    try:
        result = payload["result"]
    except (KeyError, TypeError) as exc:
        raise LookupFailed(f"PubMed answered for PMID {pmid} without a result") from exc
    record = result.get(pmid) if isinstance(result, dict) else None
    if not isinstance(record, dict) or record.get("error"):
        raise NotFound(f"PubMed has no record for PMID {pmid}")

    authors = []
    for raw in record.get("authors") or []:
        if not isinstance(raw, dict) or not raw.get("name"):
            continue
        if raw.get("authtype") == "CollectiveName":
            authors.append({"literal": markup_to_text(raw["name"])})
        else:
            authors.append(_split_pubmed_name(markup_to_text(raw["name"])))

    doi = pmcid = ""
    for article_id in record.get("articleids") or []:
        if not isinstance(article_id, dict):
            continue
        kind, value = article_id.get("idtype"), str(article_id.get("value") or "")
        try:
            if kind == "doi" and not doi:
                doi = value if normalize_doi(value) else ""
            elif kind in ("pmc", "pmcid") and not pmcid:
                pmcid = normalize_pmcid(value.split(";")[0].removeprefix("pmc-id:").strip())
        except InvalidIdentifier:
            continue

    year_match = re.search(
        r"\b(1[89]\d{2}|20\d{2})\b", str(record.get("pubdate") or record.get("epubdate") or "")
    )
    return StudyMetadata(
        title=_clean_title(str(record.get("title") or "")),
        authors=authors,
        container_title=markup_to_text(
            str(record.get("fulljournalname") or record.get("source") or "")
        ),
        container_title_short=markup_to_text(str(record.get("source") or "")),
        year=int(year_match.group(1)) if year_match else None,
        volume=str(record.get("volume") or ""),
        issue=str(record.get("issue") or ""),
        pages=normalize_pages(str(record.get("pages") or record.get("elocationid") or "")),
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        publication_types=[str(t) for t in record.get("pubtype") or [] if t],
        source="pubmed",
    )


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def merge_efetch(metadata: StudyMetadata, root: etree._Element) -> StudyMetadata:
    """Add what only efetch's XML has: abstract, full names, types, registrations, corrections."""
    article = root.find(".//PubmedArticle/MedlineCitation/Article")
    if article is None:
        return metadata
    paragraphs = []
    for node in article.findall("./Abstract/AbstractText"):
        # AbstractText may hold inline markup (<i>, <sup>); serialise and clean it.
        inner = (node.text or "") + "".join(
            etree.tostring(child, encoding="unicode") for child in node
        )
        text = jats_to_text(f"<p>{inner}</p>").replace("\n\n", " ")
        label = (node.get("Label") or "").strip()
        if text:
            paragraphs.append(
                f"{label.capitalize() if label.isupper() else label}: {text}" if label else text
            )
    if paragraphs:
        metadata.abstract = "\n\n".join(paragraphs)

    authors = []
    for node in article.findall("./AuthorList/Author"):
        if node.find("CollectiveName") is not None:
            authors.append({"literal": markup_to_text(_text(node.find("CollectiveName")))})
        elif node.find("LastName") is not None:
            author = {"family": _text(node.find("LastName"))}
            given = _text(node.find("ForeName")) or _text(node.find("Initials"))
            if given:
                author["given"] = given
            orcid = node.find("Identifier[@Source='ORCID']")
            if orcid is not None and (bare := _orcid(_text(orcid))):
                author["orcid"] = bare
            authors.append(author)
    if authors:
        metadata.authors = authors

    for node in article.findall("./PublicationTypeList/PublicationType"):
        value = _text(node)
        if value and value not in metadata.publication_types:
            metadata.publication_types.append(value)

    title = (
        _clean_title(
            etree.tostring(article.find("ArticleTitle"), encoding="unicode", with_tail=False)
        )
        if article.find("ArticleTitle") is not None
        else ""
    )
    if title:
        metadata.title = title

    for node in root.iterfind(".//DataBankList/DataBank/AccessionNumberList/AccessionNumber"):
        value = normalize_registration(_text(node))
        if value and value not in metadata.registrations:
            metadata.registrations.append(value)
    for value in find_registrations(metadata.abstract):
        if value not in metadata.registrations:
            metadata.registrations.append(value)

    for node in root.iterfind(".//CommentsCorrectionsList/CommentsCorrections"):
        kind = _CORRECTION_TYPES.get(node.get("RefType") or "")
        if kind:
            entry = {"type": kind, "doi": "", "date": "", "pmid": _text(node.find("PMID"))}
            label = _text(node.find("RefSource"))
            if label:
                entry["label"] = label
            if entry not in metadata.updated_by:
                metadata.updated_by.append(entry)
        kind = _NOTICE_TYPES.get(node.get("RefType") or "")
        if kind:
            entry = {"type": kind, "doi": "", "date": "", "pmid": _text(node.find("PMID"))}
            if _text(node.find("RefSource")):
                entry["label"] = _text(node.find("RefSource"))
            if entry not in metadata.update_to:
                metadata.update_to.append(entry)

    if not metadata.doi:
        for node in root.iterfind(".//PubmedData/ArticleIdList/ArticleId[@IdType='doi']"):
            try:
                normalize_doi(_text(node))
                metadata.doi = _text(node)
                break
            except InvalidIdentifier:
                continue
    if not metadata.pmcid:
        for node in root.iterfind(".//PubmedData/ArticleIdList/ArticleId[@IdType='pmc']"):
            try:
                metadata.pmcid = normalize_pmcid(_text(node))
                break
            except InvalidIdentifier:
                continue
    return metadata


def _orcid(text: str) -> str:
    # PubMed gives an author's iD bare, as an orcid.org address, or as 16 characters without hyphens.
    try:
        return normalize_orcid(text)
    except InvalidIdentifier:
        return ""
