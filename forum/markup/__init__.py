"""Raw markdown in, stored HTML out: the only place the forum renders user text.

`cook(raw)` runs the whole pipeline (forum syntax -> Python-Markdown -> sanitiser) and returns
what a post stores. Bump COOKED_VERSION whenever the output for the same input changes;
`manage.py rebake` then re-renders older posts.
"""

from .pipeline import COOKED_VERSION, Cooked, cook

__all__ = ["COOKED_VERSION", "Cooked", "cook"]
