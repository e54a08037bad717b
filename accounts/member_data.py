"""What a member can take with them, and what leaving removes.

`member_data` is the "Download my data" file; `member_delete` is "Delete my account": the
account's personal data goes, the words they posted stay (others quoted and answered them), now
signed "Deleted member".
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.db import transaction

from forum.models import (CategorySubscription, Draft, Notification, NotificationPreference, Post,
                          TopicSubscription, Upload)

from .models import CredentialRequest, Role

DATA_FORMAT_VERSION = 1


def member_data(*, user) -> dict:
    """Everything the site holds that a member wrote or chose, as JSON-ready values."""
    posts = (Post.objects.filter(author=user).select_related("topic").order_by("created_at"))
    return {
        "format": f"evident-member-data/{DATA_FORMAT_VERSION}",
        "profile": {
            "username": user.username, "display_name": user.display_name, "email": user.email,
            "bio": user.bio, "role": user.role, "expert_credential": user.expert_credential,
            "orcid": user.orcid, "joined": user.date_joined.isoformat(),
        },
        "email_addresses": [{"email": e.email, "verified": e.verified, "primary": e.primary}
                            for e in EmailAddress.objects.filter(user=user)],
        "connected_accounts": [{"provider": a.provider, "uid": a.uid} for a in SocialAccount.objects.filter(user=user)],
        "posts": [{
            "topic": p.topic.title, "post_number": p.post_number, "url": p.topic.post_url(p.post_number),
            "raw": p.raw, "competing_interests": p.competing_interests, "created_at": p.created_at.isoformat(),
            "edited_at": p.edited_at.isoformat() if p.edited_at else None,
            "deleted": p.deleted_at is not None,
        } for p in posts],
        "drafts": [{"place": d.key, "title": d.title, "raw": d.raw, "competing_interests": d.competing_interests,
                    "updated_at": d.updated_at.isoformat()}
                   for d in Draft.objects.filter(user=user)],
        "notification_settings": [{"kind": n.kind, "web": n.web, "email": n.email}
                                  for n in NotificationPreference.objects.filter(user=user)],
        "watching": [{"topic_id": s.topic_id, "level": s.level} for s in TopicSubscription.objects.filter(user=user)]
        + [{"category_id": s.category_id, "level": s.level} for s in CategorySubscription.objects.filter(user=user)],
        "credential_requests": [{"credential": r.credential, "state": r.state, "created_at": r.created_at.isoformat()}
                                for r in CredentialRequest.objects.filter(user=user)],
    }


def member_delete(*, user) -> None:
    """Remove a member's personal data and sign them out everywhere; their posts stay."""
    with transaction.atomic():
        for model, field in ((EmailAddress, "user"), (SocialAccount, "user"), (Authenticator, "user"),
                             (Draft, "user"), (NotificationPreference, "user"), (TopicSubscription, "user"),
                             (CategorySubscription, "user"), (CredentialRequest, "user"),
                             (Notification, "recipient")):
            model.objects.filter(**{field: user}).delete()
        # The files stay for the posts showing them; whose they were, and the file names the
        # member's computer gave them, do not.
        Upload.objects.filter(uploader=user).update(uploader=None, original_name="")
        sessions = list(UserSession.objects.filter(user=user))
        user.username = f"deleted-{user.pk}"
        user.display_name = "Deleted member"
        user.first_name = user.last_name = user.email = user.bio = user.expert_credential = user.orcid = ""
        user.role = Role.MEMBER
        user.credential_verified_by = user.credential_verified_at = None
        user.is_active = user.is_staff = user.is_superuser = False
        user.set_unusable_password()
        user.save()
    for session in sessions:
        session.end()
