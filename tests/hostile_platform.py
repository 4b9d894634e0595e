"""A hostile platform for tests: a real HTTP server on 127.0.0.1 that answers what a test
tells it to (a gzip bomb, a body that never ends, a byte a second, a park-forever
Retry-After, a 70 KB cursor, a forged log line in an error message ...).

It checks no signature: it stands for a platform (or a man in the middle) that answers
with anything. By default it answers ``ping`` as the platform does, every pushed record
``stored``, and an empty change feed; :meth:`HostilePlatform.on` replaces the answer of
one endpoint with a function of the request.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Answer:
    """What the server sends: status, headers and a body given whole or piece by piece."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] = b""
    pause_s: float = 0.0  # between pieces of an iterable body
    raw: bool = False  # the body is the whole answer, status line and headers included

    @classmethod
    def json(cls, value: Any, status: int = 200, **headers: str) -> Answer:
        return cls(
            status, {"Content-Type": "application/json", **headers}, json.dumps(value).encode()
        )


@dataclass
class Request:
    """What the device sent."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        raw = self.body
        if self.headers.get("content-encoding") == "gzip":
            raw = gzip.decompress(raw)
        return json.loads(raw)


Handler = Callable[[Request], Answer]


def _ping(_request: Request) -> Answer:
    return Answer.json({"service": "provincial-platform", "api": "v1"})


def _store_all(request: Request) -> Answer:
    records = request.json()["records"]
    return Answer.json(
        {
            "results": [
                {"id": r["id"], "revision": r["revision"], "status": "stored"} for r in records
            ]
        }
    )


def _no_changes(_request: Request) -> Answer:
    return Answer.json({"changes": [], "cursor": "c0", "has_more": False})


class HostilePlatform:
    """The server; use :func:`hostile_platform` to run one for a test."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Handler] = {
            ("GET", "/api/v1/ping"): _ping,
            ("POST", "/api/v1/records"): _store_all,
            ("GET", "/api/v1/changes"): _no_changes,
        }
        self.requests: list[Request] = []
        self.body_reads = 0  # request bodies read (none for a refused request)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def on(self, method: str, path: str, handler: Handler) -> None:
        """Answer ``method path`` (path without the query) with ``handler(request)``."""
        self.routes[(method, path)] = handler

    def site_toml(self, device_id: str = "511502-K-HOSTILE", timeout_s: float = 5.0) -> str:
        return (
            f'\n[platform]\nurl = "{self.url}"\ndevice_id = "{device_id}"\n'
            f'device_secret = "{"ab" * 32}"\n\n[sync]\nrequest_timeout_s = {timeout_s}\n'
        )

    def start(self) -> HostilePlatform:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:  # quiet
                return

            def _serve(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                platform.body_reads += bool(length)
                query = {k: v[-1] for k, v in parse_qs(url.query).items()}
                headers = {k.lower(): v for k, v in self.headers.items()}
                request = Request(self.command, url.path, query, headers, body)
                platform.requests.append(request)
                handler = platform.routes.get((self.command, url.path))
                answer = handler(request) if handler else Answer.json({"error": {}}, 404)
                self._send(answer)

            def _send(self, answer: Answer) -> None:
                if answer.raw:
                    self.close_connection = True
                    self._write(answer, answer.body)
                    return
                self.send_response(answer.status)
                pieces = [answer.body] if isinstance(answer.body, bytes) else answer.body
                headers = dict(answer.headers)
                if isinstance(answer.body, bytes) and "Content-Length" not in headers:
                    headers["Content-Length"] = str(len(answer.body))
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self._write(answer, pieces)

            def _write(self, answer: Answer, pieces: Iterable[bytes]) -> None:
                try:
                    for piece in pieces:
                        self.wfile.write(piece)
                        self.wfile.flush()
                        if answer.pause_s:
                            time.sleep(answer.pause_s)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = do_POST = do_PATCH = do_HEAD = do_OPTIONS = _serve

        return Handler


@contextmanager
def hostile_platform() -> Iterator[HostilePlatform]:
    """A hostile platform on 127.0.0.1 for the length of the block."""
    platform = HostilePlatform().start()
    try:
        yield platform
    finally:
        platform.stop()
