"""Study pages: the index, one study, exports, adding references, and moderator corrections."""

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from forum.models import Citation, Study, Topic
from forum.models.study import DesignChoices, StatusChoices
from django.core.exceptions import PermissionDenied

from forum.permissions import ensure_can_act, ensure_can_moderate
from forum.references.bibtex import to_bibtex
from forum.references.csl import to_csl_json
from forum.references.ris import to_ris
from forum.services.referencing import cite_markup, references_add, studies_import, study_edit
from forum.study_forms import ReferencePasteForm, StudyEditForm, StudyForm

EXPORTS = {
    "bib": ("application/x-bibtex; charset=utf-8", "bib"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}


def index(request):
    studies = Study.objects.all()
    query = request.GET.get("q", "").replace("\x00", "").strip()[:200]  # PostgreSQL refuses NUL
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
    return render(request, "forum/studies/index.html", {
        "page_obj": page_obj, "query": query, "design": design, "status": status,
        "designs": DesignChoices.choices, "statuses": StatusChoices.choices,
    })


# A study page lists the topics of its latest citations.
TOPICS_SHOWN = 50
RECENT_CITATIONS_READ = 200


def detail(request, study_id: int):
    study = get_object_or_404(Study, pk=study_id)
    # The topics of its most recent citations, walked newest first on the citation index and
    # stopped early: a study cited 20,000 times must not cost 20,000 rows to list 50 topics.
    recent = (
        Citation.objects.filter(study=study, post__deleted_at__isnull=True, post__hidden_at__isnull=True)
        .order_by("-pk").values_list("post__topic_id", flat=True)[:RECENT_CITATIONS_READ]
    )
    topic_ids = list(dict.fromkeys(recent))[:TOPICS_SHOWN]
    topics = (
        Topic.objects.visible_to(request.user).filter(pk__in=topic_ids)
        .select_related("category").order_by("-last_posted_at")
    )
    metadata = study.as_metadata()
    first_page, _, last_page = metadata.pages.partition("-")
    return render(request, "forum/studies/detail.html", {
        "first_page": first_page.strip(), "last_page": last_page.strip(),
        "study": study,
        "metadata": metadata,
        "abstract_paragraphs": [p for p in metadata.abstract.split("\n\n") if p.strip()],
        "topics": topics,
        "cite_markup": cite_markup(study),
        "revisions": study.revisions.select_related("edited_by")[:20] if getattr(request.user, "is_moderator", False) else [],
    })


def _export_response(text: str, fmt: str, filename: str) -> HttpResponse:
    content_type, extension = EXPORTS[fmt]
    response = HttpResponse(text, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response


def export(request, study_id: int, fmt: str):
    if fmt not in EXPORTS:
        raise Http404("Unknown export format.")
    study = get_object_or_404(Study, pk=study_id)
    metadata = study.as_metadata()
    if fmt == "bib":
        text = to_bibtex(metadata, key=study.bibtex_key or None)
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
        text = "\n".join(to_bibtex(s.as_metadata(), key=s.bibtex_key or None) for s in studies)
    else:
        text = "\n".join(to_ris(s.as_metadata()) for s in studies)
    return _export_response(text, fmt, f"topic-{topic.pk}-references")


def study_json(request, study_id: int):
    study = get_object_or_404(Study, pk=study_id)
    return JsonResponse(_study_summary(study))


def _study_summary(study: Study) -> dict:
    return {
        "id": study.pk,
        "url": study.get_absolute_url(),
        "state": study.lookup_state,
        "identifier": study.identifier_label,
        "title": study.title,
        "journal": study.container_title,
        "year": study.year,
        "design": study.effective_design,
        "design_label": study.design_label,
        "status": study.effective_status,
        "status_label": study.status_label,
        "cite": cite_markup(study),
    }


@login_required
@require_POST
def resolve(request):
    """The composer's "Add reference" dialog: paste something, get studies to cite (JSON)."""
    try:
        ensure_can_act(request.user)  # adding to the shared library is writing
    except PermissionDenied as exc:
        return JsonResponse({"studies": [], "problems": [str(exc)]}, status=403)
    form = ReferencePasteForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"studies": [], "problems": [e for errors in form.errors.values() for e in errors]},
                            status=400)
    added = references_add(text=form.cleaned_data["text"])
    status = 200 if added.studies or not added.problems else 400
    return JsonResponse({"studies": [_study_summary(s) for s in added.studies], "problems": added.problems},
                        status=status)


@login_required
def add(request):
    """Add references without JavaScript: paste identifiers or BibTeX/RIS, or enter one by hand."""
    paste_form, manual_form, added, status = ReferencePasteForm(), StudyForm(prefix="manual"), None, 200
    if request.method == "POST":
        ensure_can_act(request.user)  # adding to the shared library is writing
        if "manual-title" in request.POST:
            manual_form = StudyForm(request.POST, prefix="manual")
            if manual_form.is_valid():
                study = studies_import(records=[manual_form.to_metadata()])[0]
                return redirect(study)
            status = 400
        else:
            paste_form = ReferencePasteForm(request.POST)
            if paste_form.is_valid():
                added = references_add(text=paste_form.cleaned_data["text"])
                if len(added.studies) == 1 and not added.problems:
                    return redirect(added.studies[0])
                if not added.studies:
                    status = 400
            else:
                status = 400
    return TemplateResponse(request, "forum/studies/add.html", {
        "paste_form": paste_form, "manual_form": manual_form, "added": added,
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
    return TemplateResponse(request, "forum/studies/edit.html", {"study": study, "form": form}, status=status)
