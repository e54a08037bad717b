"""The composer's draft: saved as the member types, offered back when they return, thrown away
on request (static/js/composer-extras.js calls it)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from forum.discussion import drafts
from forum.models import Category, Submission


@login_required
def draft(request, key: str):
    """GET the saved draft, POST to save it (the composer calls this as you type), DELETE-by-POST
    with discard=1 to throw it away."""
    # ASCII digits only: str.isdigit() also accepts "²" and other digits no topic id is made of.
    if key != drafts.NEW_TOPIC and not re.fullmatch(r"(topic|edit)-[0-9]{1,19}", key):
        raise Http404("No such draft.")
    if request.method == "POST":
        if request.POST.get("discard"):
            drafts.draft_discard(user=request.user, key=key)
            if request.headers.get("Accept", "").startswith("application/json"):
                return JsonResponse({"saved": False})
            messages.success(request, "Draft discarded.")
            next_url = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
                next_url = reverse("forum:latest")  # never send a member off-site
            return redirect(next_url)
        reply_to = request.POST.get("reply_to", "")
        category = request.POST.get("category", "")

        def typed(name: str) -> str:
            # The composer's forms refuse NUL characters; PostgreSQL cannot store them, so drop them here.
            return request.POST.get(name, "").replace("\x00", "")

        saved = drafts.draft_save(
            user=request.user, key=key, raw=typed("raw"), title=typed("title"), tags=typed("tags"),
            reason=typed("reason"), competing_interests=typed("competing_interests"), reply_to=int(reply_to) if reply_to.isdigit() and len(reply_to) < 10 else None,
            category=Category.objects.filter(pk=category).first() if category.isdigit() and len(category) < 19 else None,
        )
        return JsonResponse({"saved": saved is not None, "updated_at": saved.updated_at.isoformat() if saved else None})
    found = drafts.draft_for(request.user, key)
    # A page brought back by Back (the back/forward cache) asks whether its form was already
    # sent, so it can empty itself instead of offering the same text again.
    token = request.GET.get("token", "")[:64]
    submitted = bool(token) and Submission.objects.filter(user=request.user, token=token).exists()
    if found is None:
        return JsonResponse({"raw": "", "title": "", "updated_at": None, "submitted": submitted})
    return JsonResponse({"raw": found.raw, "title": found.title, "reply_to": found.reply_to,
                         "category": found.category_id, "tags": found.tags, "reason": found.reason,
                         "competing_interests": found.competing_interests,
                         "updated_at": found.updated_at.isoformat(), "submitted": submitted})
