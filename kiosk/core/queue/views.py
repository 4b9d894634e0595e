"""Read models of the queue: a ticket with its place in line, the board's and a counter's view.

Everything here only reads; it runs on the caller's connection (inside a write
transaction, it sees that transaction's changes).
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from zoneinfo import ZoneInfo

from kiosk.config import Config, Service
from kiosk.core.queue.errors import UnknownService, UnknownTicket
from kiosk.core.queue.model import (
    CALL_ACTIONS,
    PRIORITY_MARK,
    Change,
    CounterView,
    HallView,
    LogAction,
    Priority,
    ServiceLine,
    Ticket,
    TicketChannel,
    TicketState,
)
from kiosk.core.queue.stats import estimate_wait
from kiosk.core.queue.timefmt import parse

RECENT_CALLS = 6
_CALLS = ",".join(f"'{a}'" for a in CALL_ACTIONS)


class QueueReader:
    """Builds the queue's read models from the store for one site's configuration."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.zone = ZoneInfo(config.site.timezone)

    def service(self, code: str) -> Service:
        """The configured service with this code; :class:`UnknownService` otherwise."""
        try:
            return self.config.service(code)
        except KeyError:
            known = ", ".join(s.code for s in self.config.services)
            raise UnknownService(f"no service {code!r}; known: {known}", service=code) from None

    def find(self, conn: sqlite3.Connection, ticket_no: str, day: date) -> sqlite3.Row:
        """Today's ticket row with this number (``VA003`` and ``a003`` find ``A003``)."""
        number = ticket_no.strip().upper()
        if number.startswith(PRIORITY_MARK):
            number = number[len(PRIORITY_MARK) :]
        row = conn.execute(
            "SELECT rowid, * FROM ticket WHERE day = ? AND ticket_no = ?",
            (day.isoformat(), number),
        ).fetchone()
        if row is None:
            raise UnknownTicket(f"no ticket {ticket_no} today", ticket_no=ticket_no)
        return row

    def ticket(self, conn: sqlite3.Connection, ticket_id: str, now: datetime) -> Ticket:
        """The ticket with its place in line and wait estimate as of ``now``."""
        row = conn.execute(
            "SELECT rowid, * FROM ticket WHERE ticket_id = ?", (ticket_id,)
        ).fetchone()
        return self._ticket(conn, row, now)

    def _ticket(self, conn: sqlite3.Connection, row: sqlite3.Row, now: datetime) -> Ticket:
        service = self.service(row["service_code"])
        ahead = 0
        if row["state"] == TicketState.WAITING:
            ahead = conn.execute(
                "SELECT count(*) FROM ticket WHERE day = ? AND service_code = ? AND state = 'waiting'"
                " AND (priority IS NULL, order_at, issued_at, rowid) < (?, ?, ?, ?)",
                (
                    row["day"],
                    row["service_code"],
                    row["priority"] is None,
                    row["order_at"],
                    row["issued_at"],
                    row["rowid"],
                ),
            ).fetchone()[0]
        return Ticket(
            ticket_id=row["ticket_id"],
            ticket_no=row["ticket_no"],
            service_code=service.code,
            service_name=service.name,
            issued_at=parse(row["issued_at"]).astimezone(self.zone),
            state=TicketState(row["state"]),
            priority=Priority(row["priority"]) if row["priority"] else None,
            ahead=ahead,
            estimated_wait_min=estimate_wait(conn, self.config, service, ahead, now),
            counter=row["counter"],
            called_at=parse(row["called_at"]).astimezone(self.zone) if row["called_at"] else None,
            channel=TicketChannel(row["channel"]),
        )

    def _tickets(
        self, conn: sqlite3.Connection, now: datetime, where: str, args: tuple
    ) -> list[Ticket]:
        rows = conn.execute(f"SELECT rowid, * FROM ticket WHERE {where}", args).fetchall()
        return [self._ticket(conn, row, now) for row in rows]

    def lines(self, conn: sqlite3.Connection, day: date, now: datetime) -> list[ServiceLine]:
        """Each service's line today, in configured order."""
        counts = dict(
            conn.execute(
                "SELECT service_code, count(*) FROM ticket WHERE day = ? AND state = 'waiting'"
                " GROUP BY service_code",
                (day.isoformat(),),
            ).fetchall()
        )
        paused = {r[0] for r in conn.execute("SELECT service_code FROM issuing_pause")}
        return [
            ServiceLine(
                service_code=s.code,
                name=s.name,
                prefix=s.prefix,
                waiting=counts.get(s.code, 0),
                paused=s.code in paused,
                estimated_wait_min=estimate_wait(conn, self.config, s, counts.get(s.code, 0), now),
            )
            for s in self.config.services
        ]

    def status(self, conn: sqlite3.Connection, day: date, now: datetime) -> list[dict[str, object]]:
        """For each service today: people waiting, the tickets at counters, the wait estimate."""
        result = []
        for line in self.lines(conn, day, now):
            current = [
                {
                    "ticket_no": r["ticket_no"],
                    "state": r["state"],
                    "counter": r["counter"],
                    "priority": r["priority"] is not None,
                }
                for r in conn.execute(
                    "SELECT ticket_no, state, counter, priority FROM ticket"
                    " WHERE day = ? AND service_code = ?"
                    " AND state IN ('called', 'serving') ORDER BY called_at",
                    (day.isoformat(), line.service_code),
                )
            ]
            result.append(
                {
                    "service": line.service_code,
                    "name": line.name,
                    "waiting": line.waiting,
                    "paused": line.paused,
                    "at_counters": current,
                    "estimated_wait_min": line.estimated_wait_min,
                }
            )
        return result

    def changes_since(self, conn: sqlite3.Connection, seq: int, limit: int = 200) -> list[Change]:
        """Queue log lines after ``seq``, oldest first."""
        rows = conn.execute(
            "SELECT * FROM queue_log WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit)
        ).fetchall()
        return [self._change(r) for r in rows]

    def recent_calls(self, conn: sqlite3.Connection, day: date, count: int) -> list[Change]:
        """The last ``count`` calls of the day, newest first."""
        rows = conn.execute(
            f"SELECT * FROM queue_log WHERE day = ? AND action IN ({_CALLS})"
            " ORDER BY seq DESC LIMIT ?",
            (day.isoformat(), count),
        ).fetchall()
        return [self._change(r) for r in rows]

    def last_call(self, conn: sqlite3.Connection) -> Change | None:
        """The newest call of any day (None before the first)."""
        row = conn.execute(
            f"SELECT * FROM queue_log WHERE action IN ({_CALLS}) ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return self._change(row) if row else None

    def _change(self, row: sqlite3.Row) -> Change:
        return Change(
            seq=row["seq"],
            action=LogAction(row["action"]),
            at=parse(row["at"]).astimezone(self.zone),
            ticket_no=row["ticket_no"],
            priority=bool(row["priority"]),
            counter=row["counter"],
            service_code=row["service_code"],
        )

    @staticmethod
    def phone_paused(conn: sqlite3.Connection) -> bool:
        """True while staff pause issuing to phones (扫码取号)."""
        return conn.execute("SELECT 1 FROM phone_pause").fetchone() is not None

    @staticmethod
    def last_seq(conn: sqlite3.Connection) -> int:
        """The newest queue log line's number (0 for an empty log)."""
        return conn.execute("SELECT coalesce(max(seq), 0) FROM queue_log").fetchone()[0]

    def hall(self, conn: sqlite3.Connection, day: date, now: datetime) -> HallView:
        """What the display board shows."""
        return HallView(
            seq=self.last_seq(conn),
            recent_calls=self.recent_calls(conn, day, RECENT_CALLS),
            lines=self.lines(conn, day, now),
            served_today=_served(conn, day),
            paused_counters=[
                r[0]
                for r in conn.execute(
                    "SELECT counter FROM counter_activity WHERE paused_at IS NOT NULL"
                    " ORDER BY counter"
                )
            ],
            phone_paused=self.phone_paused(conn),
        )

    def counter(
        self, conn: sqlite3.Connection, counter: str, day: date, now: datetime
    ) -> CounterView:
        """What one counter's page shows."""
        services = [s.code for s in self.config.services if counter in s.counters]
        today = day.isoformat()
        active = self._tickets(
            conn,
            now,
            "day = ? AND counter = ? AND state IN ('called', 'serving') ORDER BY called_at DESC",
            (today, counter),
        )
        marks = ",".join("?" * len(services)) or "''"
        paused = conn.execute(
            "SELECT paused_at IS NOT NULL FROM counter_activity WHERE counter = ?", (counter,)
        ).fetchone()
        return CounterView(
            counter=counter,
            seq=self.last_seq(conn),
            current=active[0] if active else None,
            held=self._tickets(
                conn,
                now,
                "day = ? AND counter = ? AND state = 'held' ORDER BY called_at",
                (today, counter),
            ),
            no_shows=self._tickets(
                conn,
                now,
                f"day = ? AND state = 'no_show' AND service_code IN ({marks})"
                " ORDER BY finished_at DESC LIMIT 20",
                (today, *services),
            ),
            lines=self.lines(conn, day, now),
            served_here=_served(conn, day, counter),
            served_today=_served(conn, day),
            paused=bool(paused and paused[0]),
            services=services,
            phone_paused=self.phone_paused(conn),
        )


def _served(conn: sqlite3.Connection, day: date, counter: str | None = None) -> int:
    if counter is None:
        sql, args = "SELECT count(*) FROM ticket WHERE day = ? AND state = 'served'", (day,)
    else:
        sql = "SELECT count(*) FROM ticket WHERE day = ? AND state = 'served' AND counter = ?"
        args = (day, counter)
    return conn.execute(sql, (args[0].isoformat(), *args[1:])).fetchone()[0]
