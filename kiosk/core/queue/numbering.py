"""How a number is made: the next number of a ticket prefix on a local day, and its ticket.

Numbers count per ticket prefix per local day and restart at 1 after midnight; the
counter row and the ticket are written in the caller's write transaction, and
``UNIQUE (prefix, day, number)`` guards numbering in the file itself, also if the operator
moves the clock back.
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date, datetime

from kiosk.config import Service
from kiosk.core.queue.model import Priority, TicketChannel, TicketState
from kiosk.core.queue.timefmt import iso


def next_ticket(
    conn: sqlite3.Connection,
    service: Service,
    day: date,
    now: datetime,
    *,
    order_at: datetime,
    reason: Priority | None,
    appointment_code: str | None,
    channel: TicketChannel,
) -> str:
    """Write the next number of ``service`` on ``day`` as a waiting ticket (its place in line
    by ``order_at``; an appointment's booking names it); its ticket id."""
    number = conn.execute(
        "INSERT INTO ticket_counter (prefix, day, last_no) VALUES (?, ?, 1)"
        " ON CONFLICT (prefix, day) DO UPDATE SET last_no = last_no + 1"
        " RETURNING last_no",
        (service.prefix, day.isoformat()),
    ).fetchone()[0]
    ticket_id = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO ticket (ticket_id, day, prefix, number, ticket_no, service_code,"
        " priority, appointment_code, order_at, state, issued_at, channel)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            ticket_id,
            day.isoformat(),
            service.prefix,
            number,
            f"{service.prefix}{number:03d}",
            service.code,
            str(reason) if reason else None,
            appointment_code,
            iso(order_at),
            TicketState.WAITING,
            iso(now),
            str(channel),
        ),
    )
    if appointment_code:
        conn.execute(
            "UPDATE appointment SET ticket_id = ? WHERE code = ?", (ticket_id, appointment_code)
        )
    return ticket_id
