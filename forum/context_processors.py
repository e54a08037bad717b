from django.conf import settings


def site(request):
    context = {"SITE_NAME": settings.SITE_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Lazy: pages that never show the header (fragments) never run the query. Counted up to
        # 100 and shown as "99+" beyond: a member who has not looked in months has thousands, and
        # every page they open would count them all.
        context["unread_notifications"] = lambda: user.notifications.unread().about_visible_posts()[:100].count()
        if user.is_moderator:
            from forum.models import Flag

            # Posts waiting in the review queue, for the header's "Review" link: one index-only
            # count over the open flags (state, post), capped like the bell's.
            context["review_waiting"] = lambda: Flag.objects.open().values("post").distinct()[:100].count()
    return context
