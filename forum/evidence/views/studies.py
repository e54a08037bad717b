"""Study pages: the index, one study, exports, adding references, and moderator corrections."""

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from forum.models import Citation, Study, Topic
from forum.models.study import DesignChoices, StatusChoices
from django.core.exceptions import PermissionDenied

from forum.access.permissions import ensure_can_act, ensure_can_moderate
from forum.references.abstracts import abstract_sections
from forum.references.bibtex import to_bibtex
from forum.references.classification import STATUS_LABELS, Status, classify, notice_updates
from forum.references.csl import to_csl_json
from forum.references.ris import to_ris
from forum.references.status import KIND_LABELS, NOTICE_LABELS, kind_of, notice_kind
from forum.evidence.referencing import (
    AddedReferences, cite_markup, references_add, references_preview, studies_import, study_edit,
)
from forum.evidence.registry_status import open_access_summary, trial_rows
from forum.evidence.study_forms import ReferencePasteForm, StudyEditForm, StudyForm
from forum.references.identifiers import InvalidIdentifier, normalize_doi

EXPORTS = {
    "bib": ("application/x-bibtex; charset=utf-8", "bib"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}


def index(request):
    studies = Study.objects.resolved()  # a study still being looked up has nothing to list yet
    query = request.GET.get("q", "").strip()[:200]
    if query:
        studies = studies.filter(
            Q(title__icontains=query) | Q(doi__icontains=query.lower()) | Q(pmid=query)
            | Q(container_title__icontains=query) | Q(bibtex_key__iexact=query)
        )
    design = request.GET.get("design", "")
    if design in DesignChoices.values:
        studies = studies.filter(Q(design_override=design) | Q(design_override="", design=design))
    status = request.GET.get("status", "")
    if status in StatusChoices.values:
        studies = studies.filter(Q(status_override=status) | Q(status_override="", status=status))
    page_obj = Paginator(studies.strongest_first(), 30).get_page(request.GET.get("page"))
    return render(request, "forum/evidence/studies/index.html", {
        "page_obj": page_obj, "query": query, "design": design, "status": status,
        "designs": DesignChoices.choices, "statuses": StatusChoices.choices,
    })


# A study page lists the topics of its latest citations.
TOPICS_SHOWN = 50


def detail(request, study_id: int):
    study = get_object_or_404(Study, pk=study_id)
    # The tally walks the latest citations the reader may see, newest first along the citation
    # index and stopped early; the topics listed are theirs, from the same rows.
    stance_tally = Citation.objects.filter(study=study).visible_to(request.user).stance_tally()
    trials = trial_rows(study)
    topics = (
        Topic.objects.visible_to(request.user).filter(pk__in=stance_tally.topic_ids[:TOPICS_SHOWN])
        .select_related("category").order_by("-last_posted_at")
    )
    metadata = study.as_metadata()
    first_page, _, last_page = metadata.pages.partition("-")
    return render(request, "forum/evidence/studies/detail.html", {
        "facts": [{**fact, "label": KIND_LABELS.get(fact.get("kind"), "")} for fact in study.status_facts or []],
        "notice_label": NOTICE_LABELS.get(notice_kind(metadata) or ""),
        "updates": _updated_works(metadata),
        "first_page": first_page.strip(), "last_page": last_page.strip(),
        "study": study,
        "metadata": metadata,
        "abstract_sections": abstract_sections(metadata.abstract),
        # Select-to-quote writes [quote="doi:…"], so it is offered for studies with a DOI or PMID.
        "quotable": bool(study.doi or study.pmid),
        "topics": topics,
        "stance_tally": stance_tally,
        "cite_markup": cite_markup(study),
        "revision_count": study.revisions.count(),
        "trials": trials,
        "trials_found": any(trial["state"] == "found" for trial in trials),
        "open_access": open_access_summary(study),
    })


def _updated_works(metadata) -> list[dict]:
    """On a notice: the works it retracts or corrects, linked to their study pages when stored."""
    works = []
    for entry in notice_updates(metadata):
        kind = kind_of(entry["type"])
        doi = str(entry.get("doi") or "")
        study = None
        try:
            study = Study.objects.filter(doi=normalize_doi(doi)).first() if doi else None
        except InvalidIdentifier:
            doi = ""
        if study is None and entry.get("pmid"):
            study = Study.objects.filter(pmid=str(entry["pmid"])).first()
        works.append({"kind": kind, "doi": doi, "pmid": entry.get("pmid", ""), "study": study,
                      "label": entry.get("label", "")})
    return works


def _export_response(text: str, fmt: str, filename: str) -> HttpResponse:
    content_type, extension = EXPORTS[fmt]
    response = HttpResponse(text, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response


def export(request, study_id: int, fmt: str):
    if fmt not in EXPORTS:
        raise Http404("Unknown export format.")
    study = get_object_or_404(Study, pk=study_id)
    metadata = study.as_export_metadata()
    if fmt == "bib":
        text = to_bibtex(metadata)
    elif fmt == "ris":
        text = to_ris(metadata)
    else:
        text = json.dumps([to_csl_json(metadata, item_id=f"study-{study.pk}")], indent=2, ensure_ascii=False)
    return _export_response(text, fmt, f"study-{study.pk}")


def topic_bibliography(request, topic_id: int, fmt: str):
    if fmt not in ("bib", "ris"):
        raise Http404("Unknown export format.")
    topic = get_object_or_404(Topic.objects.visible_to(request.user), pk=topic_id)
    studies = Study.objects.cited_in_topic(topic)
    if fmt == "bib":
        text = "\n".join(to_bibtex(s.as_export_metadata()) for s in studies)
    else:
        text = "\n".join(to_ris(s.as_export_metadata()) for s in studies)
    return _export_response(text, fmt, f"topic-{topic.pk}-references")


def study_json(request, study_id: int):
    study = get_object_or_404(Study, pk=study_id)
    return JsonResponse(_study_summary(study))


STATUS_WARNINGS = {
    Status.RETRACTED: "This study was retracted: cite it only to discuss the retraction.",
    Status.CONCERN: "The journal has published an expression of concern about this study.",
}


def _study_summary(study: Study, match=None) -> dict:
    summary = {
        "id": study.pk,
        "url": study.get_absolute_url(),
        "state": study.lookup_state,
        "identifier": study.identifier_label,
        "title": study.title,
        "journal": study.container_title,
        "year": study.year,
        "design": study.effective_design,
        "design_label": study.design_label,
        "status": study.public_status,
        "status_label": study.public_status_label,
        "warning": STATUS_WARNINGS.get(study.effective_status, ""),
        "cite": cite_markup(study),
    }
    if match is not None:
        summary["existing"] = True
        summary["differences"] = match.differences
        summary["suggest_url"] = reverse("forum:study_suggest", args=[study.pk])
    return summary


def _new_entry_summary(metadata) -> dict:
    """A pasted entry not in the library yet: what it would be, nothing stored."""
    verdict = classify(metadata)
    if metadata.doi:
        cite = f"[@doi:{metadata.doi}]"
    elif metadata.pmid:
        cite = f"[@pmid:{metadata.pmid}]"
    else:
        cite = f"[@{metadata.bibtex_key}]" if metadata.bibtex_key else ""
    return {
        "id": None, "url": "", "state": "new", "identifier": metadata.doi or metadata.bibtex_key or metadata.title,
        "title": metadata.title, "journal": metadata.container_title, "year": metadata.year,
        "design": verdict.design.value, "design_label": verdict.design_label, "status": verdict.status.value,
        "status_label": STATUS_LABELS[verdict.status], "warning": STATUS_WARNINGS.get(verdict.status, ""),
        "cite": cite,
    }


def _new_identifier_summary(ref) -> dict:
    label = f"PMID {ref.value}" if ref.kind == "pmid" else ref.value
    return {"id": None, "url": "", "state": "new", "identifier": label, "title": "", "journal": "", "year": None,
            "design": "", "design_label": "", "status": "", "status_label": "", "warning": "",
            "cite": f"[@{ref.kind}:{ref.value}]"}


@login_required
@require_POST
def resolve(request):
    """The composer's "Add reference" dialog (JSON). Looking up changes nothing; pressing
    Insert posts again with `commit` to store new entries and start their look-ups."""
    try:
        ensure_can_act(request.user)  # adding to the shared library is writing
    except PermissionDenied as exc:
        return JsonResponse({"studies": [], "problems": [str(exc)]}, status=403)
    form = ReferencePasteForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"studies": [], "problems": [e for errors in form.errors.values() for e in errors]},
                            status=400)
    text = form.cleaned_data["text"]
    if request.POST.get("commit"):
        added = references_add(text=text, actor=request.user)
    else:
        added = references_preview(text=text)
    matches = {match.study.pk: match for match in added.matches}
    summaries = [_study_summary(s, matches.get(s.pk)) for s in added.studies]
    summaries += [_new_identifier_summary(ref) for ref in added.new_identifiers]
    summaries += [_new_entry_summary(entry) for entry in added.new_entries]
    status = 200 if summaries or not added.problems else 400
    return JsonResponse({"studies": summaries, "problems": added.problems}, status=status)


