"""Why a queue action cannot be done: one small exception per reason.

Each is a :class:`~kiosk.core.errors.BianminError`: ``key`` (the message catalogue key
people are shown) and ``params`` (the values the sentence is filled with); ``str()`` stays
English for logs and technicians.
The hall client turns the server's error answer back into the same class through
:func:`error_for_key`, so a kiosk shows the same sentence whether its queue is local
or behind the hall server.
"""

from __future__ import annotations

from typing import Any

from kiosk.core.errors import BianminError


class QueueError(BianminError):
    """A queue action cannot be done; ``key`` names the message shown to people."""

    key = "queue.error"


class UnknownService(QueueError):
    """No service has this code."""

    key = "queue.unknown_service"


class QueueClosed(QueueError):
    """Tickets are issued only during opening hours."""

    key = "queue.closed"


class IssuingPaused(QueueError):
    """Staff paused issuing for this service (暂停取号)."""

    key = "queue.issuing_paused"


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


class CounterBusy(QueueError):
    """A counter desk called the next ticket while it still has one called or in service."""

    key = "queue.counter_busy"


class UnknownCounter(QueueError):
    """No configured service is served at this counter."""

    key = "queue.unknown_counter"


class ReasonRequired(QueueError):
    """Calling a chosen ticket out of turn needs a reason (指定叫号)."""

    key = "queue.reason_required"


class SlotPassed(QueueError):
    """An appointment was asked for a time already gone."""

    key = "queue.slot_passed"


class UnknownAppointment(QueueError):
    """The appointment code is unknown, used, or for another day."""

    key = "queue.unknown_appointment"


class HallUnavailable(QueueError):
    """The hall server cannot be reached (or failed): numbers are paused, never invented."""

    key = "queue.hall_unavailable"


class HallRefused(QueueError):
    """The hall server refused this box's signed request (wrong ``[hall] key``, clock far off)."""

    key = "queue.hall_refused"


class PhoneIssuingPaused(QueueError):
    """Staff paused issuing numbers to phones (扫码取号); kiosks and counters still issue."""

    key = "phone.paused"


class PhoneTicketOpen(QueueError):
    """This phone already holds an open number of this service (one a service a phone)."""

    key = "phone.already_open"


class PhoneAddressLimit(QueueError):
    """Too many open phone numbers from one network address (a limit against abuse)."""

    key = "phone.address_limit"


class PhoneDailyCap(QueueError):
    """One network address took today's most phone numbers."""

    key = "phone.daily_cap"


class PhoneTooFast(QueueError):
    """Requests from one address come faster than a person taps (rate limit)."""

    key = "phone.too_fast"


class NotYourTicket(QueueError):
    """A phone asked about (or to cancel) a ticket it did not take."""

    key = "phone.not_yours"


def _all_errors() -> dict[str, type[QueueError]]:
    found: dict[str, type[QueueError]] = {}
    todo: list[type[QueueError]] = [QueueError]
    while todo:
        cls = todo.pop()
        found.setdefault(cls.key, cls)
        todo.extend(cls.__subclasses__())
    return found


def error_for_key(key: str, message: str, params: dict[str, Any] | None = None) -> QueueError:
    """The queue error of this catalogue key (``QueueError`` itself for an unknown key)."""
    cls = _all_errors().get(key, QueueError)
    error = cls(message, **(params or {}))
    if cls is QueueError and key != QueueError.key:
        error.key = key  # type: ignore[misc]  # the server's sentence, for a key this version lacks
    return error
