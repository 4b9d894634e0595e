"""Queue numbers (排队取号): issuing, calling, serving, statistics.

Numbers count per ticket prefix per local day and restart at 1 after midnight.
Every change of a ticket and its ``ticket_event`` outbox record commit in one
write transaction, so a number once printed is never issued again, whatever
happens to the power; ``UNIQUE (prefix, day, number)`` guards that in the file
itself, also if the operator moves the clock back.
"""

from __future__ import annotations

import math
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from devices.idcard.idnumber import age_on, is_valid_id_number
from kiosk.config import Config, Service
from offline_sync.clock import Clock
from offline_sync.outbox import Outbox
from offline_sync.store import Store

PRIORITY_MARK = "V"
ELDERLY_AGE = 65


class Priority(StrEnum):
    """Reasons for the green channel (绿色通道)."""

    AGE = "age"
    DISABILITY = "disability"
    MILITARY = "military"
    PREGNANCY = "pregnancy"


class TicketState(StrEnum):
    """Where a ticket stands."""

    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    SERVED = "served"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class QueueError(Exception):
    """A queue action cannot be done; ``key`` names the message shown to people."""

    key = "queue.error"


class UnknownService(QueueError):
    """No service has this code."""

    key = "queue.unknown_service"


class QueueClosed(QueueError):
    """Tickets are issued only during opening hours."""

    key = "queue.closed"


class NotEligible(QueueError):
    """The priority reason does not hold (for example under 65)."""

    key = "queue.not_eligible"


class InvalidIdNumber(QueueError):
    """An ID number given for the age priority is not a valid resident ID number."""

    key = "queue.invalid_id_number"


class UnknownTicket(QueueError):
    """No ticket with this number today."""

    key = "queue.unknown_ticket"


class BadTransition(QueueError):
    """The ticket is not in a state that allows this action."""

    key = "queue.bad_transition"


class NobodyWaiting(QueueError):
    """A counter called but nobody is waiting for its services."""

    key = "queue.nobody_waiting"


class UnknownAppointment(QueueError):
    """The appointment code is unknown, used, or for another day."""

    key = "queue.unknown_appointment"


@dataclass(frozen=True)
class Ticket:
    """A queue ticket as people see it."""

    ticket_id: str
    ticket_no: str
    service_code: str
    service_name: str
    issued_at: datetime
    state: TicketState
    priority: Priority | None
    ahead: int
    estimated_wait_min: int
    counter: str | None = None

    @property
    def display_no(self) -> str:
        """The number as printed, shown, spoken and called: as issued (``A003``). A green
        channel ticket is marked beside it (绿色通道, from ``priority``), never by a letter
        added to the number."""
        return self.ticket_no

    def as_json(self) -> dict[str, object]:
        """The stable JSON form of ``bianmin queue take --json``."""
        return {
            "ticket_id": self.ticket_id,
            "ticket_no": self.ticket_no,
            "display_no": self.display_no,
            "service": self.service_code,
            "service_name": self.service_name,
            "issued_at": self.issued_at.isoformat(timespec="seconds"),
            "state": str(self.state),
            "priority": str(self.priority) if self.priority else None,
            "ahead": self.ahead,
            "estimated_wait_min": self.estimated_wait_min,
            "counter": self.counter,
        }


@dataclass(frozen=True)
class ServiceStats:
    """One service's figures for one day."""

    service_code: str
    tickets: int
    called: int
    served: int
    no_show: int
    mean_wait_min: float | None
    p90_wait_min: float | None
    mean_service_min: float | None

    @property
    def no_show_rate(self) -> float | None:
        """Share of finished calls where nobody came."""
        finished = self.served + self.no_show
        return self.no_show / finished if finished else None


_TRANSITIONS: dict[str, tuple[set[TicketState], TicketState | None, str]] = {
    # action: (states it may start from, state it leaves, ticket_event name)
    "serve": ({TicketState.CALLED}, TicketState.SERVING, "serving"),
    "done": ({TicketState.SERVING, TicketState.CALLED}, TicketState.SERVED, "served"),
    "no_show": ({TicketState.CALLED}, TicketState.NO_SHOW, "no_show"),
    "cancel": ({TicketState.WAITING, TicketState.CALLED}, TicketState.CANCELLED, "cancelled"),
    "recall": ({TicketState.CALLED}, TicketState.CALLED, "called"),
    "transfer": (
        {TicketState.WAITING, TicketState.CALLED, TicketState.SERVING},
        TicketState.WAITING,
        "transferred",
    ),
}


def _iso(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).isoformat(timespec="microseconds")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


