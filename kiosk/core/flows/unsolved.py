"""办不成事: what could not be done (one of a few kinds), an optional phone number for a call
back, then a reference number to keep."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.flows.base import FieldErrors, FlowServices, Result, Step, uses_services
from kiosk.core.forms import FormInvalid, KeyedEntry
from kiosk.core.messages import Messages
from kiosk.core.next_steps import Sentence, after_report

UNSOLVED_KINDS = ("who", "materials", "trips", "system", "nobody", "other")
PHONE_ENTRY = KeyedEntry("digits", 11)


@dataclass(frozen=True, kw_only=True)
class UnsolvedStep(Step):
    """Choose the kind (``kind`` empty), then a phone number, then the ``reference``."""

    kind: str = ""
    reference: str = ""
    kinds: tuple[str, ...] = UNSOLVED_KINDS
    phone_entry: KeyedEntry = PHONE_ENTRY
    next_steps: tuple[Sentence, ...] = ()


class UnsolvedFlow:
    """One report of what could not be done, about ``item_code`` when one was being applied
    for. The phone number goes to the feedback service and is not kept here."""

    personal = False

    def __init__(self, messages: Messages, item_code: str | None = None) -> None:
        self.messages = messages
        self.item_code = item_code
        self.kind = ""
        self.reference = ""
        self.next_steps: tuple[Sentence, ...] = ()

    def current(self) -> UnsolvedStep:
        """Where the report stands."""
        return UnsolvedStep(kind=self.kind, reference=self.reference, next_steps=self.next_steps)

    def choose_kind(self, kind: str) -> UnsolvedStep:
        """What went wrong (one of :data:`UNSOLVED_KINDS`); a phone number next."""
        if kind not in UNSOLVED_KINDS:
            raise ValueError(f"unknown kind {kind!r}; one of {', '.join(UNSOLVED_KINDS)}")
        self.kind = kind
        return self.current()

    @uses_services()
    def submit(self, services: FlowServices, phone: str | None) -> Result:
        """Record the report (``phone`` None: no call back); the reference number to keep."""
        if not self.kind:
            raise ValueError("choose what went wrong before submitting")
        description = self.messages.get(f"unsolved.kind.{self.kind}")
        try:
            report = services.feedback.report_unsolved(description, self.item_code, phone)
        except FormInvalid as exc:
            return FieldErrors.of(exc)
        self.reference = report.reference_no
        self.next_steps = after_report(services.config)
        return self.current()
