"""Look up a study from whatever identifier was pasted: Crossref first, then PubMed.

This is what a background task calls. Crossref gives the abstract, relations (retractions,
corrections) and registrations; PubMed adds publication types, which are the best design
signal. The second source is best-effort: if it fails, the first source's record is returned.
"""

from __future__ import annotations

import logging

from .crossref import fetch_work
from .http import ReferenceLookupError, ReferencesClient
from .identifiers import IdentifierKind, InvalidIdentifier, detect_identifier
from .metadata import StudyMetadata
from .pubmed import fetch_pubmed, search_pmid_by_doi

logger = logging.getLogger(__name__)


def lookup_study(
    raw: str,
    *,
    client: ReferencesClient | None = None,
    enrich: bool = True,
    use_cache: bool = True,
    max_retries: int | None = None,
) -> StudyMetadata:
    """Metadata for a DOI or PMID (any pasted form).

    Raises `InvalidIdentifier` if `raw` is neither (or is a kind that cannot be looked up:
    PMCID, NCT, EudraCT), `NotFound` if the primary source has no record, `LookupFailed` if it
    could not be reached. `enrich=False` skips the second source. `max_retries` overrides
    REFERENCES_MAX_RETRIES for the client made here (0 when the caller reschedules instead).
    """
    identifier = detect_identifier(raw)
    if identifier is None:
        raise InvalidIdentifier(f"not a DOI or PMID: {raw!r}")
    own_client = client is None
    client = client or ReferencesClient(max_retries=max_retries)
    try:
        if identifier.kind is IdentifierKind.DOI:
            metadata = fetch_work(identifier.value, client=client, use_cache=use_cache)
            if enrich:
                try:
                    pmid = search_pmid_by_doi(identifier.value, client=client, use_cache=use_cache)
                    if pmid:
                        metadata = metadata.merged_with(
                            fetch_pubmed(pmid, client=client, use_cache=use_cache)
                        )
                except ReferenceLookupError as exc:
                    logger.info("references: PubMed enrichment of %s failed: %s", identifier, exc)
            return metadata
        if identifier.kind is IdentifierKind.PMID:
            metadata = fetch_pubmed(identifier.value, client=client, use_cache=use_cache)
            if enrich and metadata.doi:
                try:
                    metadata = metadata.merged_with(
                        fetch_work(metadata.doi, client=client, use_cache=use_cache)
                    )
                except ReferenceLookupError as exc:
                    logger.info("references: Crossref enrichment of %s failed: %s", identifier, exc)
            return metadata
        raise InvalidIdentifier(f"{identifier.kind} numbers cannot be looked up: {raw!r}")
    finally:
        if own_client:
            client.close()