class QueueService:
    """Issues and moves queue tickets; every change is durable with its outbox record."""

    def __init__(self, store: Store, outbox: Outbox, config: Config, clock: Clock) -> None:
        self.store = store
        self.outbox = outbox
        self.config = config
        self.clock = clock
        self.zone = ZoneInfo(config.site.timezone)

    # -- issuing -------------------------------------------------------------------------

    def local_day(self, moment: datetime | None = None) -> date:
        """The local calendar day of ``moment`` (default: now) at the site."""
        return (moment or self.clock.now()).astimezone(self.zone).date()

    def is_open(self, moment: datetime | None = None) -> bool:
        """True during opening hours on an opening day."""
        local = (moment or self.clock.now()).astimezone(self.zone)
        hours = self.config.hours
        if local.isoweekday() not in hours.days:
            return False
        opens = time.fromisoformat(hours.open)
        if hours.close == "24:00":
            return local.time() >= opens
        return opens <= local.time() < time.fromisoformat(hours.close)

    def take(
        self,
        service_code: str,
        priority: Priority | str | None = None,
        *,
        id_number: str | None = None,
        appointment_code: str | None = None,
    ) -> Ticket:
        """Issue the next number of a service.

        ``priority`` ``age`` needs the holder's ``id_number`` (read from the card, never
        stored) showing 65 or over; an ID number alone grants it when the age holds.
        ``appointment_code`` checks in a booking: the ticket keeps the booked slot ahead
        of walk-ins who came later, when checked in no later than the grace period.
        """
        service = self._service(service_code)
        now = self.clock.now()
        if not self.is_open(now):
            raise QueueClosed(
                f"outside opening hours {self.config.hours.open}-{self.config.hours.close}"
            )
        reason = self._priority(priority, id_number, now)
        day = self.local_day(now).isoformat()
        with self.store.transaction() as conn:
            order_at = now
            if appointment_code:
                order_at = self._check_in(conn, appointment_code, service, now)
            row = conn.execute(
                "INSERT INTO ticket_counter (prefix, day, last_no) VALUES (?, ?, 1)"
                " ON CONFLICT (prefix, day) DO UPDATE SET last_no = last_no + 1"
                " RETURNING last_no",
                (service.prefix, day),
            ).fetchone()
            number = row[0]
            ticket_id = str(uuid.uuid4())
            ticket_no = f"{service.prefix}{number:03d}"
            conn.execute(
                "INSERT INTO ticket (ticket_id, day, prefix, number, ticket_no, service_code, priority,"
                " appointment_code, order_at, state, issued_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    ticket_id,
                    day,
                    service.prefix,
                    number,
                    ticket_no,
                    service.code,
                    reason,
                    appointment_code,
                    _iso(order_at),
                    TicketState.WAITING,
                    _iso(now),
                ),
            )
            if appointment_code:
                conn.execute(
                    "UPDATE appointment SET ticket_id = ? WHERE code = ?",
                    (ticket_id, appointment_code),
                )
            self._event(ticket_id, ticket_no, service.code, "issued", now, None, reason)
            return self._ticket(conn, ticket_id)

    def book(self, service_code: str, slot_at: datetime) -> str:
        """Create an appointment (预约) for a service at a time; returns its 6-digit code."""
        service = self._service(service_code)
        with self.store.transaction() as conn:
            while True:
                code = f"{secrets.randbelow(10**6):06d}"
                if not conn.execute("SELECT 1 FROM appointment WHERE code = ?", (code,)).fetchone():
                    break
            conn.execute(
                "INSERT INTO appointment (code, service_code, slot_at, created_at) VALUES (?,?,?,?)",
                (code, service.code, _iso(slot_at), _iso(self.clock.now())),
            )
        return code

    def _check_in(self, conn, code: str, service: Service, now: datetime) -> datetime:
        row = conn.execute("SELECT * FROM appointment WHERE code = ?", (code,)).fetchone()
        if row is None or row["ticket_id"] is not None:
            raise UnknownAppointment(f"appointment {code} is unknown or already checked in")
        slot = _parse(row["slot_at"])
        if row["service_code"] != service.code or self.local_day(slot) != self.local_day(now):
            raise UnknownAppointment(
                f"appointment {code} is for {row['service_code']} on {self.local_day(slot)}"
            )
        grace = timedelta(minutes=self.config.queue.appointment_grace_min)
        return min(slot, now) if now <= slot + grace else now

    def _priority(
        self, priority: Priority | str | None, id_number: str | None, now: datetime
    ) -> str | None:
        reason = Priority(priority) if priority else None
        if id_number and not is_valid_id_number(id_number):
            raise InvalidIdNumber("the ID number fails the GB 11643 check")
        elderly = bool(id_number and age_on(id_number.upper(), self.local_day(now)) >= ELDERLY_AGE)
        if reason is Priority.AGE and not elderly:
            raise NotEligible("the age priority needs an ID number of someone aged 65 or over")
        if reason is None and elderly:
            reason = Priority.AGE
        return str(reason) if reason else None

    # -- moving tickets ------------------------------------------------------------------

    def call(self, counter: str, service_code: str | None = None) -> Ticket:
        """Call the next ticket for a counter: green channel first, then by place in line."""
        services = self._services_of(counter, service_code)
        now = self.clock.now()
        with self.store.transaction() as conn:
            marks = ",".join("?" * len(services))
            row = conn.execute(
                f"SELECT ticket_id FROM ticket WHERE day = ? AND state = 'waiting'"
                f" AND service_code IN ({marks})"
                " ORDER BY priority IS NULL, order_at, issued_at, rowid LIMIT 1",
                (self.local_day(now).isoformat(), *services),
            ).fetchone()
            if row is None:
                raise NobodyWaiting(f"nobody is waiting for {', '.join(services)}")
            conn.execute(
                "UPDATE ticket SET state = 'called', counter = ?, called_at = ? WHERE ticket_id = ?",
                (counter, _iso(now), row[0]),
            )
            self._mark_active(conn, counter, now)
            ticket = self._ticket(conn, row[0])
            self._event(
                ticket.ticket_id,
                ticket.ticket_no,
                ticket.service_code,
                "called",
                now,
                counter,
                ticket.priority,
            )
            return ticket

    def recall(self, ticket_no: str) -> Ticket:
        """Call a called ticket again (repeat the announcement)."""
        return self._move(ticket_no, "recall")

    def serve(self, ticket_no: str) -> Ticket:
        """The villager has come to the counter."""
        return self._move(ticket_no, "serve")

    def done(self, ticket_no: str) -> Ticket:
        """The service is finished."""
        return self._move(ticket_no, "done")

    def no_show(self, ticket_no: str) -> Ticket:
        """Nobody came after the call."""
        return self._move(ticket_no, "no_show")

    def cancel(self, ticket_no: str) -> Ticket:
        """The villager gave up the number."""
        return self._move(ticket_no, "cancel")

    def transfer(self, ticket_no: str, service_code: str) -> Ticket:
        """Send the ticket to another service; it keeps its place by issue time."""
        return self._move(ticket_no, "transfer", self._service(service_code))

    def _move(self, ticket_no: str, action: str, target: Service | None = None) -> Ticket:
        allowed, new_state, event = _TRANSITIONS[action]
        now = self.clock.now()
        with self.store.transaction() as conn:
            row = self._find(conn, ticket_no, now)
            if row["state"] not in allowed:
                raise BadTransition(f"ticket {row['ticket_no']} is {row['state']}; cannot {action}")
            stamp = _iso(now)
            if action == "transfer":
                conn.execute(
                    "UPDATE ticket SET state = 'waiting', service_code = ?, counter = NULL,"
                    " called_at = NULL, serving_at = NULL WHERE ticket_id = ?",
                    (target.code, row["ticket_id"]),
                )
            elif action == "recall":
                conn.execute(
                    "UPDATE ticket SET recalls = recalls + 1, called_at = ? WHERE ticket_id = ?",
                    (stamp, row["ticket_id"]),
                )
            else:
                column = "serving_at" if new_state is TicketState.SERVING else "finished_at"
                conn.execute(
                    f"UPDATE ticket SET state = ?, {column} = ? WHERE ticket_id = ?",
                    (new_state, stamp, row["ticket_id"]),
                )
            if row["counter"]:
                self._mark_active(conn, row["counter"], now)
            service_code = target.code if target else row["service_code"]
            self._event(
                row["ticket_id"],
                row["ticket_no"],
                service_code,
                event,
                now,
                row["counter"],
                row["priority"],
            )
            return self._ticket(conn, row["ticket_id"])

    def _find(self, conn, ticket_no: str, now: datetime):
        number = ticket_no.strip().upper()
        if number.startswith(PRIORITY_MARK):
            number = number[len(PRIORITY_MARK) :]
        row = conn.execute(
            "SELECT * FROM ticket WHERE day = ? AND ticket_no = ?",
            (self.local_day(now).isoformat(), number),
        ).fetchone()
        if row is None:
            raise UnknownTicket(f"no ticket {ticket_no} today")
        return row

    # -- reading -------------------------------------------------------------------------

    def get(self, ticket_no: str) -> Ticket:
        """Today's ticket with this number."""
        row = self._find(self.store.conn, ticket_no, self.clock.now())
        return self._ticket(self.store.conn, row["ticket_id"])

    def status(self) -> list[dict[str, object]]:
        """For each service today: people waiting, the ticket being served per counter, wait estimate."""
        conn = self.store.conn
        now = self.clock.now()
        day = self.local_day(now).isoformat()
        result = []
        for service in self.config.services:
            waiting = conn.execute(
                "SELECT count(*) FROM ticket WHERE day = ? AND state = 'waiting' AND service_code = ?",
                (day, service.code),
            ).fetchone()[0]
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
                    (day, service.code),
                )
            ]
            result.append(
                {
                    "service": service.code,
                    "name": service.name,
                    "waiting": waiting,
                    "at_counters": current,
                    "estimated_wait_min": self._estimate(conn, service, waiting, now),
                }
            )
        return result

    def stats(self, day: date | None = None) -> list[ServiceStats]:
        """Figures per service for a local day (default today)."""
        day_text = (day or self.local_day()).isoformat()
        out = []
        for service in self.config.services:
            rows = self.store.conn.execute(
                "SELECT state, issued_at, called_at, serving_at, finished_at FROM ticket"
                " WHERE day = ? AND service_code = ?",
                (day_text, service.code),
            ).fetchall()
            waits = sorted(_minutes(r["issued_at"], r["called_at"]) for r in rows if r["called_at"])
            services = [
                _minutes(r["serving_at"], r["finished_at"])
                for r in rows
                if r["state"] == TicketState.SERVED and r["serving_at"]
            ]
            out.append(
                ServiceStats(
                    service_code=service.code,
                    tickets=len(rows),
                    called=len(waits),
                    served=sum(r["state"] == TicketState.SERVED for r in rows),
                    no_show=sum(r["state"] == TicketState.NO_SHOW for r in rows),
                    mean_wait_min=_mean(waits),
                    p90_wait_min=_percentile(waits, 0.9),
                    mean_service_min=_mean(services),
                )
            )
        return out

    # -- helpers -------------------------------------------------------------------------

    def _ticket(self, conn, ticket_id: str) -> Ticket:
        row = conn.execute(
            "SELECT rowid, * FROM ticket WHERE ticket_id = ?", (ticket_id,)
        ).fetchone()
        service = self._service(row["service_code"])
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
            issued_at=_parse(row["issued_at"]).astimezone(self.zone),
            state=TicketState(row["state"]),
            priority=Priority(row["priority"]) if row["priority"] else None,
            ahead=ahead,
            estimated_wait_min=self._estimate(conn, service, ahead, self.clock.now()),
            counter=row["counter"],
        )

    def _estimate(self, conn, service: Service, ahead: int, now: datetime) -> int:
        """People ahead times the recent mean service time, over the counters open for it."""
        if ahead == 0:
            return 0
        recent = conn.execute(
            "SELECT serving_at, finished_at FROM ticket WHERE service_code = ? AND state = 'served'"
            " AND serving_at IS NOT NULL ORDER BY finished_at DESC LIMIT ?",
            (service.code, self.config.queue.service_time_window),
        ).fetchall()
        mean = _mean([_minutes(r[0], r[1]) for r in recent]) or service.default_service_min
        since = _iso(now - timedelta(minutes=self.config.queue.counter_active_min))
        marks = ",".join("?" * len(service.counters))
        active = conn.execute(
            f"SELECT count(*) FROM counter_activity WHERE counter IN ({marks}) AND active_at >= ?",
            (*service.counters, since),
        ).fetchone()[0]
        return math.ceil(ahead * mean / (active or len(service.counters)))

    def _mark_active(self, conn, counter: str, now: datetime) -> None:
        conn.execute(
            "INSERT INTO counter_activity (counter, active_at) VALUES (?, ?)"
            " ON CONFLICT (counter) DO UPDATE SET active_at = excluded.active_at",
            (counter, _iso(now)),
        )

    def _event(
        self,
        ticket_id: str,
        ticket_no: str,
        service_code: str,
        event: str,
        at: datetime,
        counter: str | None,
        priority: str | None,
    ) -> None:
        body = {
            "ticket_id": ticket_id,
            "ticket_no": ticket_no,
            "service_code": service_code,
            "event": event,
            "at": at.astimezone(self.zone).isoformat(timespec="seconds"),
            "counter": counter,
            "priority": priority is not None,
        }
        self.outbox.add("ticket_event", str(uuid.uuid4()), 1, body, _iso(at))

    def _service(self, code: str) -> Service:
        try:
            return self.config.service(code)
        except KeyError:
            known = ", ".join(s.code for s in self.config.services)
            raise UnknownService(f"no service {code!r}; known: {known}") from None

    def _services_of(self, counter: str, service_code: str | None) -> list[str]:
        if service_code:
            return [self._service(service_code).code]
        codes = [s.code for s in self.config.services if counter in s.counters]
        if not codes:
            raise UnknownService(f"counter {counter!r} serves no configured service")
        return codes


def _minutes(start: str, end: str) -> float:
    return (_parse(end) - _parse(start)).total_seconds() / 60


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _percentile(ordered: list[float], q: float) -> float | None:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return None
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]
