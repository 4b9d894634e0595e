"""The hall's event stream (``GET /events``): Server-Sent Events for boards, counters, phones.

Each stream starts with ``retry`` (reconnect after 1 s) and a ``hello`` carrying the
newest queue log seq; then every ``change`` (id = seq) and ``show`` from the hub, and a
``ping`` every ``heartbeat_s`` so a page can tell a quiet hall from a dead link. On
reconnect a page fetches its whole state again, so nothing missed while away matters.
When the server stops, every stream ends at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import StreamingResponse

from kiosk.core.hall.events import HEARTBEAT, format_retry, format_sse
from kiosk.core.hall.hub import HallHub, HubEvent

HEARTBEAT_S = 10.0
MAX_BACKLOG = 500


class EventStreams:
    """Open event streams of this server."""

    def __init__(self, hub: HallHub, heartbeat_s: float = HEARTBEAT_S) -> None:
        self.hub = hub
        self.heartbeat_s = heartbeat_s
        self._queues: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue]] = set()

    @property
    def open(self) -> int:
        """How many streams are open."""
        return len(self._queues)

    def close_all(self) -> None:
        """End every stream (the server is stopping)."""
        for loop, queue in list(self._queues):
            loop.call_soon_threadsafe(_offer, queue, None)

    async def endpoint(self, request: Request) -> StreamingResponse:
        """``GET /events``."""
        return StreamingResponse(
            self._stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    async def _stream(self) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[HubEvent | None] = asyncio.Queue(MAX_BACKLOG)
        entry = (loop, queue)

        def deliver(event: HubEvent) -> None:
            loop.call_soon_threadsafe(_offer, queue, event)

        unsubscribe = self.hub.subscribe(deliver)
        self._queues.add(entry)
        try:
            yield format_retry()
            yield format_sse("hello", {"seq": self.hub.seq}, self.hub.seq)
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), self.heartbeat_s)
                except TimeoutError:
                    yield format_sse("ping", {"seq": self.hub.seq})
                    yield HEARTBEAT
                    continue
                if event is None:
                    return
                yield format_sse(event.kind, event.data, event.id)
        finally:
            unsubscribe()
            self._queues.discard(entry)


def _offer(queue: asyncio.Queue, event: HubEvent | None) -> None:
    try:
        queue.put_nowait(event)
    except asyncio.QueueFull:
        # A reader this far behind would miss events: end its stream instead, so it
        # reconnects and fetches the whole state again, as after any break.
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(None)
