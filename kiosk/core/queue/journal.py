"""How a queue change is written: one transaction holding the change, its queue log line
and its platform ticket event, done once per request id.

The queue log (``queue_log``) is the hall's memory: its ``seq`` numbers the display
board's events, its call lines are what the board shows and the speaker says, and its
``actor`` and ``reason`` say who called a ticket out of turn and why.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from kiosk.core.queue.model import LogAction, Ticket
from kiosk.core.queue.timefmt import iso
from kiosk.core.queue.transitions import PLATFORM_EVENT
from kiosk.core.queue.views import QueueReader
from offline_sync.outbox import Outbox
from offline_sync.store import Store


class QueueJournal:
    """Writes queue changes with their log line and outbox record."""

    def __init__(
        self,
        store: Store,
        outbox: Outbox,
        reader: QueueReader,
        local_day: Callable[[datetime], date],
    ) -> None:
        self.store = store
        self.outbox = outbox
        self.reader = reader
        self.zone: ZoneInfo = reader.zone
        self.local_day = local_day

    def write(
        self,
        action: LogAction,
        change: Callable[[sqlite3.Connection], str],
        now: datetime,
        *,
        reason: str | None = None,
        request_id: str | None = None,
        actor: str | None = None,
    ) -> Ticket:
        """Run ``change`` (it returns the ticket id) with its log line and platform event, once.

        A ``request_id`` already in the log returns that request's ticket as it is now.
        """
        with self.store.transaction() as conn:
            if request_id:
                done = conn.execute(
                    "SELECT ticket_id FROM queue_log WHERE request_id = ?", (request_id,)
                ).fetchone()
                if done is not None:
                    return self.reader.ticket(conn, done[0], now)
            ticket_id = change(conn)
            row = conn.execute("SELECT * FROM ticket WHERE ticket_id = ?", (ticket_id,)).fetchone()
            self.log(
                conn,
                action,
                now,
                ticket=row,
                service_code=row["service_code"],
                counter=row["counter"],
                reason=reason,
                actor=actor,
                request_id=request_id,
            )
            self._event(row, PLATFORM_EVENT[action], now)
            return self.reader.ticket(conn, ticket_id, now)

    def log(
        self,
        conn: sqlite3.Connection,
        action: LogAction,
        now: datetime,
        *,
        ticket: sqlite3.Row | None = None,
        service_code: str | None = None,
        counter: str | None = None,
        reason: str | None = None,
        actor: str | None = None,
        request_id: str | None = None,
    ) -> None:
        """Append one line to the queue log (inside the caller's transaction)."""
        conn.execute(
            "INSERT INTO queue_log (at, day, action, ticket_id, ticket_no, priority, service_code,"
            " counter, reason, actor, request_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                iso(now),
                self.local_day(now).isoformat(),
                action,
                ticket["ticket_id"] if ticket else None,
                ticket["ticket_no"] if ticket else None,
                int(bool(ticket and ticket["priority"])),
                service_code,
                counter,
                reason,
                actor,
                request_id,
            ),
        )

    @staticmethod
    def mark_active(
        conn: sqlite3.Connection, counter: str, now: datetime, paused: bool | None = None
    ) -> None:
        """The counter worked just now; ``paused`` True/False pauses or resumes it, None keeps."""
        conn.execute(
            "INSERT INTO counter_activity (counter, active_at, paused_at) VALUES (?, ?, ?)"
            " ON CONFLICT (counter) DO UPDATE SET active_at = excluded.active_at,"
            " paused_at = CASE WHEN ? THEN counter_activity.paused_at ELSE excluded.paused_at END",
            (counter, iso(now), iso(now) if paused else None, paused is None),
        )

    def _event(self, row: sqlite3.Row, event: str, at: datetime) -> None:
        body = {
            "ticket_id": row["ticket_id"],
            "ticket_no": row["ticket_no"],
            "service_code": row["service_code"],
            "event": event,
            "at": at.astimezone(self.zone).isoformat(timespec="seconds"),
            "counter": row["counter"],
            "priority": row["priority"] is not None,
            "channel": row["channel"],  # an extension of the contract (docs/platform-api.md)
        }
        self.outbox.add("ticket_event", str(uuid.uuid4()), 1, body, iso(at))
