"""A Discourse site on loopback, answering from a folder of saved responses.

It serves each address from the file `saved_name` names, as the real site's JSON; tests can
make paths fail (`failures[path] = status`) or ask the client to wait (`retry_after_once`).
"""

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from forum.importing.discourse.source import saved_name
from tests.loopback import JsonHandler, LoopbackServer


class FakeDiscourse(LoopbackServer):
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.failures: dict[str, int] = {}
        self.retry_after_once: dict[str, str] = {}
        self.requests: list[tuple[str, dict]] = []
        fake = self

        class Handler(JsonHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                params = {k: v if k.endswith("[]") else v[0] for k, v in parse_qs(parts.query).items()}
                fake.requests.append((parts.path, dict(params, _headers=dict(self.headers))))
                if parts.path in fake.retry_after_once:
                    self.send_json({"errors": ["slow down"]}, 429, {"Retry-After": fake.retry_after_once.pop(parts.path)})
                    return
                if parts.path in fake.failures:
                    self.send_json({"errors": ["unavailable"]}, fake.failures[parts.path])
                    return
                body = fake.answer(parts.path, params)
                if isinstance(body, bytes):  # a saved file that is not JSON, served as it is
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                self.send_json(body) if body is not None else self.send_json({"errors": ["not found"]}, 404)

        super().__init__(Handler)

    def answer(self, path: str, params: dict):
        if path.startswith("/t/") and path.endswith("/posts.json"):
            saved = self._load(path.strip("/")) or {}
            wanted = {int(i) for i in params.get("post_ids[]", [])}
            return {"post_stream": {"posts": [p for p in saved.get("post_stream", {}).get("posts", [])
                                              if p["id"] in wanted]}}
        page = int(params.get("page") or 0)
        return self._load(saved_name(path, {**params, "page": page}))

    def _load(self, name: str):
        target = self.folder / name
        if not target.is_file():
            return None
        try:
            return json.loads(target.read_text())
        except ValueError:
            return target.read_bytes()
