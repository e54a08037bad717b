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

from config.site_links import site_url
from forum.models import (CategorySubscription, Draft, Flag, Notification, NotificationPreference, Post,
                          StudySuggestion, TopicSubscription, Upload, Vote)

from .models import CredentialRequest, Role

# 2: suggested corrections, flags, votes and uploads added; every address absolute.
DATA_FORMAT_VERSION = 2


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
            "topic": p.topic.title, "post_number": p.post_number, "url": site_url(p.topic.post_url(p.post_number)),
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
        "suggested_corrections": [{
            "study": str(s.study), "study_url": site_url(s.study.get_absolute_url()), "suggested": s.metadata,
            "note": s.note, "state": s.state, "created_at": s.created_at.isoformat(),
        } for s in StudySuggestion.objects.filter(suggested_by=user).select_related("study")],
        "flags": [{
            "post_url": site_url(f.post.topic.post_url(f.post.post_number)), "reason": f.reason, "note": f.note,
            "state": f.state, "created_at": f.created_at.isoformat(),
        } for f in Flag.objects.filter(flagger=user).select_related("post__topic").order_by("created_at")],
        "helpful_votes": [{
            "post_url": site_url(v.post.topic.post_url(v.post.post_number)), "created_at": v.created_at.isoformat(),
        } for v in Vote.objects.filter(user=user).select_related("post__topic").order_by("created_at")],
        # The name the member's computer gave a file, and where the site serves it.
        "uploads": [{
            "original_name": u.original_name, "url": site_url(u.get_absolute_url()), "kind": u.kind,
            "size": u.size, "created_at": u.created_at.isoformat(),
        } for u in Upload.objects.filter(uploader=user).order_by("created_at")],
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
