"""Queue numbers (排队取号): issuing, calling, serving, the hall's views, statistics.

- :mod:`.model` tickets, calls and read models with their JSON forms;
- :mod:`.errors` why an action cannot be done (a catalogue key each);
- :mod:`.rules` opening hours and the green channel, pure;
- :mod:`.service` issuing and calling on the store, one transaction each;
- :mod:`.views` and :mod:`.stats` what the board, counters and staff read;
- :mod:`.api` the interface the local queue and the hall client share;
- :mod:`.schema` the tables.
"""

from kiosk.core.queue.api import QueueApi
from kiosk.core.queue.errors import (
    BadTransition,
    CounterBusy,
    HallRefused,
    HallUnavailable,
    InvalidIdNumber,
    IssuingPaused,
    NobodyWaiting,
    NotEligible,
    QueueClosed,
    QueueError,
    ReasonRequired,
    SlotPassed,
    UnknownAppointment,
    UnknownCounter,
    UnknownService,
    UnknownTicket,
)
from kiosk.core.queue.model import (
    ELDERLY_AGE,
    PRIORITY_MARK,
    Change,
    CounterView,
    HallView,
    LogAction,
    Priority,
    ServiceLine,
    ServiceStats,
    Ticket,
    TicketState,
)
from kiosk.core.queue.service import QueueService

__all__ = [
    "ELDERLY_AGE",
    "PRIORITY_MARK",
    "BadTransition",
    "Change",
    "CounterBusy",
    "CounterView",
    "HallRefused",
    "HallUnavailable",
    "HallView",
    "InvalidIdNumber",
    "IssuingPaused",
    "LogAction",
    "NobodyWaiting",
    "NotEligible",
    "Priority",
    "QueueApi",
    "QueueClosed",
    "QueueError",
    "QueueService",
    "ReasonRequired",
    "ServiceLine",
    "ServiceStats",
    "Ticket",
    "TicketState",
    "SlotPassed",
    "UnknownAppointment",
    "UnknownCounter",
    "UnknownService",
    "UnknownTicket",
]
