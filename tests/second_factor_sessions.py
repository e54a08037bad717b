"""Signed-in test clients as allauth would leave them: with or without the second factor.

`client.force_login` skips allauth, so by itself it leaves a session that passed no factor at
all. The suite's conftest makes it stand for a finished sign-in instead: for an account with a
second factor, allauth never finishes one without it, so the forced sign-in records that the
factor was passed, in allauth's own session records. A test about a session that passed only the
password asks for one with `password_only`.
"""

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.test import RequestFactory

from accounts.second_factor import SECOND_FACTORS


def _record(client, user, method: str, **extra) -> None:
    request = RequestFactory().get("/")
    request.session = client.session  # a fresh store each time it is read: keep this one
    record_authentication(request, user, method, **extra)
    request.session.save()


def record_sign_in(client, user) -> None:
    """What allauth records for `user`'s sign-in: the password, then the factor if they have one."""
    _record(client, user, "password", username=user.username)
    factor = Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).first()
    if factor is not None:
        _record(client, user, "mfa", id=factor.pk, type=factor.type)


def password_only(client, user):
    """`client` signed in as `user` with the password alone (as Django admin's own form did)."""
    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = []
    session.save()
    _record(client, user, "password", username=user.username)
    return client
