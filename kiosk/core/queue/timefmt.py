"""How the queue's tables write times: UTC ISO 8601 with microseconds (sortable as text)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

_UTC = ZoneInfo("UTC")


def iso(moment: datetime) -> str:
    """The stored form of ``moment``."""
    return moment.astimezone(_UTC).isoformat(timespec="microseconds")


def parse(text: str) -> datetime:
    """A stored time back (aware, UTC)."""
    return datetime.fromisoformat(text)
