"""Where Discourse's JSON comes from: the live site, or a folder of saved responses.

Both answer the same questions with the JSON shapes of Discourse's API:
`/site.json` (categories), `/latest.json?page=N` (topics), `/t/{id}.json` and
`/t/{id}/posts.json` (posts with `raw`), `/u/{username}.json` (a member), `/u/{username}/emails.json`
(their address, admins' API keys only) and `/post_action_users.json` (who liked a post).

A folder holds the same responses as files: `site.json`, `latest.json`, `latest-page-1.json` ...,
`t/42.json`, `t/42/posts.json` (the posts beyond the first 20), `u/lena.json`,
`u/lena/emails.json`, `post_action_users/1234.json`, and `source.json` (`{"url": ...}`, the site
the files came from: what an import from the folder is keyed by). `--save-to` writes that layout
while importing from a site, so an import can be repeated offline.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from forum.references.http import LookupFailed, NotFound, ReferencesClient

# Discourse sends at most this many posts with a topic and answers at most this many ids at once.
POSTS_PER_REQUEST = 20
MAX_LATEST_PAGES = 10_000


class SourceUnavailable(Exception):
    """The site could not be read (timeouts, server errors, refusals): try again later."""


class DiscourseSource:
    """The questions the importer asks; each answers a JSON object, or None when there is none."""

    base_url = ""

    def _get(self, path: str, *, params: dict[str, Any] | None = None) -> dict | None:
        raise NotImplementedError

    def site(self) -> dict:
        return self._get("/site.json") or {}

    def latest_pages(self) -> Iterator[dict]:
        """Pages of `/latest.json`, oldest topics first, until a page has no topics."""
        for page in range(MAX_LATEST_PAGES):
            data = self._get("/latest.json", params={"page": page, "order": "created", "ascending": "true"})
            topics = ((data or {}).get("topic_list") or {}).get("topics") or []
            if not topics:
                return
            yield data
            if not (data.get("topic_list") or {}).get("more_topics_url"):
                return

    def topic(self, topic_id: int) -> dict | None:
        """The topic with every post in its stream, each with `raw`."""
        data = self._get(f"/t/{topic_id}.json", params={"include_raw": "true"})
        if data is None:
            return None
        stream = data.setdefault("post_stream", {})
        posts = [p for p in stream.get("posts") or [] if isinstance(p, dict)]
        have = {p.get("id") for p in posts}
        missing = [pid for pid in stream.get("stream") or [] if pid not in have]
        posts.extend(self._more_posts(topic_id, missing))
        stream["posts"] = posts
        return data

    def _more_posts(self, topic_id: int, post_ids: list[int]) -> list[dict]:
        raise NotImplementedError

    def member(self, username: str) -> dict | None:
        return (self._get(f"/u/{username}.json") or {}).get("user")

    def member_email(self, username: str) -> str:
        data = self._get(f"/u/{username}/emails.json") or {}
        return data.get("email") or ""

    def likers(self, post_id: int) -> list[dict]:
        data = self._get("/post_action_users.json", params={"id": post_id, "post_action_type_id": 2})
        return [u for u in (data or {}).get("post_action_users") or [] if isinstance(u, dict)]


def saved_name(path: str, params: dict[str, Any] | None = None) -> str:
    """The file a response is kept in: `/latest.json?page=2` -> `latest-page-2.json`."""
    name = path.strip("/")
    if name == "post_action_users.json" and params:
        return f"post_action_users/{params['id']}.json"
    page = (params or {}).get("page")
    if page:
        name = name.removesuffix(".json") + f"-page-{page}.json"
    return name


def _is_more_posts(path: str) -> bool:
    return path.startswith("/t/") and path.endswith("/posts.json")


class DiscourseSite(DiscourseSource):
    """A live Discourse site, read through the project's HTTP client (timeouts, retries with
    back-off, `Retry-After` honoured) and no faster than `requests_per_second`."""

    def __init__(self, base_url: str, *, api_key: str = "", api_username: str = "",
                 requests_per_second: float = 2.0, retries: int = 5, save_to: Path | None = None,
                 transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.base_url = base_url.rstrip("/")
        headers = {"Api-Key": api_key, "Api-Username": api_username or "system"} if api_key else {}
        # A site that asks us to wait minutes (429 with Retry-After) is waited for: an import is
        # a batch job, and giving up would only mean starting again.
        self.client = ReferencesClient(transport=transport, sleep=sleep, headers=headers,
                                       max_retries=retries, max_retry_wait=900, timeout=30)
        self.interval = 1.0 / requests_per_second if requests_per_second > 0 else 0.0
        self.sleep = sleep
        self.save_to = save_to
        self._last_request = 0.0
        self.requests = 0
        self._save("source.json", {"url": self.base_url})

    def _get(self, path, *, params=None):
        wait = self._last_request + self.interval - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        self._last_request = time.monotonic()
        self.requests += 1
        try:
            data = self.client.get_json(self.base_url + path, params=params, use_cache=False)
        except NotFound:
            return None
        except LookupFailed as exc:
            raise SourceUnavailable(str(exc)) from exc
        if not isinstance(data, dict):
            raise SourceUnavailable(f"{path} did not answer with a JSON object")
        if not _is_more_posts(path):  # those are kept together, in _more_posts
            self._save(saved_name(path, params), data)
        return data

    def _more_posts(self, topic_id, post_ids):
        posts = []
        for start in range(0, len(post_ids), POSTS_PER_REQUEST):
            chunk = post_ids[start:start + POSTS_PER_REQUEST]
            data = self._get(f"/t/{topic_id}/posts.json", params={"post_ids[]": chunk, "include_raw": "true"})
            posts.extend(p for p in ((data or {}).get("post_stream") or {}).get("posts") or [] if isinstance(p, dict))
        if posts:
            self._save(f"t/{topic_id}/posts.json", {"post_stream": {"posts": posts}})
        return posts

    def _save(self, name: str, data: dict) -> None:
        if self.save_to is None:
            return
        target = self.save_to / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data, ensure_ascii=False))

    def close(self) -> None:
        self.client.close()


class DiscourseFolder(DiscourseSource):
    """Responses saved as files (the layout in this module's docstring)."""

    def __init__(self, folder: Path, *, base_url: str = ""):
        self.folder = Path(folder)
        self.requests = 0
        self.recorded_url = self.recorded_site()
        self.base_url = (base_url or self.recorded_url).rstrip("/")

    def recorded_site(self) -> str:
        """The site the export says it came from ("" when it does not say)."""
        try:
            data = json.loads((self.folder / "source.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return ""
        url = data.get("url") if isinstance(data, dict) else None
        return url.rstrip("/") if isinstance(url, str) and url.startswith(("http://", "https://")) else ""

    def _get(self, path, *, params=None):
        if _is_more_posts(path):
            return None  # the rest of a topic's posts are read whole in _more_posts
        return self._read(saved_name(path, params))

    def _read(self, name: str) -> dict | None:
        target = (self.folder / name).resolve()
        if self.folder.resolve() not in target.parents or not target.is_file():
            return None
        self.requests += 1
        try:
            data = json.loads(target.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise SourceUnavailable(f"{name} is not valid JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise SourceUnavailable(f"{name} is not a JSON object")
        return data

    def _more_posts(self, topic_id, post_ids):
        data = self._read(f"t/{topic_id}/posts.json") or {}
        wanted = set(post_ids)
        return [p for p in (data.get("post_stream") or {}).get("posts") or []
                if isinstance(p, dict) and p.get("id") in wanted]

    def close(self) -> None:
        pass