@login_required
def add(request):
    """Add references without JavaScript: paste identifiers or BibTeX/RIS, or enter one by hand."""
    paste_form, manual_form, added, status = ReferencePasteForm(), StudyForm(prefix="manual"), None, 200
    if request.method == "POST":
        ensure_can_act(request.user)  # adding to the shared library is writing
        if "manual-title" in request.POST:
            manual_form = StudyForm(request.POST, prefix="manual")
            if manual_form.is_valid():
                matches = []
                study = studies_import(records=[manual_form.to_metadata()], actor=request.user, matches=matches)[0]
                if not matches or not matches[0].differences:
                    return redirect(study)
                added = AddedReferences([study], [], matches)
            else:
                status = 400
        else:
            paste_form = ReferencePasteForm(request.POST)
            if paste_form.is_valid():
                added = references_add(text=paste_form.cleaned_data["text"], actor=request.user)
                if len(added.studies) == 1 and not added.problems and not any(m.differences for m in added.matches):
                    return redirect(added.studies[0])
                if not added.studies:
                    status = 400
            else:
                status = 400
    return TemplateResponse(request, "forum/evidence/studies/add.html", {
        "paste_form": paste_form, "manual_form": manual_form, "added": added,
        # Each known study the member's entry disagrees with, and that entry as BibTeX to send
        # as a suggested correction (a hand-typed entry too).
        "disagreements": [(m, to_bibtex(m.entry, key=m.entry.bibtex_key or None))
                          for m in (added.matches if added else []) if m.differences],
    }, status=status)


@login_required
def edit(request, study_id: int):
    ensure_can_moderate(request.user)
    study = get_object_or_404(Study, pk=study_id)
    status = 200
    if request.method == "POST":
        form = StudyEditForm(request.POST)
        if form.is_valid():
            study_edit(
                editor=request.user, study=study, metadata=form.to_metadata(base=study.as_metadata()),
                design_override=form.cleaned_data["design_override"],
                status_override=form.cleaned_data["status_override"], reason=form.cleaned_data["reason"],
            )
            return redirect(study)
        status = 400
    else:
        initial = StudyForm.initial_from(study.as_metadata())
        initial.update(design_override=study.design_override, status_override=study.status_override)
        form = StudyEditForm(initial=initial)
    return TemplateResponse(request, "forum/evidence/studies/edit.html", {"study": study, "form": form}, status=status)
