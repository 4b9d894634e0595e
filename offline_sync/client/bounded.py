"""The platform's answers are untrusted input: bounded in size and in time.

- **Size**: an answer is read as it streams and counted after decompression, so neither
  a gzip bomb (1 MB that inflates to 1 GiB) nor a 100 MB body costs more than
  :data:`MAX_ANSWER_BYTES` of memory: reading stops at the bound.
- **Time**: every read, write and connect of a request gets at most what is left of the
  request's deadline (:class:`DeadlineTransport`), so a platform that drips a byte a
  second, or sends nothing at all, ends the request at its deadline, not after it.
- **Waits**: a ``Retry-After`` longer than :data:`MAX_RETRY_AFTER_S` is read as that.
"""

from __future__ import annotations

import math
import ssl
import time
import zlib
from collections.abc import Callable, Iterable
from typing import Any

import httpcore
import httpx

# Far above the largest page of the change feed (500 catalogue items is about 1 MB).
MAX_ANSWER_BYTES = 16 * 1024 * 1024
# A platform that asks for patience gets an hour at most: a wrong answer must not park a
# kiosk's link for days.
MAX_RETRY_AFTER_S = 3600.0
# The change feed's cursor is opaque but short; one far longer is not stored.
MAX_CURSOR_CHARS = 1024
_SMALLEST_WAIT_S = 0.001

Deadline = Callable[[], float]  # the time.monotonic() by which the request must be over


class AnswerTooLarge(Exception):
    """The answer grew past :data:`MAX_ANSWER_BYTES` (after decompression)."""


class AnswerTooSlow(Exception):
    """The answer was not complete by the request's deadline."""


class UnreadableEncoding(Exception):
    """The answer came in a content encoding this device does not read."""


def read_body(response: httpx.Response, limit: int, deadline: Deadline) -> bytes:
    """The decoded body of a streamed ``response``, never more than ``limit`` bytes in memory.

    AnswerTooLarge past ``limit``, AnswerTooSlow past the deadline, UnreadableEncoding for
    an encoding other than gzip or none; httpx's errors for a broken connection.
    """
    try:  # an answer already in memory (a test's transport): decoded, only its size counts
        held = response.content
    except httpx.ResponseNotRead:
        held = None
    if held is not None:
        if len(held) > limit:
            raise AnswerTooLarge(f"over {limit} bytes")
        return held
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip", ""):
        raise UnreadableEncoding(encoding)
    declared = response.headers.get("Content-Length", "")
    if encoding != "gzip" and declared.isdigit() and int(declared) > limit:
        raise AnswerTooLarge(f"it declares {declared} bytes")
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding == "gzip" else None
    parts: list[bytes] = []
    size = 0
    for raw in response.iter_raw():
        if time.monotonic() > deadline():
            raise AnswerTooSlow()
        pieces = _inflated(inflate, raw, limit - size) if inflate else [raw]
        for piece in pieces:
            size += len(piece)
            if size > limit:
                raise AnswerTooLarge(f"over {limit} bytes")
            parts.append(piece)
    if inflate is not None:
        tail = inflate.flush()
        size += len(tail)
        if size > limit:
            raise AnswerTooLarge(f"over {limit} bytes")
        parts.append(tail)
    return b"".join(parts)


def _inflated(inflate: Any, raw: bytes, room: int) -> Iterable[bytes]:
    """What ``raw`` inflates to, a piece at a time, stopping once past ``room`` bytes."""
    data = raw
    while data:
        piece = inflate.decompress(data, max(room, 0) + 1)
        yield piece
        room -= len(piece)
        if room < 0:
            return
        data = inflate.unconsumed_tail
    # the caller counts each piece, so a bomb is stopped one bounded piece past the limit


def answered(response: httpx.Response, body: bytes) -> httpx.Response:
    """A response holding ``body`` as read, for the client to look at like any other."""
    headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
    ]
    return httpx.Response(
        response.status_code, headers=headers, content=body, request=response.request
    )


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport whose every connect, read and write waits no longer than what is
    left before ``deadline()``: the deadline bounds the whole request, not each read."""

    def __init__(self, ssl_context: ssl.SSLContext, deadline: Deadline) -> None:
        super().__init__(verify=ssl_context)
        # httpx builds its connection pool without a way to give it a network backend;
        # this pool is the one it builds (its defaults) with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_DeadlineBackend(deadline),
        )


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, deadline: Deadline) -> None:
        self._inner = httpcore.SyncBackend()
        self._deadline = deadline

    def cap(self, timeout: float | None) -> float:
        left = max(self._deadline() - time.monotonic(), _SMALLEST_WAIT_S)
        return left if timeout is None else min(timeout, left)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.connect_tcp(
            host, port, self.cap(timeout), local_address, socket_options
        )
        return _DeadlineStream(inner, self)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.connect_unix_socket(path, self.cap(timeout), socket_options)
        return _DeadlineStream(inner, self)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, backend: _DeadlineBackend) -> None:
        self._inner = inner
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._backend.cap(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._backend.cap(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._backend.cap(timeout))
        return _DeadlineStream(inner, self._backend)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def capped_retry_after(seconds: float) -> float:
    """A platform's wait, at most :data:`MAX_RETRY_AFTER_S` (and never negative or NaN)."""
    if math.isnan(seconds):
        return MAX_RETRY_AFTER_S
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)
