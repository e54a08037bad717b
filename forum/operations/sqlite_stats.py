"""Planner statistics for SQLite.

SQLite only knows how selective an index is after ANALYZE, and nothing runs it for us: without
fresh statistics it guessed that the category-list index suited the site-wide latest list too,
and sorted 60,000 topics per page (260 ms instead of 10). PostgreSQL's autovacuum keeps its own
statistics; SQLite gets ANALYZE after every migrate, which is when indexes change (2 s at a
million posts).
"""

from django.db import connections


def analyze_after_migrate(sender, using="default", **kwargs):
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
