"""What one member has of their own on a page of a topic, read in one query.

A member served the shared topic page (forum/caching/member_pages.py) needs only their own state
put in: how far they have read and how closely they follow the topic, which posts on the page
they found helpful or flagged, whether they left a draft, and which posts have notifications they
have not read. Five small reads by one index each; asked together as one UNION, so a member's
page costs little more than a visitor's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from django.db import connection

from forum.models import Draft, Flag, FlagState, Notification, TopicSubscription, Vote


@dataclass
class ReaderState:
    subscription: TopicSubscription | None = None
    voted: set[int] = field(default_factory=set)
    flagged: set[int] = field(default_factory=set)
    has_draft: bool = False
    # Posts on the page with notifications the member has not read: seeing them answers those.
    unseen: set[int] = field(default_factory=set)


@cache  # per database vendor (its quoting) and page length: the same few strings all day
def _sql(vendor: str, post_count: int | None) -> str:
    # Written out rather than built by the ORM: this runs on every member's page view, and
    # composing five querysets and their union cost more CPU than the query itself. Table and
    # column names come from the models, so a renamed field cannot leave this behind.
    def table(model):
        return connection.ops.quote_name(model._meta.db_table)

    def column(model, name):
        return connection.ops.quote_name(model._meta.get_field(name).column)

    # PostgreSQL is given the page's post ids as one array: psycopg keeps the conversion of a
    # query to the server's placeholders only for queries of up to 50 parameters, and three lists
    # of a page's 20 ids made this one 69, converted afresh on every page (a third of a ms).
    within = "= ANY(%s)" if post_count is None else f"IN ({', '.join(['%s'] * post_count)})"
    return (
        f"SELECT {column(TopicSubscription, 'last_read_post_number')}, 'read:' || {column(TopicSubscription, 'level')} "
        f"FROM {table(TopicSubscription)} WHERE {column(TopicSubscription, 'user')} = %s "
        f"AND {column(TopicSubscription, 'topic')} = %s"
        f" UNION ALL SELECT {column(Vote, 'post')}, 'vote' FROM {table(Vote)} "
        f"WHERE {column(Vote, 'user')} = %s AND {column(Vote, 'post')} {within}"
        f" UNION ALL SELECT {column(Flag, 'post')}, 'flag' FROM {table(Flag)} "
        f"WHERE {column(Flag, 'flagger')} = %s AND {column(Flag, 'post')} {within} AND {column(Flag, 'state')} = %s"
        f" UNION ALL SELECT {column(Draft, 'id')}, 'draft' FROM {table(Draft)} "
        f"WHERE {column(Draft, 'user')} = %s AND {column(Draft, 'key')} = %s"
        f" UNION ALL SELECT {column(Notification, 'post')}, 'unseen' FROM {table(Notification)} "
        f"WHERE {column(Notification, 'recipient')} = %s AND {column(Notification, 'read_at')} IS NULL "
        f"AND {column(Notification, 'post')} {within}"
    )


def reader_state_on_page(user, *, topic, post_ids: list[int], draft_key: str) -> ReaderState:
    ids = list(post_ids) or [0]  # an empty IN () is not SQL everywhere
    as_array = connection.vendor == "postgresql"
    posts = [ids] if as_array else ids
    params = [user.pk, topic.pk, user.pk, *posts, user.pk, *posts, FlagState.OPEN, user.pk, draft_key, user.pk, *posts]
    with connection.cursor() as cursor:
        cursor.execute(_sql(connection.vendor, None if as_array else len(ids)), params)
        rows = cursor.fetchall()
    state = ReaderState()
    for number, mark in rows:
        if mark.startswith("read:"):
            state.subscription = TopicSubscription(user=user, topic=topic, level=mark[5:],
                                                   last_read_post_number=number)
        elif mark == "vote":
            state.voted.add(number)
        elif mark == "flag":
            state.flagged.add(number)
        elif mark == "draft":
            state.has_draft = True
        else:
            state.unseen.add(number)
    return state
