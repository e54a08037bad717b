"""Discourse's raw text made into ours.

- Quotes (`[quote="lena, post:3, topic:42"]`) point at the imported topic and post, so they are
  checked against their sources like any quote written here. A quote of a topic not imported
  (yet) keeps its author but loses the address: an address kept as it was would name whatever
  topic has that number here.
- Links to imported topics and posts lead to their new addresses.
- A link to a study (doi.org, PubMed) is followed by a citation, so the study is looked up and
  labelled; a bare PubMed address becomes the citation itself (bare doi.org links already do).
- `upload://` images and files become links to the original site.
- BBCode our markup does not read is turned into markdown or plain text, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

# The mapping the importer provides: Discourse ids and names -> ours, None when not imported.
TopicAddress = Callable[[int, int | None], str | None]  # (discourse topic id, post number) -> path
QuoteTarget = Callable[[int, int], tuple[int, int] | None]  # -> (our topic id, our post number)
Username = Callable[[str], str | None]


@dataclass
class Converted:
    raw: str
    unresolved_topics: set[int] = field(default_factory=set)
    # Mentions of names no username here could be (another script) and no member yet has.
    unresolved_names: set[str] = field(default_factory=set)
    uploads: int = 0


_QUOTE_OPEN = re.compile(r"^(?P<indent> {0,3})\[quote=(?P<q>[\"']?)(?P<attrs>[^\]\n]*?)(?P=q)\]", re.IGNORECASE | re.MULTILINE)
# Discourse allows usernames in any script (with its Unicode usernames setting): "@مريم" too.
_MENTION = re.compile(r"(?<![\w@/`])@(?P<name>\w[\w.-]*\w|\w)")
_UPLOAD_IMAGE = re.compile(r"!\[(?P<alt>[^\]\n]*)\]\(upload://(?P<name>[A-Za-z0-9._-]+)\)")
_UPLOAD_LINK = re.compile(r"\[(?P<text>[^\]\n]*)\]\(upload://(?P<name>[A-Za-z0-9._-]+)\)")
_PUBMED = r"https?://(?:pubmed\.ncbi\.nlm\.nih\.gov|(?:www\.)?ncbi\.nlm\.nih\.gov/pubmed)/(?P<pmid>\d{1,8})/?(?:[?#][^\s)\]]*)?"
_PUBMED_MD_LINK = re.compile(r"\[(?P<text>[^\]\n]*)\]\((?P<url>" + _PUBMED + r")\)")
# Not the target of a markdown link or an HTML attribute (those gained a citation after them).
_PUBMED_BARE = re.compile(r"(?<!\]\()(?<![\"'=<\w/])" + _PUBMED)
_DOI_MD_LINK = re.compile(
    r"\[(?P<text>[^\]\n]*)\]\((?P<url>https?://(?:dx\.|www\.)?doi\.org/(?P<doi>10\.\d{4,9}/(?:[^\s()]|\([^\s()]*\))+))\)")
_SIZE_SUFFIX = re.compile(r"\|\d+x\d+(?:,\s*\d+%)?$")

# BBCode Discourse reads and we do not: turned into markdown where there is an equivalent,
# otherwise the tags go and the words stay.
_BBCODE_MARKDOWN = [
    (re.compile(r"\[b\](.*?)\[/b\]", re.IGNORECASE | re.DOTALL), r"**\1**"),
    (re.compile(r"\[i\](.*?)\[/i\]", re.IGNORECASE | re.DOTALL), r"*\1*"),
    (re.compile(r"\[url=([^\]\s]+)\](.*?)\[/url\]", re.IGNORECASE | re.DOTALL), r"[\2](\1)"),
    (re.compile(r"\[url\]([^\[\s]+)\[/url\]", re.IGNORECASE), r"<\1>"),
    (re.compile(r"\[img\]([^\[\s]+)\[/img\]", re.IGNORECASE), r"[Image](\1)"),
    (re.compile(r"\[code\]\n?(.*?)\n?\[/code\]", re.IGNORECASE | re.DOTALL), "```\n\\1\n```"),
    # [details=Summary], [details="Two words"], [details="Summary" open], alone on a line or not:
    # the summary stays as a bold line before what it folded away.
    (re.compile(r"\[details=(?:\"(?P<dq>[^\"\n]*)\"|'(?P<sq>[^'\n]*)'|(?P<bare>[^\]\s]*))[^\]\n]*\][ \t]*\n?",
                re.IGNORECASE),
     lambda m: f"**{(m.group('dq') or m.group('sq') or m.group('bare') or '').strip()}**\n\n"
     if (m.group('dq') or m.group('sq') or m.group('bare') or '').strip() else ""),
    (re.compile(r"\[date=(\d{4}-\d{2}-\d{2})[^\]]*\]", re.IGNORECASE), r"\1"),
]
_BBCODE_TAGS = re.compile(
    r"\[/?(?:u|s|spoiler|blur|details|center|left|right|size|color|font|poll|wrap|sup|sub|small)"
    r"(?:=[^\]\n]*|\s[^\]\n]*)?\]",
    re.IGNORECASE,
)


def convert(raw: str, *, base_url: str, topic_address: TopicAddress, quote_target: QuoteTarget,
            username: Username) -> Converted:
    result = Converted(raw=raw or "")
    result.raw = _quotes(result, quote_target, username, base_url)
    result.raw = _site_relative(result.raw, base_url)
    result.raw = _links(result, base_url, topic_address)
    result.raw = _uploads(result, base_url)
    result.raw = _studies(result.raw)
    result.raw = _bbcode(result.raw)
    result.raw = _mentions(result, username)
    return result


_NOT_IMPORTED_MARK = re.compile(r"\x00(?P<url>[^\x00]*)\x00")
_QUOTE_TAG = re.compile(r"\[(?P<close>/?)quote(?:=[^\]\n]*)?\]", re.IGNORECASE)


def _quotes(result: Converted, quote_target: QuoteTarget, username: Username, base_url: str = "") -> str:
    def replace(m: re.Match) -> str:
        parts = [p.strip() for p in m.group("attrs").split(",")]
        params = dict(p.split(":", 1) for p in parts[1:] if ":" in p)
        params = {k.strip().lower(): v.strip() for k, v in params.items()}
        name = params.pop("username", None) or parts[0]
        name = username(name) or name
        out = [name]
        post, topic = params.get("post", ""), params.get("topic", "")
        if post.isdigit() and topic.isdigit():
            target = quote_target(int(topic), int(post))
            if target is None:
                result.unresolved_topics.add(int(topic))
                source = f"{base_url.rstrip('/')}/t/{topic}/{post}" if base_url else ""
                return f'{m.group("indent")}[quote="{out[0]}"]\x00{source}\x00'
            else:
                out += [f"post:{target[1]}", f"topic:{target[0]}"]
        if params.get("full", "").lower() == "true" and len(out) > 1:
            out.append("full:true")
        return f'{m.group("indent")}[quote="{", ".join(out)}"]'

    return _note_not_imported(_QUOTE_OPEN.sub(replace, result.raw.replace("\x00", "")))


def _note_not_imported(raw: str) -> str:
    """Under a quote of a post that was not imported, a line saying so, with the post's address
    on the old site: nothing here can check it, and a bare quote would look checked."""
    while (mark := _NOT_IMPORTED_MARK.search(raw)) is not None:
        raw = raw[:mark.start()] + raw[mark.end():]
        depth, end = 1, len(raw)
        for tag in _QUOTE_TAG.finditer(raw, mark.start()):
            depth += -1 if tag.group("close") else 1
            if depth == 0:
                end = tag.end()
                break
        link = f": [the post on the old site]({mark.group('url')})" if mark.group("url") else ""
        raw = raw[:end] + f"\n\n*Source not imported{link}*\n" + raw[end:]
    return raw


def _links(result: Converted, base_url: str, topic_address: TopicAddress) -> str:
    site = re.escape(base_url.rstrip("/")) if base_url else None
    prefix = rf"(?:{site})?" if site else ""
    # /t/slug/42/3, /t/42/3, /t/slug/42, /t/42 - relative, or absolute on the imported site.
    pattern = re.compile(
        rf"(?P<lead>[(<\s\"']|^){prefix}/t/(?:(?P<slug>[^/\s)\]\"'<>]+)/)?(?P<id>\d+)(?:/(?P<n>\d+))?/?(?=[)\s>\"'#?,.;:!]|$)",
        re.MULTILINE,
    )

    def replace(m: re.Match) -> str:
        if m.group("slug") and m.group("slug").isdigit() and m.group("n") is None:
            # /t/42/3 read as slug "42", id 3: take it as topic 42, post 3.
            topic_id, number = int(m.group("slug")), int(m.group("id"))
        else:
            topic_id, number = int(m.group("id")), int(m.group("n")) if m.group("n") else None
        address = topic_address(topic_id, number)
        if address is None:
            result.unresolved_topics.add(topic_id)
            if not base_url or not m.group(0)[len(m.group("lead")):].startswith("/"):
                return m.group(0)  # already absolute on the old site
            # Kept relative, it would name whatever topic has that number here.
            return m.group("lead") + base_url.rstrip("/") + m.group(0)[len(m.group("lead")):]
        return m.group("lead") + address

    return pattern.sub(replace, result.raw)


# A link or image target relative to the old site, other than its topics (those are _links'):
# `[text](/u/lena)`, `![x](/uploads/...)`, `href="/c/9"`.
_RELATIVE_TARGET = re.compile(r"(?P<lead>\]\(|\b(?:href|src)=[\"'])(?P<path>/(?!/)(?!t/)[^\s)\"'<>]*)")


def _site_relative(raw: str, base_url: str) -> str:
    if not base_url:
        return raw
    return _RELATIVE_TARGET.sub(lambda m: m.group("lead") + base_url.rstrip("/") + m.group("path"), raw)


def _uploads(result: Converted, base_url: str) -> str:
    def original(name: str) -> str:
        return f"{base_url.rstrip('/')}/uploads/short-url/{name}" if base_url else f"upload://{name}"

    def image(m: re.Match) -> str:
        result.uploads += 1
        alt = _SIZE_SUFFIX.sub("", m.group("alt")).strip() or "Image"
        return f"[{alt} (image on the original site)]({original(m.group('name'))})"

    def link(m: re.Match) -> str:
        result.uploads += 1
        text = _SIZE_SUFFIX.sub("", m.group("text")).strip() or m.group("name")
        return f"[{text}]({original(m.group('name'))})"

    return _UPLOAD_LINK.sub(link, _UPLOAD_IMAGE.sub(image, result.raw))


def _studies(raw: str) -> str:
    raw = _PUBMED_MD_LINK.sub(lambda m: f"{m.group(0)} [@pmid:{m.group('pmid')}]", raw)
    raw = _PUBMED_BARE.sub(lambda m: f"[@pmid:{m.group('pmid')}]", raw)
    return _DOI_MD_LINK.sub(lambda m: f"{m.group(0)} [@doi:{m.group('doi')}]", raw)


def _bbcode(raw: str) -> str:
    for pattern, replacement in _BBCODE_MARKDOWN:
        raw = pattern.sub(replacement, raw)
    return _BBCODE_TAGS.sub("", raw)


def _mentions(result: Converted, username: Username) -> str:
    def replace(m: re.Match) -> str:
        renamed = username(m.group("name"))
        if renamed is None and not m.group("name").isascii():
            result.unresolved_names.add(m.group("name"))
        return f"@{renamed}" if renamed else m.group(0)

    return _MENTION.sub(replace, result.raw)
