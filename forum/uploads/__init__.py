"""Uploads: storing pictures and PDFs, serving them, removing those no post shows.

May use: models, markup, common, caching, live.
"""
