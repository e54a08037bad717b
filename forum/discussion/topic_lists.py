"""The page of topics a list shows (the latest, a category's, a tag's; every topic, those awaiting
an expert, or a member's unread ones), read by a query the ORM composes once per process for
each shape of list.

A list's query joins the topics to their bylines and, for a member, reads how far they have read
each one: composing it cost the ORM more CPU than the database took to run it, on every page.
`Prepared` (forum/common/prepared.py) composes it once for each shape (who reads, which list,
which filter) and runs it with the page's values: the member's id, the category's or tag's, and
the page's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace

from accounts.models import User
from forum.common.paging import Page, page_of
from forum.common.prepared import Prepared
from forum.models import Category, Tag, Topic
from forum.models.topic import topics_tags_attach

# A row shows none of these: not read, nor parsed (two of them dates). Its author and last poster
# by their names alone (User.name), the author's linked by username.
_UNSHOWN_FIELDS = ("unlisted", "accepted_answer", "accepted_at", "created_at", "deleted_by",
                   *(f"{member}__{field}" for member in ("author", "last_poster")
                     for field in User.BYLINE_FIELDS if field not in {"username", "display_name"}))


@dataclass(frozen=True)
class _Shape:
    """What a list's SQL depends on besides its values."""

    moderator: bool  # moderators' lists include deleted topics
    member: bool  # a member's rows say what they have not read
    in_category: bool
    tagged: bool
    awaiting_expert: bool
    unread_only: bool

    def topics(self, *ids, rows: slice | None = None):
        """The list's queryset, its values in `ids`: the category's or the tag's id, then the
        member's, as the shape has them; `rows`: the page's slice of it."""
        ids = iter(ids)
        # visible_to() asks of its reader only whether they moderate.
        topics = Topic.objects.visible_to(SimpleNamespace(is_moderator=self.moderator)).listed()
        if self.in_category:
            topics = topics.filter(category=next(ids))
        if self.tagged:
            topics = topics.filter(tags=next(ids))
        if self.awaiting_expert:
            topics = topics.awaiting_expert()
        if self.member:
            topics = topics.with_reading_state(next(ids))
            if self.unread_only:
                topics = topics.unread_for_member()
        # Every category is at hand for the sidebar: rows take theirs from there, not a join.
        topics = topics.for_list(in_category=self.in_category, with_category=False).defer(*_UNSHOWN_FIELDS)
        if rows is None:
            return topics
        if self.tagged or not self.in_category:
            # The page is found by ids alone, then read whole, in one query (`WHERE id IN (SELECT
            # id ... LIMIT n)`). No index orders a tag's topics: SQLite otherwise joins every
            # matching row to its authors and category before sorting and keeping twenty (a
            # 4,000-topic tag at 1M posts: 20 ms, 10 this way). And for a list of every topic,
            # PostgreSQL plans its joins to the bylines for all of them (60,000 at 1M posts), and
            # sets up a cache of authors that size before reading 31 rows: 1.6 ms, 0.9 this way.
            # A category's list is planned for its own few thousand and is quicker read whole.
            return topics.filter(pk__in=topics.values("pk")[rows])
        return topics[rows]


@cache
def _list_read(shape: _Shape) -> Prepared:
    # At most a few dozen shapes, each composed once per process.
    return Prepared(shape.topics)


def topic_list_page(*, reader, number, per_page: int, categories: list[Category], category: Category | None = None,
                    tag: Tag | None = None, awaiting_expert: bool = False, unread_only: bool = False) -> Page:
    """Page `number` of the topics `reader` may see in a list, with their tags, and their
    categories from `categories` (every one: categories_all()). A mangled number is the first
    page, one past the end the last (forum/common/paging.py)."""
    member = reader.is_authenticated
    shape = _Shape(moderator=bool(getattr(reader, "is_moderator", False)), member=member,
                   in_category=category is not None, tagged=tag is not None,
                   awaiting_expert=awaiting_expert, unread_only=unread_only and member)
    ids = [found.pk for found in (category, tag, reader if member else None) if found is not None]
    read = _list_read(shape)
    page = page_of(lambda rows: read.fetch(*ids, rows=rows), number, per_page,
                   count=lambda: shape.topics(*ids).count())
    topics_tags_attach(page.object_list)
    by_id = {each.pk: each for each in categories}
    for topic in page.object_list:
        topic.category = by_id[topic.category_id]
    return page
