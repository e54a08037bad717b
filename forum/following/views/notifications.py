"""A member's notifications: the list, opening one, marking all read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from forum.models import Notification, NotificationKind


@login_required
def inbox(request):
    paginator = Paginator(Notification.objects.for_list(request.user), 30)
    return render(request, "forum/following/notifications.html", {"page_obj": paginator.get_page(request.GET.get("page"))})


@login_required
def menu(request):
    """The bell's menu (fetched by bell.js): the latest notifications as a fragment."""
    latest = Notification.objects.for_list(request.user)[:8]
    return render(request, "forum/following/notification_menu.html", {"notifications": latest})


@login_required
@require_POST
def open_one(request, notification_id: int):
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    # A deleted post (or its deleted topic) is no longer there to open; the list says why.
    if notification.post_id and notification.kind != NotificationKind.POST_DELETED:
        return redirect(notification.post)
    if notification.study_id:
        return redirect(notification.url)
    return redirect("forum:notifications")


@login_required
@require_POST
def mark_all_read(request):
    Notification.objects.filter(recipient=request.user).unread().update(read_at=timezone.now())
    return redirect("forum:notifications")
