"""Model -> JSON-ready dicts. Dates are ISO 8601 (UTC), URLs absolute; no queries of their own:
views fetch related rows up front so a page costs the same number of queries however long it is."""

from datetime import datetime

from django.urls import reverse

from forum.evidence.referencing import cite_markup
from forum.models import Post, Study, Topic


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def user_json(request, user) -> dict | None:
    if user is None:
        return None
    return {
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "expert_credential": user.expert_credential or None,
        "url": request.build_absolute_uri(user.get_absolute_url()),
    }


def _visible_answer_number(topic: Topic, *, is_moderator: bool) -> int | None:
    answer = topic.accepted_answer
    if answer is None or (not is_moderator and (answer.is_deleted or answer.is_hidden)):
        return None
    return answer.post_number


def topic_json(request, topic: Topic, *, tags) -> dict:
    is_moderator = getattr(request.user, "is_moderator", False)
    return {
        "id": topic.pk,
        "title": topic.title,
        "slug": topic.slug,
        "url": request.build_absolute_uri(topic.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("api:topic", kwargs={"topic_id": topic.pk})),
        "category": {
            "slug": topic.category.slug,
            "name": topic.category.name,
            "url": request.build_absolute_uri(topic.category.get_absolute_url()),
        },
        "tags": [tag.name for tag in tags],
        "author": user_json(request, topic.author),
        "state": topic.state,
        "pinned": topic.pinned,
        "pinned_globally": topic.pinned_globally,
        "unlisted": topic.unlisted,
        "deleted": topic.is_deleted,
        "expert_answered": topic.expert_answered,
        "accepted_answer": _visible_answer_number(topic, is_moderator=is_moderator),
        "posts_count": topic.posts_count,
        "replies_count": topic.replies_count,
        "created_at": iso(topic.created_at),
        "last_posted_at": iso(topic.last_posted_at),
    }


def _placeholder(post: Post) -> str | None:
    if post.is_deleted:
        if post.deleted_by_id == post.author_id:
            return "This post was deleted by its author."
        return "This post was deleted by a moderator."
    if post.is_hidden:
        return "This post was hidden by a moderator."
    return None


def post_json(request, post: Post, *, topic: Topic, excerpt: str = "") -> dict:
    """One post as the topic page shows it to this user: deleted posts keep their place without
    their text (moderators still read it), hidden ones show their text only to their author and
    moderators."""
    user = request.user
    is_moderator = getattr(user, "is_moderator", False)
    if post.is_deleted:
        content_shown = is_moderator
    elif post.is_hidden:
        content_shown = is_moderator or post.author_id == user.pk
    else:
        content_shown = True
    data = {
        "number": post.post_number,
        "url": request.build_absolute_uri(topic.post_url(post.post_number)),
        "author": user_json(request, post.author),
        "created_at": iso(post.created_at),
        "edited_at": iso(post.edited_at),
        "reply_to": post.reply_to_number,
        "deleted": post.is_deleted,
        "hidden": post.is_hidden,
        "placeholder": _placeholder(post),
        "accepted": post.pk == topic.accepted_answer_id,
        "cooked": None,
        "excerpt": None,
        "hidden_reason": None,
        "helpful_count": None,
        "quotes": [],
        "citations": [],
    }
    if content_shown:
        data.update({
            "cooked": post.cooked,
            # Readable text for a preview (forum/following/post_excerpts.py): citations by the study's short name.
            "excerpt": excerpt,
            "hidden_reason": post.hidden_reason if post.is_hidden else None,
            "helpful_count": post.helpful_count,
            "quotes": [_quote_json(quote) for quote in post.quotes.all()],
            "citations": [_citation_json(request, citation) for citation in post.citations.all()],
        })
    return data


def _quote_json(quote) -> dict:
    return {
        "username": quote.quoted_username,
        "topic_id": quote.quoted_topic_id,
        "post_number": quote.quoted_post_number,
        "full": quote.full,
        "status": quote.status,
    }


def _citation_json(request, citation) -> dict:
    return {
        "number": citation.number,
        "study_id": citation.study_id,
        "stance": citation.stance or None,
        "api_url": request.build_absolute_uri(reverse("api:study", kwargs={"study_id": citation.study_id})),
    }


