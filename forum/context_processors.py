from django.conf import settings


def site(request):
    context = {"SITE_NAME": settings.SITE_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Lazy: pages that never show the header (fragments) never run the query. Counted up to
        # 100 and shown as "99+" beyond: a member who has not looked in months has thousands, and
        # every page they open would count them all.
        context["unread_notifications"] = lambda: user.notifications.unread().about_visible_posts()[:100].count()
    return context
