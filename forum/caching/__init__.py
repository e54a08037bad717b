"""Caching pages and post fragments, and the Redis cache that degrades instead of failing.

May use: models, common, live (change events say what changed). Used by the domains above.
"""
