"""Following conversations: watch levels, notification preferences, unsubscribing, drafts."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from forum.access.visible import get_visible_topic
from forum.discussion import drafts
from forum.following.digests import FREQUENCIES, digest_set
from forum.following.notifying import preference_set, preferences_for, unsubscribe, unsubscribe_read
from forum.following.watching import category_level_set, topic_level_set
from forum.models import Category, NotificationKind, Submission, WatchLevel



@login_required
@require_POST
def topic_level(request, topic_id: int):
    topic = get_visible_topic(request.user, topic_id)
    level = _chosen_level(request)
    if level:
        topic_level_set(user=request.user, topic=topic, level=level)
        messages.success(request, f"{WatchLevel(level).label.split(':')[0]}: this topic.")
    return redirect(topic)


@login_required
@require_POST
def category_level(request, slug: str):
    category = get_object_or_404(Category, slug=slug)
    level = _chosen_level(request)
    if level:
        category_level_set(user=request.user, category=category, level=level)
        messages.success(request, f"{WatchLevel(level).label.split(':')[0]}: {category.name}.")
    return redirect(category)


def _chosen_level(request) -> str:
    """The watch level the form sent, or "" with the error already told to the member."""
    level = request.POST.get("level", "")
    if level not in WatchLevel.values:
        messages.error(request, "Choose watching, tracking or muted.")
        return ""
    return level


@login_required
def preferences(request):
    if request.method == "POST":
        for kind in NotificationKind.values:
            preference_set(user=request.user, kind=kind, web=f"web-{kind}" in request.POST,
                           email=f"email-{kind}" in request.POST)
        frequency = request.POST.get("email_digest", request.user.email_digest)
        if frequency in FREQUENCIES and frequency != request.user.email_digest:
            digest_set(user=request.user, frequency=frequency)
        messages.success(request, "Your notification settings are saved.")
        return redirect("forum:notification_preferences")
    current = preferences_for(request.user)
    rows = [(kind, label, *current[kind]) for kind, label in NotificationKind.choices]
    return render(request, "forum/following/notification_preferences.html", {
        "rows": rows, "digest_choices": request.user._meta.get_field("email_digest").choices,
    })


# Mail clients send RFC 8058 one-click unsubscribes as a bare POST with no session or CSRF token;
# the signed token in the URL is the proof that this member asked.
@csrf_exempt
def unsubscribe_view(request, token: str):
    found = unsubscribe_read(token)
    if found is None:
        raise Http404("This unsubscribe link is not valid.")
    user_id, kind = found
    done = False
    if request.method == "POST":
        unsubscribe(user_id=user_id, kind=kind)
        done = True
    return TemplateResponse(request, "forum/following/unsubscribe.html", {
        "kind_label": NotificationKind(kind).label, "done": done,
    })


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
