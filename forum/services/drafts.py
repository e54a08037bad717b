"""Drafts: what a member was writing, kept on the server per topic (or for a new topic)."""

from forum.models import Draft

NEW_TOPIC = "new-topic"


def draft_key(topic=None) -> str:
    return f"topic-{topic.pk}" if topic is not None else NEW_TOPIC


def draft_save(*, user, key: str, raw: str, title: str = "", reply_to: int | None = None) -> Draft | None:
    if not raw.strip() and not title.strip():
        Draft.objects.filter(user=user, key=key).delete()  # an emptied composer leaves no draft behind
        return None
    draft, _ = Draft.objects.update_or_create(
        user=user, key=key, defaults={"raw": raw[:32_000], "title": title[:200], "reply_to": reply_to},
    )
    return draft


def draft_discard(*, user, key: str) -> None:
    Draft.objects.filter(user=user, key=key).delete()


def draft_for(user, key: str) -> Draft | None:
    if not user.is_authenticated:
        return None
    return Draft.objects.filter(user=user, key=key).first()
