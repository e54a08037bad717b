"""Moderation: actions on topics and posts, flags and the review queue, experts and
credentials, staff notes, and their views.

May use: discussion, evidence, following and everything below.
"""
