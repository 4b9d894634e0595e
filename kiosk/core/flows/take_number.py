"""取号: a service, then the ordinary queue or a green-channel reason (65+ shows the ID card
first), or an appointment's code; the ticket is printed. When no paper comes out the
number stays on the screen with where to wait (请记住您的号码 A001，到 3号窗口 前等候),
and 重新打印 tries the same ticket again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from devices.idcard.card import IdCard
from kiosk.core.flows.base import FieldErrors, FlowServices, Result, Step, uses_services
from kiosk.core.flows.rating import RatingTarget
from kiosk.core.forms import KeyedEntry
from kiosk.core.next_steps import Sentence, after_ticket, remember_ticket
from kiosk.core.queue import Ticket, UnknownAppointment

if TYPE_CHECKING:  # printing needs the printer's drivers; a tablet has none
    from kiosk.core.printing import PrintResult

PRIORITY_REASONS = ("age", "disability", "pregnancy", "military")
CARD_REASON = "age"  # the queue checks the age from the card's number (never stored)
APPOINTMENT_ENTRY = KeyedEntry("digits", 6, exact=True)


def appointment_code(scanned: str) -> str:
    """The appointment code in a scanned booking QR: its last six digits."""
    return "".join(ch for ch in scanned if ch.isdigit())[-APPOINTMENT_ENTRY.max_length :]


@dataclass(frozen=True, kw_only=True)
class PriorityStep(Step):
    """普通排队 or a green-channel reason for ``service_code``; ``waiting_card`` while the
    65+ reason waits for the ID card (``card_prompt_key`` says so)."""

    service_code: str
    waiting_card: bool = False
    reasons: tuple[str, ...] = PRIORITY_REASONS
    card_prompt_key: str = "queue.priority.age.card"


@dataclass(frozen=True, kw_only=True)
class TicketStep(Step):
    """The ticket just issued, what became of its paper and where to wait (the number as
    issued, B001; a green-channel ticket is marked by ``ticket.priority``, never by a
    letter added to the number)."""

    ticket: Ticket
    printed: PrintResult
    next_steps: tuple[Sentence, ...]
    day: date  # the local day it was taken

    @property
    def served(self) -> RatingTarget:
        """The ticket, as a rating's target."""
        ticket = self.ticket
        return RatingTarget(
            "ticket", ticket.ticket_id, ticket.ticket_no, ticket.service_name, self.day
        )


class TakeNumberFlow:
    """Taking one queue number."""

    def __init__(self) -> None:
        self.service_code = ""
        self.waiting_card = False
        self.issued: TicketStep | None = None

    @property
    def personal(self) -> bool:
        """True once a ticket was issued (the number is rated next)."""
        return self.issued is not None

    def choose_service(self, service_code: str) -> PriorityStep:
        """A service was chosen: ordinary queue or green channel next."""
        self.service_code = service_code
        self.waiting_card = False
        return self._priority()

    def _priority(self) -> PriorityStep:
        return PriorityStep(service_code=self.service_code, waiting_card=self.waiting_card)

    def _card_first(self, reason: str | None) -> Result | None:
        if reason != CARD_REASON:
            return None
        self.waiting_card = True
        return self._priority()

    @uses_services(_card_first)
    def choose_priority(self, services: FlowServices, reason: str | None) -> Result:
        """Issue a number (``reason`` None: the ordinary queue); the 65+ reason first waits
        for the ID card."""
        return self._issue(services, services.queue.take(self.service_code, reason))

    def card_cancelled(self) -> PriorityStep:
        """取消 on the card prompt: choose again."""
        self.waiting_card = False
        return self._priority()

    @uses_services()
    def card_read(self, services: FlowServices, card: IdCard) -> Result:
        """The card for the 65+ reason: issue the number if the holder is 65 or over
        (NotEligible otherwise); a card read at another moment changes nothing."""
        if not self.waiting_card:
            return self._priority()
        self.waiting_card = False
        ticket = services.queue.take(self.service_code, CARD_REASON, id_number=card.id_number)
        return self._issue(services, ticket)

    def _code_incomplete(self, code: str) -> Result | None:
        if APPOINTMENT_ENTRY.complete(code):
            return None
        return FieldErrors.one("code", "appointment.error.empty")

    @uses_services(_code_incomplete)
    def check_in(self, services: FlowServices, code: str) -> Result:
        """预约签到: issue the ticket of appointment ``code``, whichever service it was for."""
        for service in services.config.services:
            try:
                ticket = services.queue.take(service.code, appointment_code=code)
            except UnknownAppointment:
                continue
            return self._issue(services, ticket)
        return FieldErrors.one("code", UnknownAppointment.key)

    def _issue(self, services: FlowServices, ticket: Ticket) -> TicketStep:
        return self._shown(services, ticket, services.printer.ticket(ticket))

    def _shown(self, services: FlowServices, ticket: Ticket, printed: PrintResult) -> TicketStep:
        config, number = services.config, ticket.ticket_no
        line = (after_ticket if printed.printed else remember_ticket)(
            config, ticket.service_code, number
        )
        day = services.queue.local_day(ticket.issued_at)
        self.issued = TicketStep(ticket=ticket, printed=printed, next_steps=(line,), day=day)
        return self.issued

    @uses_services()
    def reprint(self, services: FlowServices) -> Result:
        """重新打印: the same ticket's paper again (the number stays on screen meanwhile)."""
        if self.issued is None:
            raise ValueError("no ticket was issued in this visit")
        printed = services.printer.reprint(self.issued.printed.job_id)
        return self._shown(services, self.issued.ticket, printed)
