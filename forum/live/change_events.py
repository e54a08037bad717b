"""What changed: announced once by the writes, heard by everything that reacts to it.

Many things react to the same writes: the page cache's generations (forum/caching/page_cache.py), the
live updates of open pages (forum/live/pages.py), and later whatever else needs to. A write announces
what it changed here, and each of those subscribes, rather than models and services calling each
one of them. The kinds:

- "topic" (topic ids): what readers see of a topic's posts or of the topic itself changed: a
  reply, an edit, a hide, a delete, a vote, an accepted answer, a quote's new status.
- "topic_counts" (topic ids): only a post's helpful count changed, the write Q&A readers make
  most. Heard where "topic" is (an open page shows the new count), but nothing a topic page draws
  from the whole topic (its Evidence panel and citation numbers, tags, "Quoted in" lines) shows it.
- "site": something shown on many topics' pages changed (a member's name, a study's metadata).
- "topic_list": a topic was started or replied to, so topic lists have something new.
- "notifications" (member ids): these members' notifications changed (read, counted again,
  removed) in a way that may leave them fewer unread.
- "notifications_added" (member ids): these members were only sent new notifications. Heard where
  "notifications" is (an open page shows the new count); a count already at the bell's cap stays
  there (forum/caching/notification_bell.py).
- "post_deletion": a post or a whole topic was deleted or restored (or a post moved between
  topics), so whatever leaves out what is deleted across many members' views may now show one
  more or one fewer: the bell's unread count (forum/caching/notification_bell.py).
- "review": the moderators' review queue changed (a flag raised or settled).
- "search": what a search finds or shows changed in a way other than a new post: a post's text
  edited or re-rendered, hidden, deleted or restored, a topic retitled, moved, unlisted or
  deleted, a member renamed, a study's DOI or a category's address changed (forum/search/reuse.py,
  forum/search/shown.py). New posts are not announced: searches read them as they come.

Subscribers are called at the time of the write, inside its transaction; those that must act
only on committed rows use `transaction.on_commit` (generations do both: see `generations_renew`).

Rows saved or deleted one by one announce themselves through the model signals connected below;
`update()` and `bulk_create()` on posts, topics, studies and notifications are covered by their
querysets (forum.models), and quotes written in bulk by forum.discussion.quoting.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from asgiref.local import Local
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

_subscribers: dict[str, list[Callable]] = defaultdict(list)


def subscribe(kind: str, callback: Callable) -> None:
    if callback not in _subscribers[kind]:
        _subscribers[kind].append(callback)


def _announce(kind: str, *ids) -> None:
    for callback in _subscribers[kind]:
        callback(*ids)


def topic_changed(*topic_ids: int | None, counts_only: bool = False) -> None:
    """`counts_only`: nothing but posts' helpful counts changed ("topic_counts")."""
    ids = sorted({t for t in topic_ids if t is not None})
    if ids:
        _announce("topic_counts" if counts_only else "topic", *ids)


def site_changed() -> None:
    _announce("site")


def topic_list_changed() -> None:
    _announce("topic_list")


def search_changed() -> None:
    _announce("search")


def notifications_changed(*user_ids: int | None, added_only: bool = False) -> None:
    """`added_only`: nothing but new notifications ("notifications_added")."""
    ids = sorted({u for u in user_ids if u is not None})
    if ids:
        _announce("notifications_added" if added_only else "notifications", *ids)


def review_changed() -> None:
    _announce("review")


def post_deletion_changed() -> None:
    _announce("post_deletion")


# --- Generations ------------------------------------------------------------------------------
# A generation is a random token in the cache that changes whenever what it stands for changes:
# whoever rendered something under a token knows it is current while the token is the same.

_after_commit_listeners: list[Callable[[list[str]], None]] = []


def on_generations_committed(listener: Callable[[list[str]], None]) -> None:
    """`listener(keys)` runs once the renewal of `keys` is committed (live pages wake on it)."""
    if listener not in _after_commit_listeners:
        _after_commit_listeners.append(listener)


def _renew(keys: list[str]) -> None:
    lost = cache.set_many({key: secrets.token_hex(8) for key in keys}, timeout=None)
    if lost and not transaction.get_connection().in_atomic_block:
        # The cache is down: when it returns, its old tokens would make old pages current again.
        # (Inside a transaction the renewal after commit does this, once the write is visible.)
        from forum.caching.resilient_cache import cache_epoch_renew

        cache_epoch_renew(reason="a write made while the cache was unreachable")


def _renew_committed(keys: list[str]) -> None:
    _renew(keys)
    for listener in _after_commit_listeners:
        listener(keys)


class _RenewOnCommit:
    """One after-commit renewal per transaction, however many writes it holds (a reply touches
    its topic a dozen times), and the renewal "at once" of what it has changed so far, sent only
    when something in this transaction next reads a generation (`_send_unsent`): another process
    sees none of this transaction's rows before the commit, so only this transaction can render
    from them under a generation it ought not to be current under. A reply then sends one
    renewal at commit instead of eight during its transaction, each a round trip to the cache."""

    def __init__(self):
        self.keys: set[str] = set()
        self.unsent: set[str] = set()

    def __call__(self):
        _renew_committed(sorted(self.keys))


