"""Notification and watching pages.
"""
