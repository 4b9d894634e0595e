"""Server-Sent Events as the hall sends and reads them (the WHATWG ``text/event-stream`` form).

The board and (later) the phone page read them with the browser's ``EventSource``;
the remote speaker reads them with :func:`parse_sse`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

RETRY_MS = 1000  # how soon a browser reconnects after the stream broke


@dataclass(frozen=True)
class SseEvent:
    """One event: its type, its JSON data, its id (None when it has none)."""

    event: str
    data: Any
    id: str | None = None


def format_sse(event: str, data: Any, event_id: int | None = None) -> bytes:
    """One event in wire form (data as one line of JSON)."""
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append(f"event: {event}")
    lines.append("data: " + json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return ("\n".join(lines) + "\n\n").encode()


def format_retry(retry_ms: int = RETRY_MS) -> bytes:
    """The ``retry:`` field telling browsers how soon to reconnect."""
    return f"retry: {retry_ms}\n\n".encode()


HEARTBEAT = b": ping\n\n"


def parse_sse(lines: Iterable[str]) -> Iterator[SseEvent]:
    """Events from the lines of a stream (comments and ``retry:`` skipped)."""
    event, data, event_id = "message", [], None
    for line in lines:
        line = line.rstrip("\r\n")
        if not line:
            if data:
                try:
                    payload = json.loads("\n".join(data))
                except ValueError:
                    payload = "\n".join(data)
                yield SseEvent(event, payload, event_id)
            event, data = "message", []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
        elif name == "id":
            event_id = value
