"""English words too common to search by, shared by the site search (forum/search/query.py) and
the study finder (forum/evidence/study_finder.py), so both drop the same words from what a member
types.
"""

# PostgreSQL's `english` stop words (tsearch_data/english.stop). PostgreSQL drops them from the
# query; SQLite's FTS5 knows no stop words, so we drop the same ones before either sees them.
STOP_WORDS = frozenset("""
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
her hers herself it its itself they them their theirs themselves what which who whom this that
these those am is are was were be been being have has had having do does did doing a an the and
but if or because as until while of at by for with about against between into through during
before after above below to from up down in out on off over under again further then once here
there when where why how all any both each few more most other some such no nor not only own
same so than too very s t can will just don should now
""".split())
