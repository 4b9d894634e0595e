"""Staff pauses of issuing (暂停取号) as rows: per service, and to phones (扫码取号).

Each function runs inside the caller's write transaction; the caller logs the change.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from kiosk.config import Service
from kiosk.core.queue.errors import IssuingPaused
from kiosk.core.queue.timefmt import iso


def require_issuing(conn: sqlite3.Connection, service: Service) -> None:
    """:class:`IssuingPaused` while staff pause issuing numbers of ``service``."""
    paused = conn.execute(
        "SELECT 1 FROM issuing_pause WHERE service_code = ?", (service.code,)
    ).fetchone()
    if paused:
        raise IssuingPaused(f"issuing is paused for {service.code}", service=service.name)


def set_issuing_paused(
    conn: sqlite3.Connection, service_code: str, paused: bool, now: datetime, actor: str | None
) -> None:
    """Pause (or resume) issuing numbers of one service; pausing twice keeps the first."""
    if paused:
        conn.execute(
            "INSERT OR IGNORE INTO issuing_pause (service_code, paused_at, actor) VALUES (?, ?, ?)",
            (service_code, iso(now), actor),
        )
    else:
        conn.execute("DELETE FROM issuing_pause WHERE service_code = ?", (service_code,))


def set_phone_paused(
    conn: sqlite3.Connection, paused: bool, now: datetime, actor: str | None
) -> None:
    """Pause (or resume) issuing numbers to phones; pausing twice keeps the first."""
    if paused:
        conn.execute(
            "INSERT OR IGNORE INTO phone_pause (id, paused_at, actor) VALUES (1, ?, ?)",
            (iso(now), actor),
        )
    else:
        conn.execute("DELETE FROM phone_pause")
