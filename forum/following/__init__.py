"""Following: notifications, watching topics and categories, digests, and their views.

May use: models, markup, references, common, caching, live. Used by the domains that notify.
"""
