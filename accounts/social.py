"""Signing in with ORCID or a community's OpenID Connect provider (allauth's socialaccount).

An ORCID iD counts as verified only when its owner signed in with it at ORCID: that is the iD
shown on the profile and next to an expert's credential, and matched against study authors.
"""

import re

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.signals import social_account_added, social_account_removed, social_account_updated
from django.db import transaction
from django.dispatch import receiver

ORCID_ID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


def _orcid_of(sociallogin_or_account) -> str:
    account = getattr(sociallogin_or_account, "account", sociallogin_or_account)
    uid = account.uid if account.provider == "orcid" else ""
    return uid if ORCID_ID.match(uid or "") else ""


def member_set_orcid(*, user, orcid: str) -> None:
    if user.orcid != orcid:
        user.orcid = orcid
        user.save(update_fields=["orcid"])
        # Their posts' chips say "author" of the studies this iD wrote: re-rendered in the
        # background (a worker that is down catches up later; the posts still show meanwhile).
        from forum.discussion.citing_posts import recook_member_citations

        transaction.on_commit(lambda: recook_member_citations.enqueue(user_id=user.pk))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        orcid = _orcid_of(sociallogin)
        if orcid:
            member_set_orcid(user=user, orcid=orcid)
        return user


@receiver(social_account_added)
@receiver(social_account_updated)
def _remember_orcid(sender, request, sociallogin, **kwargs):
    orcid = _orcid_of(sociallogin)
    if orcid:
        member_set_orcid(user=sociallogin.user, orcid=orcid)


@receiver(social_account_removed)
def _forget_orcid(sender, request, socialaccount, **kwargs):
    if socialaccount.provider == "orcid" and socialaccount.user.orcid == socialaccount.uid:
        member_set_orcid(user=socialaccount.user, orcid="")


def social_sign_in_offered(request) -> bool:
    """Whether any provider is configured (ORCID needs a client id; OpenID Connect a client id and
    a server address: config/settings.py). Settings decide, at request time."""
    from allauth.socialaccount.adapter import get_adapter

    return bool(get_adapter().list_providers(request))
