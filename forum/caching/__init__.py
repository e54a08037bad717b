"""Caching pages, post fragments and the bell's count, and the Redis cache that degrades instead of failing.

May use: models, common, live (change events say what changed). Used by the domains above.
"""
