"""Finding a study to cite from what a member has: words from its title, an author and a year,
an article's web address, or an identifier.

The library answers first and always; Crossref and PubMed are asked at the same time and given
REFERENCES_SEARCH_TIMEOUT seconds between them. A registry that is slow, down or refusing is
named in a notice and the rest is shown: a search never fails because a registry did.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from forum.access.limits import registry_search_wait
from forum.evidence.study_finder import find_studies, normalized_query
from forum.models import Study
from forum.references.article_links import identifier_from_link, looks_like_link
from forum.references.http import ReferenceLookupError, ReferencesClient
from forum.references.identifiers import IdentifierKind, detect_identifier
from forum.references.study_search import (
    FoundStudy, merge_results, pubmed_by_pmcid, search_crossref, search_pubmed,
)

logger = logging.getLogger(__name__)

REGISTRIES = {"crossref": ("Crossref", search_crossref), "pubmed": ("PubMed", search_pubmed)}
MIN_REGISTRY_QUERY = 3  # characters: fewer would only flood the list


@dataclass
class StudySearch:
    query: str
    results: list[FoundStudy] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    # The address or identifier named one article: the first result is it.
    from_identifier: bool = False

    def to_json(self) -> dict:
        return {"query": self.query, "results": [r.to_json() for r in self.results], "notices": self.notices,
                "from_identifier": self.from_identifier}


def found_from_study(study: Study) -> FoundStudy:
    metadata = study.as_metadata()
    first = metadata.authors[0] if metadata.authors else {}
    return FoundStudy(
        title=study.title or study.identifier_label, first_author=first.get("family") or first.get("literal") or "",
        more_authors=len(metadata.authors) > 1 or metadata.more_authors, year=study.year,
        journal=metadata.container_title_short or study.container_title, doi=study.doi or "",
        doi_display=metadata.doi or study.doi or "", pmid=study.pmid or "", design=study.effective_design,
        design_label=study.design_label, status=study.public_status, status_label=study.public_status_label,
        sources=["library"], study_id=study.pk, study_url=study.get_absolute_url(),
        cited_in_topics=getattr(study, "cited_in_topics", 0),
    )


def _identified(kind: IdentifierKind, value: str, query: str) -> StudySearch:
    search = StudySearch(query=query, from_identifier=True)
    if kind is IdentifierKind.PMCID:
        study = Study.objects.filter(pmcid=value).exclude(doi=None, pmid=None).first()
        if study is None:
            found = _pubmed_central_article(value)
            if found is None:
                search.notices.append(f"PubMed does not say which article PubMed Central's {value} is, or could "
                                      "not be reached: search by its title, or paste its DOI or PubMed address.")
            else:
                search.results.append(found)
                _mark_stored(search.results)
            return search
    else:
        field_name = "doi" if kind is IdentifierKind.DOI else "pmid"
        study = Study.objects.filter(**{field_name: value}).first()
    if study is not None:
        search.results.append(found_from_study(study))
    else:
        found = FoundStudy(title="", sources=["link"])
        if kind is IdentifierKind.DOI:
            found.doi = found.doi_display = value
        else:
            found.pmid = value
        search.results.append(found)
    return search


def _pubmed_central_article(pmcid: str) -> FoundStudy | None:
    timeout = float(getattr(settings, "REFERENCES_SEARCH_TIMEOUT", 4))
    try:
        with ReferencesClient(timeout=timeout, max_retries=0) as client:
            return pubmed_by_pmcid(pmcid, client=client)
    except ReferenceLookupError as exc:
        logger.info("study search: PubMed Central %s: %s", pmcid, exc)
        return None


def _registry_results(text: str) -> tuple[dict[str, list[FoundStudy]], list[str]]:
    """Each registry's results, and a notice per registry that did not answer in time."""
    timeout = float(getattr(settings, "REFERENCES_SEARCH_TIMEOUT", 4))

    def run(search_function):
        # Its own client per thread; no retries: a member is waiting, and the cache keeps the answer.
        with ReferencesClient(timeout=timeout, max_retries=0) as client:
            return search_function(text, client=client)

    executor = ThreadPoolExecutor(max_workers=len(REGISTRIES), thread_name_prefix="study-search")
    futures = {name: executor.submit(run, function) for name, (_label, function) in REGISTRIES.items()}
    wait(futures.values(), timeout=timeout + 0.5)
    executor.shutdown(wait=False, cancel_futures=True)
    results, unreachable = {}, []
    for name, future in futures.items():
        try:
            results[name] = future.result(timeout=0) if future.done() else None
        except ReferenceLookupError as exc:
            logger.info("study search: %s failed: %s", name, exc)
            results[name] = None
        except Exception:  # a registry's odd answer must not cost the member their library results
            logger.exception("study search: %s raised", name)
            results[name] = None
        if results[name] is None:
            unreachable.append(REGISTRIES[name][0])
            results[name] = []
    notices = []
    if unreachable:
        notices.append(f"{' and '.join(unreachable)} could not be reached, showing the library"
                       + (" and the other registry." if len(unreachable) < len(REGISTRIES) else "."))
    return results, notices


def studies_search(*, text: str, member=None, registries: bool = True) -> StudySearch:
    """What "Add reference" offers for `text`. Changes nothing: citing a result stores it."""
    text = " ".join((text or "").split())[:300]
    if not text:
        return StudySearch(query="")
    if looks_like_link(text):
        identifier = identifier_from_link(text)
        if identifier is None:
            return StudySearch(query=text, notices=[
                "That address does not say which article it is, and Evident does not open other sites' pages "
                "for you: search by the article's title or authors instead."])
        return _identified(identifier.kind, identifier.value, text)
    identifier = detect_identifier(text) if not text.isdigit() or len(text) >= 5 else None
    if identifier is not None and identifier.kind in (IdentifierKind.DOI, IdentifierKind.PMID):
        return _identified(identifier.kind, identifier.value, text)

    search = StudySearch(query=text)
    library = [found_from_study(study) for study in find_studies(Study.objects, text)]
    query = normalized_query(text)
    registry: dict[str, list[FoundStudy]] = {}
    if registries and len(query) >= MIN_REGISTRY_QUERY:
        wait_seconds = registry_search_wait(member) if member is not None else None
        if wait_seconds is None:
            registry, notices = _registry_results(query)
            search.notices += notices
        else:
            search.notices.append(f"You have searched the registries often in the last minute: showing the "
                                  f"library only for {wait_seconds} seconds.")
    search.results = merge_results(library, registry.get("crossref", []), registry.get("pubmed", []))
    _mark_stored(search.results)
    return search


def _mark_stored(results: list[FoundStudy]) -> None:
    """A registry result the library already holds (its title words differed from the query) is
    cited as stored: say so, and use the stored study's design and status."""
    unknown = [r for r in results if r.study_id is None]
    dois = [r.doi for r in unknown if r.doi]
    pmids = [r.pmid for r in unknown if r.pmid]
    if not dois and not pmids:
        return
    stored = Study.objects.resolved().filter(Q(doi__in=dois) | Q(pmid__in=pmids))
    by_key = {}
    for study in stored:
        by_key[f"doi:{study.doi}"] = by_key[f"pmid:{study.pmid}"] = study
    for result in unknown:
        study = by_key.get(f"doi:{result.doi}") or by_key.get(f"pmid:{result.pmid}")
        if study is not None:
            stored_result = found_from_study(study)
            stored_result.sources = ["library", *[s for s in result.sources if s != "library"]]
            result.__dict__.update(stored_result.__dict__)
