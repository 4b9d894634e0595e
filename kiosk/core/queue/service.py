"""Issuing and calling queue numbers (排队取号, 叫号) on the site's own store.

Numbers count per ticket prefix per local day and restart at 1 after midnight
(:mod:`.numbering` makes them). Every change of a ticket, its line in the queue log and its
``ticket_event`` outbox record commit in one write transaction (``BEGIN IMMEDIATE``), so a
number once printed is never issued again whatever happens to the power, two counters never
get the same ticket, and the platform hears of each change exactly once;
``UNIQUE (prefix, day, number)`` guards numbering in the file itself, also if the
operator moves the clock back. :mod:`.calling` picks the ticket a counter calls;
:mod:`.pauses` holds the staff's pauses of issuing.

A write given a ``request_id`` is done once: the same id again (a double tap, a
client retrying after a lost answer) returns the first result and changes nothing.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from zoneinfo import ZoneInfo

from kiosk.config import Config, Service
from kiosk.core.queue import appointments, pauses
from kiosk.core.queue.calling import next_waiting, require_idle
from kiosk.core.queue.errors import (
    BadTransition,
    QueueClosed,
    ReasonRequired,
    UnknownCounter,
)
from kiosk.core.queue.journal import QueueJournal
from kiosk.core.queue.model import (
    CounterView,
    HallView,
    LogAction,
    Priority,
    ServiceStats,
    Ticket,
    TicketChannel,
)
from kiosk.core.queue.numbering import next_ticket
from kiosk.core.queue.rules import is_open, priority_for
from kiosk.core.queue.stats import day_stats
from kiosk.core.queue.timefmt import iso
from kiosk.core.queue.transitions import MOVES
from kiosk.core.queue.views import QueueReader
from offline_sync.clock import Clock
from offline_sync.outbox import Outbox
from offline_sync.store import Store

MAX_REASON = 100


class QueueService:
    """Issues and moves queue tickets on the local store; implements :class:`QueueApi`."""

    def __init__(self, store: Store, outbox: Outbox, config: Config, clock: Clock) -> None:
        self.store = store
        self.config = config
        self.clock = clock
        self.zone = ZoneInfo(config.site.timezone)
        self.reader = QueueReader(config)
        self.journal = QueueJournal(store, outbox, self.reader, self.local_day)

    # -- issuing -------------------------------------------------------------------------

    def local_day(self, moment: datetime | None = None) -> date:
        """The local calendar day of ``moment`` (default: now) at the site."""
        return (moment or self.clock.now()).astimezone(self.zone).date()

    def is_open(self, moment: datetime | None = None) -> bool:
        """True during opening hours on an opening day."""
        return is_open(self.config.hours, (moment or self.clock.now()).astimezone(self.zone))

    def take(
        self,
        service_code: str,
        priority: Priority | str | None = None,
        *,
        id_number: str | None = None,
        appointment_code: str | None = None,
        priority_checked: bool = False,
        request_id: str | None = None,
        actor: str | None = None,
    ) -> Ticket:
        """Issue the next number of a service.

        ``priority`` ``age`` needs the holder's ``id_number`` (read from the card, never
        stored) showing 65 or over; an ID number alone grants it when the age holds.
        ``priority_checked`` says a hall client checked the reason on its own box (the
        ID number stays there). ``appointment_code`` checks in a booking: the ticket keeps
        the booked slot ahead of walk-ins who came later, when checked in no later than
        the grace period.
        """
        service = self.reader.service(service_code)
        now = self.clock.now()
        self.require_open(now)
        if priority_checked:
            reason = Priority(priority) if priority else None
        else:
            reason = priority_for(priority, id_number, self.local_day(now))

        def issue(conn: sqlite3.Connection) -> str:
            return self.issue(conn, service, now, reason=reason, appointment_code=appointment_code)

        return self.journal.write(LogAction.ISSUED, issue, now, request_id=request_id, actor=actor)

    def require_open(self, now: datetime) -> None:
        """:class:`QueueClosed` outside opening hours."""
        if not self.is_open(now):
            hours = self.config.hours
            raise QueueClosed(
                f"outside opening hours {hours.open}-{hours.close}",
                open=hours.open,
                close=hours.close,
            )

    def issue(
        self,
        conn: sqlite3.Connection,
        service: Service,
        now: datetime,
        *,
        reason: Priority | None = None,
        appointment_code: str | None = None,
        channel: TicketChannel = TicketChannel.KIOSK,
    ) -> str:
        """Issue the next number of ``service`` inside the caller's write transaction (the
        journal's); its ticket id. :class:`IssuingPaused` while staff pause the service."""
        pauses.require_issuing(conn, service)
        order_at = now
        if appointment_code:
            order_at = appointments.check_in(
                conn,
                appointment_code,
                service,
                now,
                self.local_day,
                self.config.queue.appointment_grace_min,
            )
        return next_ticket(
            conn,
            service,
            self.local_day(now),
            now,
            order_at=order_at,
            reason=reason,
            appointment_code=appointment_code,
            channel=channel,
        )

    def book(self, service_code: str, slot_at: datetime) -> str:
        """Create an appointment (预约) for a service at a time; returns its 6-digit code."""
        service = self.reader.service(service_code)
        with self.store.transaction() as conn:
            return appointments.book(conn, service, slot_at, self.clock.now())

    # -- calling and moving tickets --------------------------------------------------------

    def call(
        self,
        counter: str,
        service_code: str | None = None,
        *,
        only_if_idle: bool = False,
        request_id: str | None = None,
        actor: str | None = None,
    ) -> Ticket:
        """Call the next ticket to a counter: green channel first, then by place in line.

        ``only_if_idle`` (what a counter desk asks) refuses with :class:`CounterBusy`
        while the counter still has a ticket called or in service. A call also ends the
        counter's pause (暂停服务).
        """
        services = self._services_of(counter, service_code)
        now = self.clock.now()

        def pick(conn: sqlite3.Connection) -> str:
            if only_if_idle:
                require_idle(conn, counter, self.local_day(now))
            ticket_id = next_waiting(conn, self.local_day(now), services, counter)
            conn.execute(
                "UPDATE ticket SET state = 'called', counter = ?, called_at = ? WHERE ticket_id = ?",
                (counter, iso(now), ticket_id),
            )
            self.journal.mark_active(conn, counter, now, paused=False)
            return ticket_id

        return self.journal.write(LogAction.CALLED, pick, now, request_id=request_id, actor=actor)

    def recall(self, ticket_no: str, **request: str | None) -> Ticket:
        """Call a called ticket again (重呼: the board and the speaker repeat it)."""
        return self._move(ticket_no, "recall", **request)

    def serve(self, ticket_no: str, **request: str | None) -> Ticket:
        """The villager has come to the counter (开始办理)."""
        return self._move(ticket_no, "serve", **request)

    def done(self, ticket_no: str, **request: str | None) -> Ticket:
        """The service is finished (办结)."""
        return self._move(ticket_no, "done", **request)

    def no_show(self, ticket_no: str, **request: str | None) -> Ticket:
        """Nobody came after the call (过号)."""
        return self._move(ticket_no, "no_show", **request)

    def cancel(self, ticket_no: str, **request: str | None) -> Ticket:
        """The villager gave up the number."""
        return self._move(ticket_no, "cancel", **request)

    def restore(self, ticket_no: str, **request: str | None) -> Ticket:
        """A no-show of today came back (恢复): back in line, keeping its place by issue time."""
        return self._move(ticket_no, "restore", **request)

    def hold(self, ticket_no: str, **request: str | None) -> Ticket:
        """Put a called or served ticket aside at its counter (挂起), e.g. to fetch a paper."""
        return self._move(ticket_no, "hold", **request)

    def transfer(self, ticket_no: str, service_code: str, **request: str | None) -> Ticket:
        """Send the ticket to another service (转移); it keeps its place by issue time."""
        return self._move(
            ticket_no, "transfer", service=self.reader.service(service_code), **request
        )

    def call_back(self, ticket_no: str, counter: str, **request: str | None) -> Ticket:
        """Call a held ticket back to a counter (回呼); the counter must be free."""
        return self._move(ticket_no, "call_back", counter=counter, **request)

    def call_chosen(
        self, ticket_no: str, counter: str, reason: str, **request: str | None
    ) -> Ticket:
        """Call a chosen waiting or held ticket out of turn (指定叫号), with the reason logged."""
        reason = " ".join((reason or "").split())[:MAX_REASON]
        if not reason:
            raise ReasonRequired("calling a chosen ticket needs a reason")
        return self._move(ticket_no, "call_chosen", counter=counter, reason=reason, **request)

    def _move(
        self,
        ticket_no: str,
        action: str,
        *,
        service: Service | None = None,
        counter: str | None = None,
        reason: str | None = None,
        request_id: str | None = None,
        actor: str | None = None,
    ) -> Ticket:
        move = MOVES[action]
        now = self.clock.now()
        if move.to_counter:
            self._services_of(counter or "", None)

        def apply(conn: sqlite3.Connection) -> str:
            row = self.reader.find(conn, ticket_no, self.local_day(now))
            if row["state"] not in move.allowed:
                raise BadTransition(
                    f"ticket {row['ticket_no']} is {row['state']}; cannot {action}",
                    ticket_no=row["ticket_no"],
                    state=row["state"],
                )
            if move.to_counter:
                require_idle(conn, counter, self.local_day(now))
            conn.execute(
                f"UPDATE ticket SET state = :to, {move.sets} WHERE ticket_id = :id",
                {
                    "to": move.to,
                    "id": row["ticket_id"],
                    "now": iso(now),
                    "counter": counter,
                    "service": service.code if service else None,
                },
            )
            if move.to_counter:
                self.journal.mark_active(conn, counter, now, paused=False)
            elif row["counter"]:
                self.journal.mark_active(conn, row["counter"], now)
            return row["ticket_id"]

        return self.journal.write(
            move.log, apply, now, reason=reason, request_id=request_id, actor=actor
        )

    # -- counters and issuing ------------------------------------------------------------

    def pause_counter(self, counter: str, *, actor: str | None = None) -> None:
        """The counter stops calling for a while (暂停服务); its next call resumes it."""
        self._services_of(counter, None)
        self._set_counter_pause(counter, True, actor)

    def resume_counter(self, counter: str, *, actor: str | None = None) -> None:
        """The counter serves again."""
        self._services_of(counter, None)
        self._set_counter_pause(counter, False, actor)

    def _set_counter_pause(self, counter: str, paused: bool, actor: str | None) -> None:
        now = self.clock.now()
        with self.store.transaction() as conn:
            self.journal.mark_active(conn, counter, now, paused=paused)
            action = LogAction.COUNTER_PAUSED if paused else LogAction.COUNTER_RESUMED
            self.journal.log(conn, action, now, counter=counter, actor=actor)

    def pause_issuing(
        self, service_codes: list[str] | None = None, *, actor: str | None = None
    ) -> None:
        """Stop issuing numbers (暂停取号) for these services (None: every service)."""
        self._set_issuing(service_codes, True, actor)

    def resume_issuing(
        self, service_codes: list[str] | None = None, *, actor: str | None = None
    ) -> None:
        """Issue numbers again for these services (None: every service)."""
        self._set_issuing(service_codes, False, actor)

    def _set_issuing(self, codes: list[str] | None, paused: bool, actor: str | None) -> None:
        services = [self.reader.service(c) for c in codes] if codes else self.config.services
        now = self.clock.now()
        with self.store.transaction() as conn:
            for service in services:
                pauses.set_issuing_paused(conn, service.code, paused, now, actor)
                action = LogAction.ISSUING_PAUSED if paused else LogAction.ISSUING_RESUMED
                self.journal.log(conn, action, now, service_code=service.code, actor=actor)

    def pause_phone_issuing(self, *, actor: str | None = None) -> None:
        """Stop issuing numbers to phones (扫码取号); kiosks and counters go on."""
        self._set_phone_issuing(True, actor)

    def resume_phone_issuing(self, *, actor: str | None = None) -> None:
        """Issue numbers to phones again."""
        self._set_phone_issuing(False, actor)

    def _set_phone_issuing(self, paused: bool, actor: str | None) -> None:
        now = self.clock.now()
        with self.store.transaction() as conn:
            pauses.set_phone_paused(conn, paused, now, actor)
            action = LogAction.PHONE_PAUSED if paused else LogAction.PHONE_RESUMED
            self.journal.log(conn, action, now, actor=actor)

    # -- reading -------------------------------------------------------------------------

    def get(self, ticket_no: str) -> Ticket:
        """Today's ticket with this number."""
        now = self.clock.now()
        row = self.reader.find(self.store.conn, ticket_no, self.local_day(now))
        return self.reader.ticket(self.store.conn, row["ticket_id"], now)

    def status(self) -> list[dict[str, object]]:
        """For each service today: people waiting, the tickets at counters, wait estimate."""
        now = self.clock.now()
        return self.reader.status(self.store.conn, self.local_day(now), now)

    def stats(self, day: date | None = None) -> list[ServiceStats]:
        """Figures per service for a local day (default today)."""
        return day_stats(self.store.conn, self.config, day or self.local_day())

    def hall_view(self) -> HallView:
        """The display board's view: recent calls, lines, served today, paused counters."""
        now = self.clock.now()
        return self.reader.hall(self.store.conn, self.local_day(now), now)

    def counter_view(self, counter: str) -> CounterView:
        """One counter's view: its ticket, held tickets, today's no-shows, the lines."""
        self._services_of(counter, None)
        now = self.clock.now()
        return self.reader.counter(self.store.conn, counter, self.local_day(now), now)

    # -- helpers -------------------------------------------------------------------------

    def _services_of(self, counter: str, service_code: str | None) -> list[str]:
        if service_code:
            return [self.reader.service(service_code).code]
        codes = [s.code for s in self.config.services if counter in s.counters]
        if not codes:
            raise UnknownCounter(
                f"counter {counter!r} serves no configured service", counter=counter
            )
        return codes
