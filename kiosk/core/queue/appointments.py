"""Appointments (预约): a 6-digit code for a service and a time, checked in at the kiosk.

A booking checked in no later than ``[queue] appointment_grace_min`` after its slot
keeps the slot's place, ahead of walk-ins who came after it; later, it queues as a
walk-in.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable
from datetime import date, datetime, timedelta

from kiosk.config import Service
from kiosk.core.queue.errors import SlotPassed, UnknownAppointment
from kiosk.core.queue.timefmt import iso, parse


def book(conn: sqlite3.Connection, service: Service, slot_at: datetime, now: datetime) -> str:
    """Store a booking (inside the caller's transaction); its fresh 6-digit code.
    SlotPassed for a slot already gone (one in the current minute is still to come)."""
    if slot_at < now.replace(second=0, microsecond=0):
        raise SlotPassed(f"the slot {slot_at:%Y-%m-%d %H:%M} has already passed")
    while True:
        code = f"{secrets.randbelow(10**6):06d}"
        if not conn.execute("SELECT 1 FROM appointment WHERE code = ?", (code,)).fetchone():
            break
    conn.execute(
        "INSERT INTO appointment (code, service_code, slot_at, created_at) VALUES (?,?,?,?)",
        (code, service.code, iso(slot_at), iso(now)),
    )
    return code


def check_in(
    conn: sqlite3.Connection,
    code: str,
    service: Service,
    now: datetime,
    local_day: Callable[[datetime], date],
    grace_min: float,
) -> datetime:
    """The place in line (``order_at``) the booking gives a ticket issued ``now``."""
    row = conn.execute("SELECT * FROM appointment WHERE code = ?", (code,)).fetchone()
    if row is None or row["ticket_id"] is not None:
        raise UnknownAppointment(f"appointment {code} is unknown or already checked in")
    slot = parse(row["slot_at"])
    if row["service_code"] != service.code or local_day(slot) != local_day(now):
        raise UnknownAppointment(
            f"appointment {code} is for {row['service_code']} on {local_day(slot)}"
        )
    return min(slot, now) if now <= slot + timedelta(minutes=grace_min) else now
