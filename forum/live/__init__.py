"""Live pages: what a write changed, announced once (change_events), the held /live/ requests
and their wake-ups (pages, views), and the ASGI front that answers them without Django's
request handling (asgi).

May use: models, common, caching.resilient_cache. Models do not import it: their bulk changes
reach it through forum.models.changes.rows_changed, connected in ForumConfig.ready.
"""
