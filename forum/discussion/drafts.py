"""Drafts: what a member was writing, kept on the server per topic, for a new topic, or for an
edit. Everything the composer holds comes back: title, category, tags, reply target, body."""

from forum.models import Category, Draft

NEW_TOPIC = "new-topic"
# A bound on what one draft may hold, far above every form limit: the forms judge length and say
# by how much a text is over; a draft only keeps it safe meanwhile.
DRAFT_MAX_CHARS = 200_000


def draft_key(topic=None) -> str:
    return f"topic-{topic.pk}" if topic is not None else NEW_TOPIC


def draft_key_for_edit(post) -> str:
    return f"edit-{post.pk}"


def draft_save(*, user, key: str, raw: str, title: str = "", reply_to: int | None = None,
               category: Category | None = None, tags: str = "", reason: str = "",
               competing_interests: str = "") -> Draft | None:
    if not raw.strip() and not title.strip() and not tags.strip() and not competing_interests.strip():
        Draft.objects.filter(user=user, key=key).delete()  # an emptied composer leaves no draft behind
        return None
    draft, _ = Draft.objects.update_or_create(
        user=user, key=key, defaults={
            "raw": raw[:DRAFT_MAX_CHARS], "title": title[:DRAFT_MAX_CHARS], "reply_to": reply_to,
            "category": category, "tags": tags[:DRAFT_MAX_CHARS], "reason": reason[:DRAFT_MAX_CHARS],
            "competing_interests": competing_interests[:DRAFT_MAX_CHARS],
        },
    )
    return draft


def draft_discard(*, user, key: str) -> None:
    Draft.objects.filter(user=user, key=key).delete()


def draft_for(user, key: str) -> Draft | None:
    if not user.is_authenticated:
        return None
    return Draft.objects.filter(user=user, key=key).select_related("category").first()
