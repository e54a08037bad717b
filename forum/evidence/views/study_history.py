"""A study's history and the ways it changes by hand: a moderator restoring a revision, members'
suggested corrections and the moderators' queue of them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from forum.access.permissions import ensure_can_act, ensure_can_moderate
from forum.common.dates import moment_text
from forum.evidence.referencing import paste_parse
from forum.models import Study, StudyRevision, StudySuggestion, SuggestionState
from forum.evidence.study_records import (
    entry_differences, revision_changes, study_match, study_restore, study_suggestion_accept,
    study_suggestion_create, study_suggestion_reject, suggestion_applied,
)
from forum.common.one_line import one_line
from forum.evidence.study_forms import ReferencePasteForm

REVISIONS_SHOWN = 100


def history(request, study_id: int, *, restore_problem: tuple[int, str] | None = None, status: int = 200):
    """Every recorded change, newest first, each with the fields it changed."""
    study = get_object_or_404(Study, pk=study_id)
    revisions = list(study.revisions.select_related("edited_by").order_by("edited_at", "pk"))[-REVISIONS_SHOWN - 1:]
    entries, previous = [], None
    for index, revision in enumerate(revisions):
        if index or len(revisions) <= REVISIONS_SHOWN:  # the oldest one shown is only a baseline
            entries.append((revision, revision_changes(previous, revision.snapshot)))
        previous = revision.snapshot
    entries.reverse()
    return render(request, "forum/evidence/studies/history.html", {
        "study": study, "entries": entries, "latest_id": entries[0][0].pk if entries else None,
        "restore_problem": restore_problem,
    }, status=status)


@login_required
@require_POST
def restore(request, study_id: int, revision_id: int):
    ensure_can_moderate(request.user)
    revision = get_object_or_404(StudyRevision, pk=revision_id, study_id=study_id)
    reason = one_line(request.POST.get("reason", ""))[:300]
    if not reason:
        # Undoing someone's correction says why, as an edit does: the history and the audit log
        # show it to the next person wondering where their change went.
        return history(request, study_id, status=400,
                       restore_problem=(revision.pk, "Say why you are restoring this revision."))
    if request.POST.get("confirm") != "yes":
        # Asked first: with JavaScript in a dialog (confirm.js), without it on this page.
        return TemplateResponse(request, "forum/moderation/confirm.html", {
            "heading": "Restore this revision?",
            "explanation": f"The study goes back to how it was on {moment_text(revision.edited_at)}: every field "
                           "changed since then is undone. The restore is itself a new revision, and can be undone.",
            "button": "Restore this revision", "fields": {}.items(), "action_url": request.path,
            "cancel_url": reverse("forum:study_history", args=[study_id]), "reason": reason,
        })
    study_restore(moderator=request.user, revision=revision, reason=reason)
    messages.success(request, "The study is back as it was in that revision; the restore is in its history.")
    return redirect("forum:study_history", study_id=study_id)


@login_required
@require_POST
def suggest(request, study_id: int):
    """A member sends what they pasted as a suggested correction to `study` (JSON for the
    composer's dialog, a redirect otherwise)."""
    ensure_can_act(request.user)  # a suspended member is told why, with a 403
    study = get_object_or_404(Study, pk=study_id)
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = ReferencePasteForm(request.POST)
    problem = ""
    try:
        if not form.is_valid():
            raise PermissionDenied(" ".join(e for errors in form.errors.values() for e in errors))
        _, records, _ = paste_parse(form.cleaned_data["text"])
        entry = next((r for r in records if (m := study_match(r)) and m.pk == study.pk), None)
        if entry is None:
            raise PermissionDenied("None of what you pasted describes this study.")
        study_suggestion_create(member=request.user, study=study, metadata=entry,
                                             note=request.POST.get("note", "")[:500])
    except PermissionDenied as exc:
        problem = str(exc)
    if wants_json:
        if problem:
            return JsonResponse({"problems": [problem]}, status=400)
        return JsonResponse({"message": "Sent to the moderators as a suggested correction. Thank you."})
    if problem:
        messages.error(request, problem)
        return TemplateResponse(request, "400.html", {}, status=400)
    messages.success(request, "Sent to the moderators as a suggested correction. Thank you.")
    return redirect(study)


@login_required
def suggestions(request):
    """The moderators' queue: each open suggestion with what it would change."""
    ensure_can_moderate(request.user)
    pending = StudySuggestion.objects.filter(state=SuggestionState.OPEN).select_related("study", "suggested_by")
    items = []
    for suggestion in pending[:50]:
        proposed = suggestion_applied(suggestion.study, suggestion)
        changes = revision_changes({"metadata": suggestion.study.metadata}, {"metadata": proposed.to_dict()})
        items.append((suggestion, changes, entry_differences(suggestion.study, suggestion.as_metadata())))
    return TemplateResponse(request, "forum/evidence/studies/suggestions.html", {"items": items, "count": pending.count()})


@login_required
@require_POST
def suggestion_decide(request, suggestion_id: int):
    ensure_can_moderate(request.user)
    suggestion = get_object_or_404(StudySuggestion, pk=suggestion_id)
    reason = request.POST.get("reason", "")[:300]
    if request.POST.get("decision") == "accept":
        study_suggestion_accept(moderator=request.user, suggestion=suggestion, reason=reason)
        messages.success(request, "Suggestion accepted: the study was corrected and the change is in its history.")
    elif request.POST.get("decision") == "reject":
        study_suggestion_reject(moderator=request.user, suggestion=suggestion, reason=reason)
        messages.success(request, "Suggestion rejected; the study is unchanged.")
    else:
        messages.error(request, "Choose accept or reject.")
    return redirect("forum:study_suggestions")
