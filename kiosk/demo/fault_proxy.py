"""A fault-injecting TCP proxy: the slow, flaky 2G/3G link between a device and its platform.

:class:`FaultProxy` sits between the device and the reference platform on 127.0.0.1.
It models a slow, flaky link: added latency and a bandwidth limit shared by every
connection, and, chosen per HTTP request from a seeded random generator, connection
resets at random byte offsets of the request or the response, responses cut short,
``500``/``503``/``429`` answers with ``Retry-After`` made up by the proxy, and a
blackhole that swallows everything. It parses just enough of HTTP/1.1 on the way up
(request head and ``Content-Length`` body) to decide a fault per request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

_CHUNK = 16 * 1024
_RESET = object()
_CLOSE = object()


@dataclass
class Faults:
    """What the proxy does to traffic; rates are probabilities per HTTP request."""

    reset_rate: float = 0.0
    truncate_rate: float = 0.0
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 503, 429)
    retry_after_s: int = 1
    round_trip_s: float = 0.0
    bandwidth_bps: float = 0.0
    blackhole: bool = False
    lose_responses: bool = False


@dataclass
class ProxyStats:
    """What the proxy saw and did; ``log`` holds (monotonic time, method, target, fault)."""

    connections: int = 0
    requests: int = 0
    resets: int = 0
    truncations: int = 0
    errors: dict[int, int] = field(default_factory=dict)
    bytes_up: int = 0
    bytes_down: int = 0
    log: list[tuple[float, str, str, str]] = field(default_factory=list)


class _Link:
    """One direction of the shared wire: bytes leave one after another at the bandwidth."""

    def __init__(self, faults: Faults) -> None:
        self.faults = faults
        self.free_at = 0.0

    def deliver_at(self, size: int) -> float:
        now = time.monotonic()
        bps = self.faults.bandwidth_bps
        start = max(now, self.free_at)
        self.free_at = start + (size * 8 / bps if bps else 0.0)
        return self.free_at + self.faults.round_trip_s / 2


class _Pipe:
    """Delivers queued chunks to one writer at their due times; a sentinel ends the connection."""

    def __init__(self, writer: asyncio.StreamWriter, link: _Link, on_end) -> None:
        self.writer = writer
        self.link = link
        self.queue: asyncio.Queue = asyncio.Queue()
        self.on_end = on_end
        self.task = asyncio.ensure_future(self._run())

    def send(self, data: bytes) -> None:
        for i in range(0, len(data), _CHUNK):
            piece = data[i : i + _CHUNK]
            self.queue.put_nowait((self.link.deliver_at(len(piece)), piece))

    def end(self, how: object) -> None:
        self.queue.put_nowait((self.link.deliver_at(0), how))

    async def _run(self) -> None:
        try:
            while True:
                due, item = await self.queue.get()
                delay = due - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                if item is _RESET or item is _CLOSE:
                    self.on_end(item)
                    return
                if self.link.faults.blackhole:
                    continue
                self.writer.write(item)
                await self.writer.drain()
        except (ConnectionError, OSError):
            self.on_end(_RESET)


def _abort(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class _Connection:
    def __init__(self, proxy: FaultProxy, creader, cwriter, sreader, swriter) -> None:
        self.proxy = proxy
        self.creader, self.cwriter = creader, cwriter
        self.sreader, self.swriter = sreader, swriter
        self.ended = False
        self.budget: int | None = None
        self.budget_end: object = _CLOSE
        self.up = _Pipe(swriter, proxy.up_link, self.finish)
        self.down = _Pipe(cwriter, proxy.down_link, self.finish)

    def finish(self, how: object) -> None:
        if self.ended:
            return
        self.ended = True
        for pipe in (self.up, self.down):
            if pipe.task is not asyncio.current_task():
                pipe.task.cancel()
        for writer in (self.cwriter, self.swriter):
            if how is _RESET:
                _abort(writer)
            else:
                writer.close()

    async def pump_down(self) -> None:
        while not self.ended:
            data = await self.sreader.read(_CHUNK)
            if not data:
                self.down.end(_CLOSE)
                return
            self.proxy.stats.bytes_down += len(data)
            if self.proxy.faults.lose_responses:
                continue
            if self.budget is not None:
                if len(data) >= self.budget:
                    self.down.send(data[: self.budget])
                    self.down.end(self.budget_end)
                    return
                self.budget -= len(data)
            self.down.send(data)

    async def pump_up(self) -> None:
        rng, stats = self.proxy.rng, self.proxy.stats
        while not self.ended:
            try:
                head = await self.creader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                self.up.end(_CLOSE)
                return
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            try:
                body = await self.creader.readexactly(length) if length else b""
            except (asyncio.IncompleteReadError, ConnectionError):
                self.up.end(_RESET)
                return
            request = head + body
            faults = self.proxy.faults
            stats.bytes_up += len(request)
            stats.requests += 1
            method, target = head.split(b" ", 2)[:2]
            if faults.blackhole:
                stats.log.append((time.monotonic(), method.decode(), target.decode(), "blackhole"))
                continue
            fault = self._choose_fault(rng, faults)
            stats.log.append((time.monotonic(), method.decode(), target.decode(), fault))
            if fault == "error":
                self._answer_error(rng.choice(faults.error_statuses))
                return
            if fault == "reset_request":
                stats.resets += 1
                self.up.send(request[: rng.randrange(len(request))])
                self.up.end(_RESET)
                return
            if fault == "reset_response" and self.budget is None:
                stats.resets += 1
                self.budget, self.budget_end = rng.randrange(4096), _RESET
            elif fault == "truncate" and self.budget is None:
                stats.truncations += 1
                self.budget, self.budget_end = rng.randrange(1, 4096), _CLOSE
            self.up.send(request)

    @staticmethod
    def _choose_fault(rng: random.Random, faults: Faults) -> str:
        roll = rng.random()
        for name, rate in (
            ("error", faults.error_rate),
            ("reset_request", faults.reset_rate / 2),
            ("reset_response", faults.reset_rate / 2),
            ("truncate", faults.truncate_rate),
        ):
            if roll < rate:
                return name
            roll -= rate
        return "none"

    def _answer_error(self, status: int) -> None:
        reason = {
            500: "Internal Server Error",
            503: "Service Unavailable",
            429: "Too Many Requests",
        }
        code = {500: "internal", 503: "unavailable", 429: "rate_limited"}[status]
        body = json.dumps(
            {"error": {"code": code, "message": "injected by the test proxy"}}
        ).encode()
        lines = [
            f"HTTP/1.1 {status} {reason[status]}",
            f"Date: {formatdate(usegmt=True)}",
            "Content-Type: application/json",
            f"Content-Length: {len(body)}",
            "Connection: close",
        ]
        if status in (429, 503):
            lines.append(f"Retry-After: {self.proxy.faults.retry_after_s}")
        self.down.send(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        self.down.end(_CLOSE)
        self.proxy.stats.errors[status] = self.proxy.stats.errors.get(status, 0) + 1


def _quiet_cancellation(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    if not isinstance(context.get("exception"), asyncio.CancelledError):
        loop.default_exception_handler(context)


class FaultProxy:
    """A TCP proxy on 127.0.0.1 in front of ``upstream_port``, with seeded faults.

    Change ``proxy.faults`` fields at any time (for example ``blackhole``); counts and a
    request log are in ``proxy.stats``.
    """

    def __init__(self, upstream_port: int, faults: Faults | None = None, seed: int = 0) -> None:
        self.upstream_port = upstream_port
        self.faults = faults or Faults()
        self.rng = random.Random(seed)
        self.stats = ProxyStats()
        self.up_link = _Link(self.faults)
        self.down_link = _Link(self.faults)
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._loop.set_exception_handler(_quiet_cancellation)
        self._thread = threading.Thread(
            target=self._loop.run_forever, daemon=True, name="fault-proxy"
        )
        self._server: asyncio.base_events.Server | None = None
        self._connections: set[_Connection] = set()

    @property
    def url(self) -> str:
        """The base URL a device uses to reach the platform through the proxy."""
        return f"http://127.0.0.1:{self.port}"

    def set_faults(self, faults: Faults) -> None:
        """Replace every fault setting at once (the links follow the new settings)."""
        self.faults = faults
        self.up_link.faults = self.down_link.faults = faults

    def start(self) -> FaultProxy:
        """Start listening; returns self."""
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._listen(), self._loop)
        future.result(timeout=10)
        return self

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _accept(self, creader, cwriter) -> None:
        self.stats.connections += 1
        try:
            sreader, swriter = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            _abort(cwriter)
            return
        conn = _Connection(self, creader, cwriter, sreader, swriter)
        self._connections.add(conn)
        try:
            await asyncio.gather(conn.pump_up(), conn.pump_down(), return_exceptions=True)
            await asyncio.gather(conn.up.task, conn.down.task, return_exceptions=True)
        finally:
            conn.finish(_CLOSE)
            self._connections.discard(conn)

    def reset_all(self) -> None:
        """Cut every open connection now (a link flap)."""

        def cut() -> None:
            for conn in list(self._connections):
                conn.finish(_RESET)

        self._loop.call_soon_threadsafe(cut)

    def stop(self) -> None:
        """Stop listening, cut every connection and end the proxy thread."""

        async def close() -> None:
            if self._server is not None:
                self._server.close()
            for conn in list(self._connections):
                conn.finish(_RESET)
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


@contextlib.contextmanager
def fault_proxy(upstream_port: int, faults: Faults | None = None, seed: int = 0):
    """A started :class:`FaultProxy`, stopped on exit."""
    proxy = FaultProxy(upstream_port, faults, seed).start()
    try:
        yield proxy
    finally:
        proxy.stop()
