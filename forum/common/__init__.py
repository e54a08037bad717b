"""Small helpers every part of the forum may use: one-line text, per-thread memo, dates and
relative times, paging, URL patterns reversed once, revision diffs, the stop words searches drop. They import only the standard
library and Django, never the rest of the forum.
"""
