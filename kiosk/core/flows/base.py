"""What every flow shares: the steps it returns, field errors, and the mark on step methods
that need the services.

A flow is a plain object holding where one person is in one multi-step task. Each step
method takes what the person gave (a tap, a card, keyed digits) and returns the next
:class:`Step` to show, or :class:`FieldErrors` saying what to fix. Methods that read or
write the store or print take the services as their first argument and carry the
:func:`uses_services` mark: a front-end runs them where the services live (the kiosk's
service thread) and everything else at once. A method may also answer some input at
once, without the services (a required field left blank, a level that needs reasons):
:func:`quick_answer` gives that answer, so a front-end shows it without waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Any, Protocol

from kiosk.config import Config
from kiosk.core.cases import CaseService, FormInvalid
from kiosk.core.catalogue import Catalogue
from kiosk.core.feedback import FeedbackService
from kiosk.core.forms import ID_NUMBER_ENTRY, FieldError, KeyedEntry
from kiosk.core.queue import QueueApi
from offline_sync.clock import Clock

if TYPE_CHECKING:  # printing needs the printer's drivers; a tablet has none
    from kiosk.core.printing import PrintService


class Channel(StrEnum):
    """Where an application is made (the contract's ``channel``)."""

    KIOSK = "kiosk"
    AGENT = "agent"


class FlowServices(Protocol):
    """The core services flows use (the composition root's ``Services`` has them all)."""

    config: Config
    clock: Clock
    cases: CaseService
    catalogue: Catalogue
    printer: PrintService
    queue: QueueApi
    feedback: FeedbackService


@dataclass(frozen=True, kw_only=True)
class Step:
    """A step a front-end shows. ``backwards`` marks a step that returns to where the person
    came from (a front-end goes back to it, as its 返回 does, instead of stacking it again).
    ``page`` of ``pages``: where the step is in a flow of counted pages (第 3 步，共 7 步),
    counting every page the person sees; 0 when the flow counts none."""

    backwards: bool = False
    page: int = 0
    pages: int = 0


@dataclass(frozen=True, kw_only=True)
class Finished(Step):
    """The flow is over: the front-end returns to its start and shows ``message_key``."""

    message_key: str
    role: str = "success"


@dataclass(frozen=True, kw_only=True)
class IdEntryStep(Step):
    """Key a number on a pad: an ID number (the reader failed, or there is no card) or a
    receipt's reference; it goes to the step method ``answer`` of the flow called
    ``purpose`` (``application`` or ``progress``)."""

    purpose: str
    entry: KeyedEntry = ID_NUMBER_ENTRY
    answer: str = "keyed_id_number"


@dataclass(frozen=True)
class FieldErrors:
    """What was given is refused: one :class:`FieldError` (message key and values) a field."""

    errors: tuple[FieldError, ...]

    @property
    def first(self) -> FieldError:
        """The problem to show first."""
        return self.errors[0]

    @classmethod
    def one(cls, field: str, key: str, label: str = "", **values: object) -> FieldErrors:
        """A single field's problem."""
        return cls((FieldError(field, label, key, tuple(values.items())),))

    @classmethod
    def of(cls, exc: FormInvalid) -> FieldErrors:
        """The field errors a service raised."""
        return cls(tuple(exc.errors))


Result = Step | FieldErrors


def uses_services(answer: Callable[..., Result | None] | None = None) -> Callable:
    """Mark a step method that needs the services (its first argument after ``self``).

    ``answer(self, *args)``, when given, is tried first: a result it returns (field
    errors, or a step needing no store) is the method's whole answer, and a front-end may
    show it at once without running the method where the services are.
    """

    def mark(method: Callable[..., Result]) -> Callable[..., Result]:
        @wraps(method)
        def step(self: Any, services: FlowServices, *args: Any) -> Result:
            quick = answer(self, *args) if answer is not None else None
            return quick if quick is not None else method(self, services, *args)

        step.uses_services = True  # type: ignore[attr-defined]
        step.answer = answer  # type: ignore[attr-defined]
        return step

    return mark


def needs_services(method: Callable[..., Any]) -> bool:
    """True when the (bound) step method must run where the services are."""
    return bool(getattr(method, "uses_services", False))


def quick_answer(method: Callable[..., Any], *args: Any) -> Result | None:
    """The answer the (bound) step method gives ``args`` without the services, or None when
    it needs them."""
    answer = getattr(method, "answer", None)
    return answer(method.__self__, *args) if answer is not None else None
