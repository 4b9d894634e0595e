"""好差评: rate what was just served (a queue ticket or a case), or a ticket or a case whose
number is typed in (the ticket's A003, or the digits of the receipt's LZ-1123-007): a
level of five faces, reasons at 1 or 2, then thanks. The faces name the service and the
day, never a code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.core.feedback import RATING_REASONS
from kiosk.core.flows.base import FieldErrors, Finished, FlowServices, Result, Step, uses_services
from kiosk.core.forms import FormInvalid, KeyedEntry

# A service letter and digits (B001), or the seven digits of a case's reference (1123007).
TICKET_ENTRY = KeyedEntry("ticket", 7, min_length=2)
NEEDS_REASONS = 2  # levels at or below this need a reason


@dataclass(frozen=True)
class RatingTarget:
    """What a rating is about: a ticket or a case, the number the person knows it by (the
    ticket's A001, the case's reference), the service's name and the day it was served."""

    kind: str  # "ticket" or "case"
    id: str
    number: str
    name: str
    day: date


@dataclass(frozen=True, kw_only=True)
class RatingStep(Step):
    """The faces (with the target named), or the number pad when there is no target yet;
    ``asking_reasons`` when the level chosen needs a reason."""

    target: RatingTarget | None
    level: int = 0
    asking_reasons: bool = False
    reasons: tuple[str, ...] = RATING_REASONS
    ticket_entry: KeyedEntry = TICKET_ENTRY


class RatingFlow:
    """One rating, of ``target`` (or of a ticket or case typed in when there is none)."""

    def __init__(self, target: RatingTarget | None = None) -> None:
        self.target = target
        self.level = 0

    @property
    def personal(self) -> bool:
        """True once the rating is about someone's ticket or case."""
        return self.target is not None

    def current(self) -> RatingStep:
        """The step to show on arrival: the faces (or the number pad)."""
        return RatingStep(target=self.target, level=self.level)

    def _not_a_number(self, typed: str) -> Result | None:
        if typed[:1].isalpha() or len(typed) == TICKET_ENTRY.max_length:
            return None
        return FieldErrors.one("number", "rating.number")

    @uses_services(_not_a_number)
    def find(self, services: FlowServices, typed: str) -> Result:
        """Rate today's ticket ``typed`` (A003), or the case whose reference has these digits;
        a number that is neither is told plainly."""
        if typed[:1].isalpha():
            ticket = services.queue.get(typed)
            self.target = RatingTarget(
                "ticket",
                ticket.ticket_id,
                ticket.ticket_no,
                ticket.service_name,
                services.queue.local_day(ticket.issued_at),
            )
            return self.current()
        case = services.cases.find_reference(typed)
        if case is None:
            return FieldErrors.one("number", "progress.unknown_reference")
        summary = case.summary
        day = date.fromisoformat((summary.submitted_at or summary.created_at)[:10])
        self.target = RatingTarget(
            "case", summary.case_id, summary.reference or "", summary.item_name, day
        )
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
