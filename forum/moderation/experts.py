"""Expert credentials: a member asks, a moderator approves or declines, the member is told."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import CredentialRequest, Role
from forum.access.permissions import ensure_can_act, ensure_can_moderate
from forum.common.one_line import one_line
from forum.models import ModerationAction, NotificationKind

from forum.following.notifying import notify


CREDENTIAL_MAX_LENGTH = 120


def credential_request(*, user, credential: str, note: str = "") -> CredentialRequest:
    ensure_can_act(user)
    # A credential is shown on one line beside every post (see forum.common.one_line); the note is a
    # message to moderators and keeps its lines, not NUL, which PostgreSQL cannot store.
    credential, note = one_line(credential), note.replace("\x00", "")
    if not credential:
        raise PermissionDenied("Write the credential you want verified, e.g. “MD, sports medicine physician”.")
    if len(credential) > CREDENTIAL_MAX_LENGTH:
        raise PermissionDenied(f"Credentials are limited to {CREDENTIAL_MAX_LENGTH} characters "
                               f"(this one has {len(credential)}).")
    try:
        with transaction.atomic():
            return CredentialRequest.objects.create(user=user, credential=credential, note=note.strip()[:2000])
    except IntegrityError:
        raise PermissionDenied("You already have a request waiting for a moderator.")


def credential_decide(*, moderator, request: CredentialRequest, approve: bool, note: str = "") -> CredentialRequest:
    ensure_can_moderate(moderator)
    if request.state != CredentialRequest.State.PENDING:
        raise PermissionDenied("This request has already been decided.")
    user = request.user
    note = one_line(note)
    now = timezone.now()
    with transaction.atomic():
        request.state = CredentialRequest.State.APPROVED if approve else CredentialRequest.State.DECLINED
        request.decided_by, request.decided_at, request.decision_note = moderator, now, note.strip()[:300]
        request.save()
        if approve:
            user.expert_credential = request.credential
            user.credential_verified_by, user.credential_verified_at = moderator, now
            if user.role == Role.MEMBER:
                user.role = Role.EXPERT
            user.save(update_fields=["expert_credential", "credential_verified_by", "credential_verified_at", "role"])
        ModerationAction.objects.create(
            actor=moderator, action="approve_credential" if approve else "decline_credential",
            target_user=user, reason=note[:300], details={"credential": request.credential},
        )
        verdict = "approved" if approve else "declined"
        notify(recipient=user, kind=NotificationKind.CREDENTIAL, actor=moderator,
               message=f"“{request.credential}” was {verdict}." + (f" {note}" if note else ""))
    return request


def credential_revoke(*, moderator, user, reason: str = "") -> None:
    ensure_can_moderate(moderator)
    reason = one_line(reason)
    with transaction.atomic():
        previous = user.expert_credential
        user.expert_credential = ""
        user.credential_verified_by, user.credential_verified_at = None, None
        if user.role == Role.EXPERT:
            user.role = Role.MEMBER
        user.save(update_fields=["expert_credential", "credential_verified_by", "credential_verified_at", "role"])
        ModerationAction.objects.create(actor=moderator, action="revoke_credential", target_user=user,
                                        reason=reason[:300], details={"credential": previous})
