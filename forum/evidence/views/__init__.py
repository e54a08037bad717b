"""Pages about studies and evidence summaries.
"""
