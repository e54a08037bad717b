"""Discourse-style `[quote="name, post:N, topic:M"]...[/quote]` blocks.

For now a quote becomes a markdown blockquote headed by "name wrote:"; the full quote-reply
feature (linked titles, source checks) replaces this module.
"""

import re

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

_OPEN = re.compile(r'^\s*\[quote(?:=\s*"?(?P<attrs>[^\]"]*)"?)?\s*\]\s*(?P<rest>.*)$', re.IGNORECASE)
_CLOSE = re.compile(r"^(?P<body>.*?)\[/quote\]\s*$", re.IGNORECASE)
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,30}$")


def _author(attrs: str | None) -> str | None:
    if not attrs:
        return None
    name = attrs.split(",")[0].strip()
    return name if _SAFE_NAME.match(name) else None


class QuotePreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        depth = 0
        for line in lines:
            opened = _OPEN.match(line)
            if opened:
                author = _author(opened.group("attrs"))
                prefix = "> " * depth
                out.append(prefix)
                depth += 1
                prefix = "> " * depth
                if author:
                    out.append(f"{prefix}**{author}** wrote:")
                    out.append(prefix)
                line = opened.group("rest")
                if not line.strip():
                    continue
            closed = _CLOSE.match(line) if depth else None
            if closed:
                body = closed.group("body")
                if body.strip():
                    out.append("> " * depth + body)
                depth -= 1
                out.append("> " * depth)
                continue
            out.append(("> " * depth + line) if depth else line)
        return out


class QuoteExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(QuotePreprocessor(md), "evident_quote", 28)
