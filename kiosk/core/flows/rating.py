"""好差评: rate what was just served (a queue ticket or a case), or a ticket whose number is
typed in: a level of five faces, reasons at 1 or 2, then thanks."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.feedback import RATING_REASONS
from kiosk.core.flows.base import FieldErrors, Finished, FlowServices, Result, Step, uses_services
from kiosk.core.forms import FormInvalid, KeyedEntry

TICKET_ENTRY = KeyedEntry("ticket", 5, min_length=2)  # a service letter and digits: B001
NEEDS_REASONS = 2  # levels at or below this need a reason


@dataclass(frozen=True)
class RatingTarget:
    """What a rating is about: a ticket or a case, and the number the person knows it by
    (the ticket's A001, the case number)."""

    kind: str  # "ticket" or "case"
    id: str
    number: str


@dataclass(frozen=True, kw_only=True)
class RatingStep(Step):
    """The faces (with the target named), or the ticket pad when there is no target yet;
    ``asking_reasons`` when the level chosen needs a reason."""

    target: RatingTarget | None
    level: int = 0
    asking_reasons: bool = False
    reasons: tuple[str, ...] = RATING_REASONS
    ticket_entry: KeyedEntry = TICKET_ENTRY


class RatingFlow:
    """One rating, of ``target`` (or of a ticket typed in when there is none)."""

    def __init__(self, target: RatingTarget | None = None) -> None:
        self.target = target
        self.level = 0

    @property
    def personal(self) -> bool:
        """True once the rating is about someone's ticket or case."""
        return self.target is not None

    def current(self) -> RatingStep:
        """The step to show on arrival: the faces (or the ticket pad)."""
        return RatingStep(target=self.target, level=self.level)

    @uses_services()
    def find_ticket(self, services: FlowServices, number: str) -> Result:
        """Rate today's ticket with this number (UnknownTicket if there is none)."""
        ticket = services.queue.get(number)
        self.target = RatingTarget("ticket", ticket.ticket_id, ticket.display_no)
        return self.current()

    def _reasons_first(self, level: int) -> Result | None:
        if level > NEEDS_REASONS:
            return None
        self.level = level
        return RatingStep(target=self.target, level=level, asking_reasons=True)

    @uses_services(_reasons_first)
    def choose_level(self, services: FlowServices, level: int) -> Result:
        """A face was tapped: ask for reasons at 1 or 2, else the rating is given."""
        self.level = level
        return self.submit(services, ())

    def _reasons_missing(self, reasons: tuple[str, ...] | list[str]) -> Result | None:
        if self.level <= NEEDS_REASONS and not reasons:
            return FieldErrors.one("reasons", "rating.reasons.required")
        return None

    @uses_services(_reasons_missing)
    def submit(self, services: FlowServices, reasons: tuple[str, ...] | list[str]) -> Result:
        """Give the rating with ``reasons`` (codes of :data:`RATING_REASONS`); thanks."""
        if self.target is None:
            return FieldErrors.one("target", "rating.target")
        try:
            services.feedback.rate(self.target.kind, self.target.id, self.level, list(reasons))
        except FormInvalid as exc:
            return FieldErrors.of(exc)
        return Finished(message_key="rating.thanks")
