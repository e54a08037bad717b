import json

from allauth.account.decorators import reauthentication_required
from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone

from forum.access.permissions import ensure_not_suspended
from forum.models import Post

from .forms import ProfileForm
from .member_data import member_data, member_delete
from .models import User
from .social import social_sign_in_offered


def profile(request, username: str):
    member = get_object_or_404(User.objects.by_username(username))
    if member.is_deleted_account:
        # Their posts stay, signed "Deleted member" and linked here: the link says what happened
        # rather than leading to "We couldn't find that page". 410: gone for good.
        return render(request, "accounts/profile_deleted.html", status=410)
    if not member.is_active:
        raise Http404("No such member.")
    posts = Post.objects.by_author_visible(member)
    return render(request, "accounts/profile.html", {
        "member": member,
        "post_count": posts.count(),
        "recent_posts": posts.select_related("topic").order_by("-created_at")[:10],
        "staff_notes": (member.staff_notes.select_related("author")
                        if getattr(request.user, "is_moderator", False) else ()),
    })


@login_required
def profile_edit(request):
    status = 200
    if request.method == "POST":
        ensure_not_suspended(request.user)  # a bio is public: suspended members can read, not write
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, "Your profile has been saved.")
            return redirect(request.user)
        status = 400
    else:
        form = ProfileForm(instance=request.user)
    return TemplateResponse(request, "accounts/profile_edit.html", {"form": form}, status=status)


@login_required
def suggest(request):
    """Usernames for the composer's @mention suggestions (prefix match, a few at a time)."""
    prefix = request.GET.get("q", "").strip().lstrip("@")[:30]
    if not prefix:
        return JsonResponse({"results": []})
    members = (User.objects.filter(is_active=True, username__istartswith=prefix)
               .order_by("username").values("username", "display_name")[:8])
    return JsonResponse({"results": [{"username": m["username"], "name": m["display_name"] or m["username"]}
                                     for m in members]})


@login_required
def account_settings(request):
    """One page for everything about the account: sign-in, second factors, connections, data."""
    return render(request, "accounts/account_settings.html", {
        "social_sign_in_offered": social_sign_in_offered(request),
        "has_connected_accounts": request.user.socialaccount_set.exists(),
    })


@login_required
def data_download(request):
    data = json.dumps(member_data(user=request.user), indent=2, ensure_ascii=False)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="evident-{request.user.username}-{stamp}.json"'
    return response


@login_required
@reauthentication_required
def account_delete(request):
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, "Tick the box to confirm that you want your account deleted.")
            return TemplateResponse(request, "accounts/account_delete.html", status=400)
        member_delete(user=request.user)
        logout(request)
        messages.success(request, "Your account has been deleted. Your posts stay, signed \"Deleted member\".")
        return redirect("forum:latest")
    return TemplateResponse(request, "accounts/account_delete.html")
def confirmation_resend(request):
    """"Send the confirmation again": for whoever lost the mail, or let the link expire.

    The answer is the same whether or not the address belongs to an unconfirmed account, so the
    form tells nobody who has an account here; allauth's `confirm_email` rate limit (per address)
    keeps it from being used to flood an inbox.
    """
    sent = False
    email = ""
    if request.method == "POST":
        email = request.POST.get("email", "").strip()[:254]
        if email:
            address = EmailAddress.objects.filter(email__iexact=email, verified=False).select_related("user").first()
            if address is not None and ratelimit.consume(request, action="confirm_email", key=email.lower()):
                address.send_confirmation(request)
            sent = True
    return TemplateResponse(request, "accounts/confirmation_resend.html", {"sent": sent, "email": email})
