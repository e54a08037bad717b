"""Bringing a community's history over from another forum."""
