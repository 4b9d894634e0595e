"""Numbers taken on a phone (扫码取号) at the hall's phone page, with the limits against abuse.

A phone is known only by a random token its browser keeps (no name, no phone number,
no account) and by the network address the hall server sees. Phone tickets are ordinary
tickets: the same numbering, calling, no-show rules and statistics (channel ``phone``),
and the same ticket events to the platform. The limits are checked inside the ticket's
own write transaction, so two taps at once cannot both pass them:

- one open number per service per phone;
- at most ``[hall] phone_open_per_address`` open phone numbers per network address;
- at most ``[hall] phone_daily_per_address`` phone numbers per address a day;
- none while staff pause issuing to phones (暂停手机取号) from the counter page.

A take carries the page's request id, kept by the browser until the answer arrives, so
a request repeated after a lost answer or a reload returns the first number and issues
nothing. The store keeps digests only: the token's SHA-256, and the address's salted
with the day (a day's limits need no more, and days cannot be linked).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

from kiosk.config import Hall
from kiosk.core.queue.errors import (
    NotYourTicket,
    PhoneAddressLimit,
    PhoneDailyCap,
    PhoneIssuingPaused,
    PhoneTicketOpen,
)
from kiosk.core.queue.model import OPEN_STATES, LogAction, ServiceLine, Ticket, TicketChannel
from kiosk.core.queue.service import QueueService
from kiosk.core.queue.timefmt import iso

TOKEN = re.compile(r"^[0-9a-f]{32}$")  # 128 random bits, as the phone page makes them
REQUEST_ID = re.compile(r"^[0-9a-f]{16,64}$")
RECENT_MIN = 30  # a finished number stays on the phone this long (served, no-show)
_OPEN = ",".join(f"'{s}'" for s in OPEN_STATES)


def is_token(text: str | None) -> bool:
    """True for a phone token as the page makes it (32 lower-case hex characters)."""
    return bool(text and TOKEN.match(text))


def is_request_id(text: str | None) -> bool:
    """True for a request id as the page makes it."""
    return bool(text and REQUEST_ID.match(text))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Phone:
    """Who asks: the token the phone's browser keeps, and its network address."""

    token: str
    address: str

    @property
    def digest(self) -> str:
        """What the store keeps of the token."""
        return _sha256(self.token)

    def address_digest(self, day: date) -> str:
        """What the store keeps of the address on ``day``."""
        return _sha256(f"{day.isoformat()}|{self.address}")

    @property
    def actor(self) -> str:
        """How the queue log names this phone (a prefix of the token's digest)."""
        return f"phone:{self.digest[:8]}"

    def request(self, request_id: str) -> str:
        """The page's request id, kept apart from other phones' (and other writers')."""
        return f"phone:{self.digest[:16]}:{request_id}"


@dataclass(frozen=True)
class PhoneView:
    """What the phone page shows: this phone's numbers of today (open ones, and those
    finished in the last :data:`RECENT_MIN` minutes), the lines, and whether it may take."""

    tickets: tuple[Ticket, ...]
    lines: tuple[ServiceLine, ...]
    paused: bool  # staff paused issuing to phones
    is_open: bool  # opening hours
    seq: int

    @property
    def open_tickets(self) -> tuple[Ticket, ...]:
        """The numbers still waiting, called, served or put aside."""
        return tuple(t for t in self.tickets if t.is_open)

    @property
    def holding(self) -> frozenset[str]:
        """The services this phone holds an open number of."""
        return frozenset(t.service_code for t in self.open_tickets)

    def can_take(self, line: ServiceLine) -> bool:
        """True when this phone may take a number of ``line``'s service now."""
        return (
            self.is_open
            and not self.paused
            and not line.paused
            and line.service_code not in self.holding
        )


