"""@mentions: `@username` becomes a link to the member's profile when such a member exists.

Whether a name exists is the caller's business (a resolver from the service layer); unknown
names stay plain text. Like quotes and citations, the link is our own markup and goes in after
sanitising.
"""

from __future__ import annotations

import re
from html import escape
from typing import Callable

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from .url_policy import href_attribute

# Not after a word character, "@" or "/": email addresses and URLs are not mentions.
MENTION_PATTERN = r"(?<![\w@/])@(?P<name>[A-Za-z0-9_][A-Za-z0-9_.-]{0,29})"

# Link text: an unclosed "[" before the name and "](" or "][" after it. A mention there would put
# one link inside another, which browsers split apart; the name stays text inside the link.
_OPEN_LINK_TEXT = re.compile(r"\[[^\[\]]*$")
_CLOSE_LINK_TEXT = re.compile(r"[^\[\]]*\]\s?[\[(]")

MentionResolver = Callable[[str], "tuple[str, str] | None"]  # name -> (username, profile url)


class _MentionProcessor(InlineProcessor):
    def __init__(self, pattern, md, extension):
        super().__init__(pattern, md)
        self.extension = extension

    def handleMatch(self, m, data):
        name = m.group("name").rstrip(".-")  # "@lena." ends a sentence
        if not name or self.extension.resolver is None:
            return None, None, None
        if _OPEN_LINK_TEXT.search(data, 0, m.start(0)) and _CLOSE_LINK_TEXT.match(data, m.end(0)):
            return None, None, None
        found = self.extension.resolver(name)
        if found is None:
            return None, None, None
        username, url = found
        if username not in self.extension.mentioned:
            self.extension.mentioned.append(username)
        html = f'<a class="mention"{href_attribute(url)}>@{escape(username)}</a>'
        end = m.start("name") + len(name)
        return self.extension.stash(html, text=data[m.start(0):end]), m.start(0), end


class MentionExtension(Extension):
    def __init__(self, *, resolver: MentionResolver | None, stash, mentioned: list[str]):
        super().__init__()
        self.resolver = resolver
        self.stash = stash
        self.mentioned = mentioned

    def extendMarkdown(self, md):
        # Below code spans (190) so `@name` in code stays code; above emphasis so `_` in names is safe.
        md.inlinePatterns.register(_MentionProcessor(MENTION_PATTERN, md, self), "evident_mention", 172)
