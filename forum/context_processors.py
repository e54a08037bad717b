from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.template.context_processors import csrf

from forum.live import pages as live


def unread_notification_count(user) -> int:
    """The bell's count (up to 100, shown as "99+" beyond), from the cache when it is current:
    forum/caching/notification_bell.py. The live endpoint sends the same."""
    from forum.caching.notification_bell import unread_count_for_bell

    return unread_count_for_bell(user)


def unread_notification_count_for_request(request) -> int:
    """The header's count, kept on the request: a view that needs it first (the topic page, to
    learn whether anything could be marked read) shares the one read with the header."""
    if getattr(request, "unread_notification_count", None) is None:
        request.unread_notification_count = unread_notification_count(request.user)
    return request.unread_notification_count


def review_waiting_count() -> int:
    from forum.models import Flag

    # Posts waiting in the review queue, for the header's "Review" link: one index-only count
    # over the open flags (state, post), capped like the bell's.
    return Flag.objects.open().values("post").distinct()[:100].count()


def site(request):
    context = {"SITE_NAME": settings.SITE_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Lazy: pages that never show the header (fragments) never run the query.
        context["unread_notifications"] = lambda: unread_notification_count_for_request(request)
        if user.is_moderator:
            context["review_waiting"] = review_waiting_count
    # The tokens the page is live under (forum/live/pages.py): the view's own when it read them before
    # its queries, else read when the template first asks.
    context["live_tokens"] = lambda: getattr(request, "live_tokens", None) or live.tokens_for_page(user=user)
    return context


def for_jinja2(request) -> dict:
    """What the context processors (settings TEMPLATES: request, auth, messages, site, and the
    CSRF token Django adds) give a Django template, for a Jinja2 page (config/jinja_env.py): named
    here rather than run as the Jinja2 backend's context processors, since the backend would put
    them over the view's own values (a shared page's CSRF placeholder)."""
    return {
        "request": request,
        "user": request.user if hasattr(request, "user") else AnonymousUser(),
        "messages": get_messages(request),
        **csrf(request),  # read once a page, as a Django template reads it: one masked token for its forms
        **site(request),
    }