class PhoneQueue:
    """Issues numbers to phones on the hall server's store, within the limits."""

    def __init__(self, queue: QueueService, settings: Hall) -> None:
        self.queue = queue
        self.settings = settings

    def view(self, phone: Phone | None) -> PhoneView:
        """The phone page's state for ``phone`` (None: a phone the page has not met yet)."""
        queue, conn = self.queue, self.queue.store.conn
        now = queue.clock.now()
        day = queue.local_day(now)
        tickets: tuple[Ticket, ...] = ()
        if phone is not None:
            rows = conn.execute(
                "SELECT p.ticket_id FROM phone_ticket p JOIN ticket t USING (ticket_id)"
                f" WHERE p.day = ? AND p.phone = ? AND (t.state IN ({_OPEN}) OR t.finished_at >= ?)"
                " ORDER BY t.issued_at, t.rowid",
                (day.isoformat(), phone.digest, iso(now - timedelta(minutes=RECENT_MIN))),
            ).fetchall()
            tickets = tuple(queue.reader.ticket(conn, r[0], now) for r in rows)
        return PhoneView(
            tickets=tickets,
            lines=tuple(queue.reader.lines(conn, day, now)),
            paused=queue.reader.phone_paused(conn),
            is_open=queue.is_open(now),
            seq=queue.reader.last_seq(conn),
        )

    def take(self, phone: Phone, service_code: str, request_id: str) -> Ticket:
        """Issue a number of ``service_code`` to ``phone``, once per ``request_id``.

        Raises :class:`QueueClosed`, :class:`IssuingPaused`, :class:`PhoneIssuingPaused`,
        :class:`PhoneTicketOpen`, :class:`PhoneAddressLimit`, :class:`PhoneDailyCap`.
        """
        queue = self.queue
        service = queue.reader.service(service_code)
        now = queue.clock.now()
        queue.require_open(now)
        day = queue.local_day(now)
        address = phone.address_digest(day)

        def issue(conn: sqlite3.Connection) -> str:
            if queue.reader.phone_paused(conn):
                raise PhoneIssuingPaused("issuing to phones is paused")
            self._check_limits(conn, phone, address, service.code, service.name, day)
            ticket_id = queue.issue(conn, service, now, channel=TicketChannel.PHONE)
            conn.execute(
                "INSERT INTO phone_ticket (ticket_id, day, phone, address) VALUES (?, ?, ?, ?)",
                (ticket_id, day.isoformat(), phone.digest, address),
            )
            return ticket_id

        return queue.journal.write(
            LogAction.ISSUED, issue, now, request_id=phone.request(request_id), actor=phone.actor
        )

    def _check_limits(
        self,
        conn: sqlite3.Connection,
        phone: Phone,
        address: str,
        service_code: str,
        service_name: str,
        day: date,
    ) -> None:
        held = conn.execute(
            "SELECT t.ticket_no FROM phone_ticket p JOIN ticket t USING (ticket_id)"
            f" WHERE p.day = ? AND p.phone = ? AND t.service_code = ? AND t.state IN ({_OPEN})",
            (day.isoformat(), phone.digest, service_code),
        ).fetchone()
        if held:
            raise PhoneTicketOpen(
                f"this phone holds {held[0]} of {service_code}",
                ticket_no=held[0],
                service=service_name,
            )
        most = self.settings.phone_open_per_address
        if most:
            open_here = conn.execute(
                "SELECT count(*) FROM phone_ticket p JOIN ticket t USING (ticket_id)"
                f" WHERE p.day = ? AND p.address = ? AND t.state IN ({_OPEN})",
                (day.isoformat(), address),
            ).fetchone()[0]
            if open_here >= most:
                raise PhoneAddressLimit(f"{open_here} open phone tickets here", count=most)
        cap = self.settings.phone_daily_per_address
        if cap:
            today = conn.execute(
                "SELECT count(*) FROM phone_ticket WHERE day = ? AND address = ?",
                (day.isoformat(), address),
            ).fetchone()[0]
            if today >= cap:
                raise PhoneDailyCap(f"{today} phone tickets here today", count=cap)

    def cancel(self, phone: Phone, ticket_id: str, request_id: str) -> Ticket:
        """取消排队: ``phone`` gives up its number ``ticket_id`` (:class:`NotYourTicket` for a
        number it did not take today)."""
        queue = self.queue
        row = queue.store.conn.execute(
            "SELECT t.ticket_no FROM phone_ticket p JOIN ticket t USING (ticket_id)"
            " WHERE p.ticket_id = ? AND p.phone = ? AND p.day = ?",
            (ticket_id, phone.digest, queue.local_day().isoformat()),
        ).fetchone()
        if row is None:
            raise NotYourTicket(f"ticket {ticket_id} is not this phone's")
        return queue.cancel(row[0], request_id=phone.request(request_id), actor=phone.actor)
