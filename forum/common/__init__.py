"""Small helpers every part of the forum may use: one-line text, per-thread memo, relative
times, paging, URL patterns reversed once, revision diffs. They import only the standard
library and Django, never the rest of the forum.
"""
