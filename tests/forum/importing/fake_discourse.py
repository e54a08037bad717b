"""A Discourse site on loopback, answering from a folder of saved responses.

It serves each address from the file `saved_name` names, as the real site's JSON; tests can
make paths fail (`failures[path] = status`) or ask the client to wait (`retry_after_once`).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from forum.importing.discourse.source import saved_name


class FakeDiscourse:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.failures: dict[str, int] = {}
        self.retry_after_once: dict[str, str] = {}
        self.requests: list[tuple[str, dict]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                params = {k: v if k.endswith("[]") else v[0] for k, v in parse_qs(parts.query).items()}
                fake.requests.append((parts.path, dict(params, _headers=dict(self.headers))))
                if parts.path in fake.retry_after_once:
                    self._send(429, {"errors": ["slow down"]}, {"Retry-After": fake.retry_after_once.pop(parts.path)})
                    return
                if parts.path in fake.failures:
                    self._send(fake.failures[parts.path], {"errors": ["unavailable"]})
                    return
                body = fake.answer(parts.path, params)
                self._send(200, body) if body is not None else self._send(404, {"errors": ["not found"]})

            def _send(self, status, body, headers=None):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

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
        return json.loads(target.read_text()) if target.is_file() else None

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
