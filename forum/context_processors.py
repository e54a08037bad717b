from django.conf import settings


def site(request):
    context = {"SITE_NAME": settings.SITE_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Lazy: pages that never show the header (fragments) never run the query.
        context["unread_notifications"] = lambda: user.notifications.unread().about_visible_posts().count()
    return context
