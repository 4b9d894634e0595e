"""A counter desk (窗口): what staff may do at their counter, and the buttons that say so.

The counter page renders :func:`buttons` and forwards a press to :func:`perform`; every
rule of which action is open when lives here. The desk acts on the ticket number the
page showed (so a press never lands on a ticket that changed meanwhile) and names the
staff member in the queue log. 呼叫下一位 becomes 重呼 while the counter has a ticket
called or in service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kiosk.core.queue import CounterView, QueueApi, Ticket, TicketState


class DeskAction(StrEnum):
    """What a counter can do."""

    CALL_NEXT = "call_next"
    RECALL = "recall"
    SERVE = "serve"
    DONE = "done"
    NO_SHOW = "no_show"
    HOLD = "hold"
    TRANSFER = "transfer"
    CALL_BACK = "call_back"
    RESTORE = "restore"
    CALL_CHOSEN = "call_chosen"
    PAUSE = "pause"
    RESUME = "resume"
    PAUSE_ISSUING = "pause_issuing"
    RESUME_ISSUING = "resume_issuing"
    PAUSE_PHONE = "pause_phone"
    RESUME_PHONE = "resume_phone"


# The keys staff press on a PC (digits: the numeric keypad of a counter PC works too).
SHORTCUTS = {
    DeskAction.CALL_NEXT: "1",
    DeskAction.RECALL: "1",
    DeskAction.SERVE: "2",
    DeskAction.DONE: "3",
    DeskAction.NO_SHOW: "4",
    DeskAction.HOLD: "5",
    DeskAction.TRANSFER: "6",
    DeskAction.CALL_BACK: "7",
    DeskAction.RESTORE: "8",
    DeskAction.CALL_CHOSEN: "9",
    DeskAction.PAUSE: "0",
    DeskAction.RESUME: "0",
}

# Actions that need a choice first (a ticket from a list, a service, a reason).
NEEDS_CHOICE = {
    DeskAction.TRANSFER,
    DeskAction.CALL_BACK,
    DeskAction.RESTORE,
    DeskAction.CALL_CHOSEN,
}

CHOSEN_CALL_REASONS = ("appointment", "priority", "returned", "other")


@dataclass(frozen=True)
class Button:
    """One button of the counter page."""

    action: DeskAction
    enabled: bool
    primary: bool = False

    @property
    def label_key(self) -> str:
        """Message catalogue key of the button's words."""
        return f"hall.counter.action.{self.action}"

    @property
    def shortcut(self) -> str | None:
        """The key that presses it."""
        return SHORTCUTS.get(self.action)

    @property
    def needs_choice(self) -> bool:
        """True when pressing it opens a choice first."""
        return self.action in NEEDS_CHOICE


def _state(ticket: Ticket | None) -> TicketState | None:
    return ticket.state if ticket else None


def counter_issuing_paused(view: CounterView) -> bool:
    """True when every service of this counter has issuing paused."""
    mine = [line for line in view.lines if line.service_code in view.services]
    return bool(mine) and all(line.paused for line in mine)


def buttons(view: CounterView) -> list[Button]:
    """The counter page's buttons for this view, in page order, each enabled or not."""
    state = _state(view.current)
    idle = view.current is None
    first = (
        Button(DeskAction.CALL_NEXT, True, primary=True)
        if idle
        else Button(DeskAction.RECALL, state is TicketState.CALLED, primary=True)
    )
    return [
        first,
        Button(DeskAction.SERVE, state is TicketState.CALLED, primary=True),
        Button(DeskAction.DONE, state in (TicketState.CALLED, TicketState.SERVING), primary=True),
        Button(DeskAction.NO_SHOW, state is TicketState.CALLED),
        Button(DeskAction.HOLD, state in (TicketState.CALLED, TicketState.SERVING)),
        Button(DeskAction.TRANSFER, not idle),
        Button(DeskAction.CALL_BACK, idle and bool(view.held)),
        Button(DeskAction.RESTORE, bool(view.no_shows)),
        Button(DeskAction.CALL_CHOSEN, idle),
        Button(DeskAction.RESUME if view.paused else DeskAction.PAUSE, True),
        Button(
            DeskAction.RESUME_ISSUING if counter_issuing_paused(view) else DeskAction.PAUSE_ISSUING,
            True,
        ),
        Button(DeskAction.RESUME_PHONE if view.phone_paused else DeskAction.PAUSE_PHONE, True),
    ]


@dataclass(frozen=True)
class Outcome:
    """What the page tells staff after a press: a catalogue key and its values."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    ticket: Ticket | None = None


def perform(
    queue: QueueApi,
    counter: str,
    services: list[str],
    action: DeskAction | str,
    *,
    ticket_no: str = "",
    service_code: str = "",
    reason: str = "",
    request_id: str | None = None,
    actor: str | None = None,
) -> Outcome:
    """Do one desk action at ``counter``; raises the queue's errors (a catalogue key each)."""
    action = DeskAction(action)
    request = {"request_id": request_id, "actor": actor}
    done = f"hall.counter.done.{action}"
    if action is DeskAction.CALL_NEXT:
        ticket = queue.call(counter, only_if_idle=True, **request)
    elif action is DeskAction.TRANSFER:
        ticket = queue.transfer(ticket_no, service_code, **request)
    elif action is DeskAction.CALL_BACK:
        ticket = queue.call_back(ticket_no, counter, **request)
    elif action is DeskAction.CALL_CHOSEN:
        ticket = queue.call_chosen(ticket_no, counter, reason, **request)
    elif action in (DeskAction.PAUSE, DeskAction.RESUME):
        pause = queue.pause_counter if action is DeskAction.PAUSE else queue.resume_counter
        pause(counter, actor=actor)
        return Outcome(done, {"counter": counter})
    elif action in (DeskAction.PAUSE_ISSUING, DeskAction.RESUME_ISSUING):
        issuing = (
            queue.pause_issuing if action is DeskAction.PAUSE_ISSUING else queue.resume_issuing
        )
        issuing(services, actor=actor)
        return Outcome(done, {"counter": counter})
    elif action in (DeskAction.PAUSE_PHONE, DeskAction.RESUME_PHONE):
        phones = (
            queue.pause_phone_issuing
            if action is DeskAction.PAUSE_PHONE
            else queue.resume_phone_issuing
        )
        phones(actor=actor)
        return Outcome(done, {"counter": counter})
    else:
        ticket = getattr(queue, str(action))(ticket_no, **request)
    return Outcome(
        done,
        {
            "ticket_no": ticket.display_no,
            "counter": ticket.counter or counter,
            "service": ticket.service_name,
        },
        ticket,
    )
