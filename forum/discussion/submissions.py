"""Exactly-once submits: a composer's one-time token is claimed in the same transaction as the
write it stands for, so however many times the form arrives, one of them writes."""

import secrets

from django.db import IntegrityError, transaction

from forum.models import Submission

TOKEN_FIELD = "submit_token"


def submission_token_new() -> str:
    return secrets.token_urlsafe(18)


class AlreadySubmitted(Exception):
    """This token's form was already carried out; `post` is what that first submit wrote."""

    def __init__(self, submission: Submission):
        super().__init__("This form was already submitted.")
        self.submission = submission
        self.post = submission.post


def submission_claim(*, user, token: str, kind: str) -> Submission | None:
    """Claim `token` for `user`; call inside the write's transaction, before writing.

    Raises AlreadySubmitted when an earlier submit claimed it. A concurrent twin waits on the
    unique index until the first commits (PostgreSQL) or on the write lock (SQLite), and then
    finds the first one's row. A submit without a token (scripts, old pages) is not deduplicated.
    """
    token = (token or "").strip()[:64]
    if not token:
        return None
    try:
        with transaction.atomic():
            return Submission.objects.create(user=user, token=token, kind=kind)
    except IntegrityError:
        pass
    raise AlreadySubmitted(Submission.objects.select_related("post__topic").get(user=user, token=token))


def submission_record(submission: Submission | None, *, post) -> None:
    """Remember what the claimed submit wrote, so a repeat can be answered with it."""
    if submission is not None:
        Submission.objects.filter(pk=submission.pk).update(post=post)