def study_json(request, study: Study, *, citing_topic_ids: list[int]) -> dict:
    metadata = study.as_metadata()
    return {
        "id": study.pk,
        "url": request.build_absolute_uri(study.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("api:study", kwargs={"study_id": study.pk})),
        "title": study.title or metadata.title,
        "authors": metadata.authors,
        "journal": study.container_title or metadata.container_title,
        "journal_abbreviation": metadata.container_title_short or None,
        "year": study.year if study.year is not None else metadata.year,
        "volume": metadata.volume or None,
        "issue": metadata.issue or None,
        "pages": metadata.pages or None,
        "abstract": metadata.abstract or None,
        "publisher_url": metadata.url or None,
        "identifiers": {
            "doi": metadata.doi or study.doi or None,
            "pmid": study.pmid or None,
            "pmcid": study.pmcid or metadata.pmcid or None,
            "bibtex_key": study.bibtex_key or None,
            "registrations": list(study.registrations or metadata.registrations),
        },
        "design": {
            "code": study.effective_design,
            "label": study.design_label,
            "set_by_moderator": bool(study.design_override),
        },
        "status": {
            "code": study.public_status,
            "label": study.public_status_label,
            "set_by_moderator": bool(study.status_override),
        },
        "updated_by": metadata.updated_by,
        "lookup_state": study.lookup_state,
        "metadata_source": study.metadata_source or None,
        "cite": cite_markup(study) or None,
        "exports": {
            fmt: request.build_absolute_uri(reverse("forum:study_export", kwargs={"study_id": study.pk, "fmt": fmt}))
            for fmt in ("bib", "ris", "json")
        },
        "trial_registry": [trial_json(entry, protocol=study.effective_status == "protocol")
                           for entry in study.registry or [] if isinstance(entry, dict)],
        "open_access": open_access_json(study),
        "citing_topic_ids": citing_topic_ids,
        "created_at": iso(study.created_at),
        "updated_at": iso(study.updated_at),
    }


def trial_json(entry: dict, *, protocol: bool) -> dict:
    """What ClinicalTrials.gov last said of one of the study's trials (null where it said nothing)."""
    from forum.references.clinicaltrials import registered_late, status_label, trial_url

    found = entry.get("state") == "found"
    return {
        "nct_id": entry.get("nct_id", ""),
        "registry_url": trial_url(entry.get("nct_id", "")),
        "found": found,
        "label": status_label(entry, protocol=protocol) or None if found else None,
        "overall_status": entry.get("overall_status"),
        "why_stopped": entry.get("why_stopped"),
        "start_date": entry.get("start_date"),
        "primary_completion_date": entry.get("primary_completion_date"),
        "first_posted_date": entry.get("first_posted_date"),
        "has_results": entry.get("has_results"),
        "results_first_posted_date": entry.get("results_first_posted_date"),
        "enrollment": entry.get("enrollment"),
        "enrollment_type": entry.get("enrollment_type"),
        "registered_after_start": registered_late(entry) if found else None,
    }


def open_access_json(study: Study) -> dict | None:
    """Unpaywall's open-access status and best free copy; null when never looked up."""
    facts = study.open_access or {}
    if not facts:
        return None
    return {
        "is_oa": bool(facts.get("is_oa")),
        "oa_status": facts.get("oa_status"),
        "url": study.open_access_url or None,
        "url_for_pdf": facts.get("url_for_pdf") if facts.get("is_oa") else None,
        "host_type": facts.get("host_type"),
        "version": facts.get("version"),
        "license": facts.get("license"),
    }


def study_summary_json(request, study: Study) -> dict:
    """The short form, for lists (search results): enough to show a chip and link on."""
    return {
        "id": study.pk,
        "url": request.build_absolute_uri(study.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("api:study", kwargs={"study_id": study.pk})),
        "title": study.title,
        "journal": study.container_title,
        "year": study.year,
        "identifier": study.identifier_label,
        "design": {"code": study.effective_design, "label": study.design_label},
        "status": {"code": study.public_status, "label": study.public_status_label},
    }
