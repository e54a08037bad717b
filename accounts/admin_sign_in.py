"""The Django admin signs in through allauth, and opens only to a session that passed the
second factor.

Django admin's own login form checks a password and nothing else: no rate limit, no second
factor. allauth's documented way of securing the admin (`secure_admin_login`) sends anyone
signed out to allauth's login instead, with its failed-login limits and its second-factor
stage; the admin's password form is never shown or accepted. Signed in, the admin asks the same
question as every other moderator power (`acting_with_second_factor`): a session that signed in
with a password only is sent to confirm its factor, or to set one up, and never reaches a page.
"""

from allauth.account.decorators import secure_admin_login
from django.contrib.admin import AdminSite
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .second_factor import acting_with_second_factor, ensure_second_factor


def _admin_login(site: AdminSite):
    def login(request, extra_context=None):
        # Only a signed-in, active staff member gets here (secure_admin_login answers the rest).
        ensure_second_factor(request.user)
        back = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            back = reverse("admin:index", current_app=site.name)
        return redirect(back)

    return secure_admin_login(login)


def secure_admin_site(site: AdminSite) -> None:
    """Called before the site's URLs are built, so they route to these."""
    def has_permission(request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and acting_with_second_factor(user)

    site.has_permission = has_permission
    site.login = _admin_login(site)
