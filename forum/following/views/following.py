"""Following conversations: watch levels, notification preferences, unsubscribing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from forum.access.visible import get_visible_topic
from forum.following.digests import FREQUENCIES, digest_set
from forum.following.notifying import preference_set, preferences_for, unsubscribe, unsubscribe_read
from forum.following.watching import category_level_set, topic_level_set
from forum.models import Category, NotificationKind, WatchLevel



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
