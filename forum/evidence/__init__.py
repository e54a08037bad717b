"""Evidence: studies and their records, citing and looking them up, registry status, open
access, finding a study in the library (study_finder), certainty summaries, evidence alerts,
citation numbering, their forms and views.

May use: models, references, markup, common, caching, live, following (to notify people who
relied on a study). Never discussion: a changed study is announced (study_changes) and
discussion re-renders the posts citing it.
"""
