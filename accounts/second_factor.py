"""Moderators act only from a session that passed the second factor.

Moderators hide posts, suspend members, verify clinicians' credentials and edit studies: a stolen
or guessed password must not be enough for that. Having an authenticator is not the test (the
password alone used to sign in through Django admin's own form and then moderate); the test is
that *this* sign-in passed it. allauth keeps, in the session, a record of each way the session
was authenticated ("password", then "mfa" once a code, recovery code or passkey was accepted);
`acting_with_second_factor` reads those records, and `User.is_moderator` is the role *and* this
answer, so every place that grants moderator power (services, views, templates, the Django
admin) asks the same question. A moderator whose session has not passed it is, for that request,
a member who sees "Set up a second factor to moderate" (or "Confirm ...") where controls were.

Outside a web request (the shell, management commands, background tasks) there is no session to
ask, and the role stands: those are the operator's own hands. Inside one, the rule applies to the
signed-in person only; another member's `is_moderator` (a badge on a post) is their role.

`FORUM_MODERATOR_SECOND_FACTOR` (on by default) may be switched off for a local demo.
"""

from contextvars import ContextVar
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

# The request being answered, so `User.is_moderator` can ask its session without every caller
# passing the request down to every service.
_current_request: ContextVar = ContextVar("evident_current_request", default=None)

SET_UP_MESSAGE = "Set up a second factor to moderate: an authenticator app or a passkey."
CONFIRM_MESSAGE = "Confirm your second factor to moderate: this sign-in has not used it yet."


class SecondFactorRequired(PermissionDenied):
    """Someone with the moderator role tried to moderate from a session that did not pass the
    second factor."""


def has_second_factor(user) -> bool:
    # Recovery codes come with a factor and are no factor on their own.
    answer = getattr(user, "_has_second_factor", None)
    if answer is None:
        answer = user._has_second_factor = Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()
    return answer


def session_passed_second_factor(request, user) -> bool:
    """Whether this session's sign-in of `user` included a second factor (a code from the app, a
    recovery code or a passkey), at sign-in or confirmed since."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


def acting_with_second_factor(user) -> bool:
    """The one rule behind moderator power: may `user`'s role count in the current request?"""
    if not getattr(settings, "FORUM_MODERATOR_SECOND_FACTOR", True):
        return True
    request = _current_request.get()
    if request is None or not hasattr(request, "session"):
        return True  # no web request (the operator's shell, a command or a task), so nobody signed in
    if str(user.pk) != str(request.session.get(SESSION_KEY)):
        return True  # not the person signed in: their role is only being shown
    return session_passed_second_factor(request, user)


def ensure_second_factor(user) -> None:
    """For someone who holds the moderator role: refuse unless this session passed the factor."""
    if not acting_with_second_factor(user):
        raise SecondFactorRequired(CONFIRM_MESSAGE if has_second_factor(user) else SET_UP_MESSAGE)


def second_factor_step_url(request) -> str:
    """Where a moderator goes to be able to moderate: confirming the factor they have (allauth's
    re-authentication with a code or passkey, which records "mfa" for this session) and coming
    back, or setting one up."""
    if not has_second_factor(request.user):
        return reverse("mfa_index")
    back = request.get_full_path() if request.method == "GET" else request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = "/"
    return f"{reverse('mfa_reauthenticate')}?{urlencode({'next': back})}"


class SecondFactorRequiredMiddleware:
    """Makes the current request known to `acting_with_second_factor`, and turns a refusal for
    want of a second factor into the step that gives it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)

    def process_exception(self, request, exception):
        if not isinstance(exception, SecondFactorRequired):
            return None
        step = second_factor_step_url(request)
        if request.method == "POST":
            # A redirect would drop what was sent; a composer's text is shown back to copy.
            from forum.site_views.errors import typed_text

            return TemplateResponse(request, "accounts/second_factor_required.html", {
                "message": str(exception), "step_url": step, "typed": typed_text(request),
                "reason": request.POST.get("reason", "")[:300], "set_up": not has_second_factor(request.user),
            }, status=403)
        messages.warning(request, str(exception))
        return redirect(step)