def _pending_renewal(connection) -> _RenewOnCommit | None:
    # The connection's list of after-commit callbacks is the one record that forgets what a
    # rollback undid, so a pending renewal is looked up there rather than kept aside.
    for _savepoints, callback, _robust in reversed(connection.run_on_commit):
        if isinstance(callback, _RenewOnCommit):
            return callback
    return None


def generations_renew(keys: Iterable[str]) -> None:
    """These generations change now, and again when the transaction commits. A reader that
    renders between the two may have seen the old rows and keeps what it made under the first
    new token; the second change makes sure that is never taken for current. Inside a
    transaction, "now" is the next time it reads a generation itself (`_RenewOnCommit`)."""
    keys = sorted(set(keys))
    if not keys:
        return
    _read_ahead_forget(keys)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _renew_committed(keys)
        return
    renewal = _pending_renewal(connection)
    if renewal is None:
        renewal = _RenewOnCommit()
        transaction.on_commit(renewal)
    renewal.keys.update(keys)
    renewal.unsent.update(keys)


def _send_unsent() -> None:
    """Before this transaction reads a generation: renew what it has changed since its last read."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and (renewal := _pending_renewal(connection)) and renewal.unsent:
        keys, renewal.unsent = sorted(renewal.unsent), set()
        _renew(keys)


# --- Reading ahead -----------------------------------------------------------------------------
# A member's topic page asks the cache for its live tokens, its stored copy and the bell's count,
# each when it comes to them: three round trips where one would do, since the keys are known
# from the address and the member before anything is read. A page reads them together
# (`read_together`); a generation renewed meanwhile, by this request's own writes, is asked for
# again. Reading a generation earlier than needed is always safe: what is rendered under it is
# stored under the older token, and a change made since is a newer one.

_read_ahead = Local()


@contextmanager
def read_together(keys: Iterable[str]):
    """Within the block, `entries_current` and `generations_current` find these keys (entries
    and generations) as one round trip read them on entering. Inside another such block, the
    keys it has not read are added to its own, and it ends the reading ahead."""
    _send_unsent()
    ahead = getattr(_read_ahead, "found", None)
    outermost = ahead is None
    if outermost:
        ahead = _read_ahead.found = (set(), {})
    asked, found = ahead
    keys = [key for key in dict.fromkeys(keys) if key not in asked]
    if keys:
        found.update(cache.get_many(keys))
        asked.update(keys)
    try:
        yield
    finally:
        if outermost:
            _read_ahead.found = None


def _read_ahead_forget(keys: Iterable[str]) -> None:
    if (ahead := getattr(_read_ahead, "found", None)) is not None:
        ahead[0].difference_update(keys)


def _get_many(keys: list[str]) -> dict:
    """`cache.get_many`, after this transaction's unsent renewals, from what was read ahead."""
    _send_unsent()
    ahead = getattr(_read_ahead, "found", None)
    if ahead is None:
        return cache.get_many(keys)
    asked, found = ahead
    rest = [key for key in keys if key not in asked]
    values = {key: found[key] for key in keys if key in asked and key in found}
    if rest:
        values.update(cache.get_many(rest))
    return values


def entries_current(keys: list[str], generation_keys: list[str]) -> tuple[dict, tuple[str, ...]]:
    """In one round trip: the values under `keys` still current (each stored as (generations,
    value) under the then generations of `generation_keys`), and the generations a new entry is to
    be stored under. A generation the cache has lost is made afresh, and so matches no stored
    entry; "" stands for one the cache could not give, and nothing is current under it."""
    found, generations = entries_found(keys, generation_keys)
    return {key: value for key, (stored_under, value) in found.items() if stored_under == generations}, generations


def entries_found(keys: list[str], generation_keys: list[str]) -> tuple[dict, tuple[str, ...]]:
    """`entries_current`'s read, for a reader that judges for itself what is current: every
    (generations, value) stored under `keys`, and the generations now (none with one of them "")."""
    found = _get_many([*keys, *generation_keys])
    if all(key in found for key in generation_keys):
        generations = tuple(found[key] for key in generation_keys)
    else:
        current = generations_current(generation_keys)
        generations = tuple(current[key] for key in generation_keys)
    if not all(generations):
        return {}, generations
    return {key: found[key] for key in keys if key in found}, generations


def generations_current(keys: list[str]) -> dict[str, str]:
    """{key: token} in one round trip; a token the cache has lost is created afresh (and so
    matches nothing made under the lost one). "" when the cache cannot be reached."""
    found = _get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, secrets.token_hex(8), timeout=None)
        found.update(cache.get_many(missing))
    return {key: found.get(key, "") for key in keys}


# --- Rows saved or deleted one by one ---------------------------------------------------------

