"""Moderators work with a second factor.

Moderators hide posts, suspend members and verify clinicians' credentials: a stolen password
must not be enough for that. Until a moderator has an authenticator app or a passkey, every
moderation page sends them to set one up (`FORUM_MODERATOR_SECOND_FACTOR`, on by default).
"""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class SecondFactorRequired(PermissionDenied):
    """A moderator without a second factor tried to moderate."""


def has_second_factor(user) -> bool:
    # Recovery codes come with a factor and are no factor on their own.
    answer = getattr(user, "_has_second_factor", None)
    if answer is None:
        answer = user._has_second_factor = Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()
    return answer


def ensure_second_factor(user) -> None:
    if getattr(settings, "FORUM_MODERATOR_SECOND_FACTOR", True) and not has_second_factor(user):
        raise SecondFactorRequired("Moderation needs a second factor: set up an authenticator app or a passkey first.")


class SecondFactorRequiredMiddleware:
    """Turns a refusal for want of a second factor into the page where one is set up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, SecondFactorRequired):
            return None
        messages.warning(request, str(exception))
        return redirect("mfa_index")
