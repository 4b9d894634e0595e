"""The ticket state machine: for each action on a named ticket, where it may start and end."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.queue.model import LogAction, TicketState

W, C, S, H, N = (
    TicketState.WAITING,
    TicketState.CALLED,
    TicketState.SERVING,
    TicketState.HELD,
    TicketState.NO_SHOW,
)


@dataclass(frozen=True)
class Move:
    """One action on a named ticket: the states it starts from, where it leaves the ticket,
    what the ticket row gets (an SQL SET list over ``:now``, ``:counter``, ``:service``)."""

    allowed: frozenset[TicketState]
    to: TicketState
    log: LogAction
    sets: str
    to_counter: bool = False  # the ticket goes to a counter that must be free


MOVES = {
    "serve": Move(frozenset({C}), S, LogAction.SERVING, "serving_at = :now"),
    "done": Move(frozenset({S, C}), TicketState.SERVED, LogAction.SERVED, "finished_at = :now"),
    "no_show": Move(frozenset({C}), N, LogAction.NO_SHOW, "finished_at = :now"),
    "cancel": Move(
        frozenset({W, C, H}), TicketState.CANCELLED, LogAction.CANCELLED, "finished_at = :now"
    ),
    "recall": Move(
        frozenset({C}), C, LogAction.RECALLED, "recalls = recalls + 1, called_at = :now"
    ),
    "transfer": Move(
        frozenset({W, C, S, H}),
        W,
        LogAction.TRANSFERRED,
        "service_code = :service, counter = NULL, called_at = NULL, serving_at = NULL",
    ),
    "hold": Move(frozenset({C, S}), H, LogAction.HELD, "serving_at = NULL"),
    "restore": Move(
        frozenset({N}),
        W,
        LogAction.RESTORED,
        "counter = NULL, called_at = NULL, serving_at = NULL, finished_at = NULL",
    ),
    "call_back": Move(
        frozenset({H}), C, LogAction.CALLED_BACK, "counter = :counter, called_at = :now", True
    ),
    "call_chosen": Move(
        frozenset({W, H}), C, LogAction.CALLED_CHOSEN, "counter = :counter, called_at = :now", True
    ),
}


# The platform hears one ticket event per change; every kind of call is "called".
PLATFORM_EVENT = {
    LogAction.ISSUED: "issued",
    LogAction.CALLED: "called",
    LogAction.RECALLED: "called",
    LogAction.CALLED_BACK: "called",
    LogAction.CALLED_CHOSEN: "called",
    LogAction.SERVING: "serving",
    LogAction.SERVED: "served",
    LogAction.NO_SHOW: "no_show",
    LogAction.RESTORED: "restored",
    LogAction.CANCELLED: "cancelled",
    LogAction.TRANSFERRED: "transferred",
    LogAction.HELD: "held",
}
