"""Which ticket a counter calls next, and whether the counter is free to call.

Each function reads inside the caller's write transaction.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from kiosk.core.queue.errors import CounterBusy, NobodyWaiting


def next_waiting(conn: sqlite3.Connection, day: date, services: list[str], counter: str) -> str:
    """The ticket id next in line for ``services`` on ``day``: the green channel first, then
    by place in line; :class:`NobodyWaiting` when the lines are empty."""
    marks = ",".join("?" * len(services))
    row = conn.execute(
        f"SELECT ticket_id FROM ticket WHERE day = ? AND state = 'waiting'"
        f" AND service_code IN ({marks})"
        " ORDER BY priority IS NULL, order_at, issued_at, rowid LIMIT 1",
        (day.isoformat(), *services),
    ).fetchone()
    if row is None:
        raise NobodyWaiting(f"nobody is waiting for {', '.join(services)}", counter=counter)
    return row[0]


def require_idle(conn: sqlite3.Connection, counter: str, day: date) -> None:
    """:class:`CounterBusy` while ``counter`` has a ticket called or in service on ``day``."""
    busy = conn.execute(
        "SELECT ticket_no FROM ticket WHERE day = ? AND counter = ?"
        " AND state IN ('called', 'serving') LIMIT 1",
        (day.isoformat(), counter),
    ).fetchone()
    if busy:
        raise CounterBusy(
            f"{counter} still has {busy[0]} called or in service",
            counter=counter,
            ticket_no=busy[0],
        )