_USER_FIELDS_NOT_SHOWN = frozenset({"last_login", "password", "suspended_until", "suspension_reason"})
# What search matches a post by (its text, where it is) and filters it by (shown or not, who wrote
# it; a topic's title, category, listing), and what a result shows of it (the excerpt read from its
# HTML, re-rendered when what it quotes or cites changes): a change to anything else finds and
# shows the same posts.
_POST_FIELDS_SEARCHED = frozenset({"raw", "cooked", "topic", "topic_id", "post_number", "deleted_at", "hidden_at",
                                   "author", "author_id"})
_TOPIC_FIELDS_SEARCHED = frozenset({"title", "category", "category_id", "unlisted", "deleted_at"})
_ELSEWHERE_FIELDS_SEARCHED = frozenset({"username", "role", "doi", "slug"})
# Whether a post counts as deleted: its own deleted_at, and its topic's (so a move between topics too).
_POST_FIELDS_DELETION = frozenset({"deleted_at", "topic", "topic_id"})
# What a post shows of itself alone: no Evidence panel, tag or "Quoted in" line reads it.
_POST_FIELDS_OWN = frozenset({"helpful_count"})
_TOPIC_FIELDS_DELETION = frozenset({"deleted_at"})


def _searched(fields, searched: frozenset) -> bool:
    return fields is None or bool(searched & set(fields))


def _post_saved(sender, instance, created=False, **kwargs):
    topic_changed(instance.topic_id)
    if not created and _searched(kwargs.get("update_fields"), _POST_FIELDS_SEARCHED):
        search_changed()
    # A new post is about no notification yet (nor is a new topic, below).
    if not created and _searched(kwargs.get("update_fields"), _POST_FIELDS_DELETION):
        post_deletion_changed()


def _topic_saved(sender, instance, created=False, **kwargs):
    topic_changed(instance.pk)
    if created:
        topic_list_changed()
    elif _searched(kwargs.get("update_fields"), _TOPIC_FIELDS_SEARCHED):
        search_changed()
    if not created and _searched(kwargs.get("update_fields"), _TOPIC_FIELDS_DELETION):
        post_deletion_changed()


def _shown_everywhere_saved(sender, instance, created=False, **kwargs):
    # Categories, tags, studies and members appear on many topics' pages.
    update_fields = kwargs.get("update_fields")
    if sender is get_user_model() and update_fields and set(update_fields) <= _USER_FIELDS_NOT_SHOWN:
        return
    site_changed()
    # Searches filter by a member's name and role and by a study's DOI; a new member or study is
    # in no post yet.
    if not created and _searched(update_fields, _ELSEWHERE_FIELDS_SEARCHED):
        search_changed()


def _topic_tags_changed(sender, instance, action, **kwargs):
    from forum.models import Topic

    if not action.startswith("post_"):
        return
    if isinstance(instance, Topic):
        topic_changed(instance.pk)
    else:  # tag.topics.add(...): the tag's topics, which the signal does not name cheaply
        site_changed()


def _notification_saved(sender, instance, created=False, **kwargs):
    notifications_changed(instance.recipient_id, added_only=created)


def _flag_saved(sender, instance, **kwargs):
    review_changed()


# --- Rows changed in bulk (update(), bulk_create()): the querysets say so (forum/models/changes.py)

def _rows_changed(sender, fields, topic_ids=(), recipient_ids=(), created=False, **kwargs):
    from forum.models import Flag, Notification, Post, Study, Topic

    if sender is Post:
        topic_changed(*topic_ids, counts_only=bool(fields) and fields <= _POST_FIELDS_OWN)
        if _POST_FIELDS_SEARCHED & fields:
            search_changed()
        if _POST_FIELDS_DELETION & fields:
            post_deletion_changed()
    elif sender is Topic:
        if {"title", "slug", "deleted_at"} & fields:
            # Other topics show this one's title (and only while it exists) in "Quoted in" lines.
            site_changed()
        topic_changed(*topic_ids)
        if _TOPIC_FIELDS_SEARCHED & fields:
            search_changed()
        if _TOPIC_FIELDS_DELETION & fields:
            post_deletion_changed()
        if "last_posted_at" in fields:  # a reply bumps the topic up the lists
            topic_list_changed()
    elif sender is Study:
        site_changed()
    elif sender is Flag:
        review_changed()
    elif sender is Notification:
        notifications_changed(*recipient_ids, added_only=created)


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from forum.models import Category, Flag, Notification, Post, Study, Tag, Topic
    from forum.models.changes import rows_changed

    rows_changed.connect(_rows_changed, dispatch_uid="change-rows-in-bulk")

    for signal in (post_save, post_delete):
        signal.connect(_post_saved, sender=Post, dispatch_uid=f"change-post-{signal}")
        signal.connect(_topic_saved, sender=Topic, dispatch_uid=f"change-topic-{signal}")
        signal.connect(_notification_saved, sender=Notification, dispatch_uid=f"change-notification-{signal}")
        signal.connect(_flag_saved, sender=Flag, dispatch_uid=f"change-flag-{signal}")
        for model in (Category, Tag, Study, get_user_model()):
            signal.connect(_shown_everywhere_saved, sender=model, dispatch_uid=f"change-{model.__name__}-{signal}")
    m2m_changed.connect(_topic_tags_changed, sender=Topic.tags.through, dispatch_uid="change-topic-tags")
