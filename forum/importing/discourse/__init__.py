"""Import from Discourse: its public JSON API, or a folder of responses saved from it.

- `source.py` reads the site (over HTTP through the project's one client, or from files),
- `markup.py` turns Discourse's raw text into ours (quotes, links, citations, BBCode),
- `importer.py` writes categories, members, topics, posts, likes and accepted answers, keyed by
  Discourse's ids so that a second run updates rather than duplicates.
"""
