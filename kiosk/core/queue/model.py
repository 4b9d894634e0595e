"""What the queue holds, as people see it: tickets, calls, and the hall's read models.

Every value here has a stable JSON form (``as_json``/``from_json``), the one the CLI
prints and the hall server sends its clients, so a ticket that crossed the network is
the same object as one read from the local store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

PRIORITY_MARK = "V"  # earlier versions printed it before green-channel numbers; still accepted
ELDERLY_AGE = 65


class Priority(StrEnum):
    """Reasons for the green channel (绿色通道)."""

    AGE = "age"
    DISABILITY = "disability"
    MILITARY = "military"
    PREGNANCY = "pregnancy"


class TicketState(StrEnum):
    """Where a ticket stands."""

    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    HELD = "held"
    SERVED = "served"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


ACTIVE_STATES = (TicketState.CALLED, TicketState.SERVING)
OPEN_STATES = (TicketState.WAITING, TicketState.CALLED, TicketState.SERVING, TicketState.HELD)


class TicketChannel(StrEnum):
    """Where a ticket was taken (``channel`` of the platform's ticket events, an extension:
    ``offline_sync.contract.TICKET_CHANNELS``)."""

    KIOSK = "kiosk"  # a kiosk's 取号 screen, a hall client, the queue CLI
    PHONE = "phone"  # the hall's phone page (扫码取号)


class LogAction(StrEnum):
    """What a line of the queue log records; the four call kinds are announced."""

    ISSUED = "issued"
    CALLED = "called"
    RECALLED = "recalled"
    CALLED_BACK = "called_back"
    CALLED_CHOSEN = "called_chosen"
    SERVING = "serving"
    SERVED = "served"
    NO_SHOW = "no_show"
    RESTORED = "restored"
    CANCELLED = "cancelled"
    TRANSFERRED = "transferred"
    HELD = "held"
    COUNTER_PAUSED = "counter_paused"
    COUNTER_RESUMED = "counter_resumed"
    ISSUING_PAUSED = "issuing_paused"
    ISSUING_RESUMED = "issuing_resumed"
    PHONE_PAUSED = "phone_paused"
    PHONE_RESUMED = "phone_resumed"


CALL_ACTIONS = (
    LogAction.CALLED,
    LogAction.RECALLED,
    LogAction.CALLED_BACK,
    LogAction.CALLED_CHOSEN,
)


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Ticket:
    """A queue ticket as people see it."""

    ticket_id: str
    ticket_no: str
    service_code: str
    service_name: str
    issued_at: datetime
    state: TicketState
    priority: Priority | None
    ahead: int
    estimated_wait_min: int
    counter: str | None = None
    called_at: datetime | None = None
    channel: TicketChannel = TicketChannel.KIOSK

    @property
    def is_open(self) -> bool:
        """True while the ticket still waits, is called, served or put aside."""
        return self.state in OPEN_STATES

    @property
    def display_no(self) -> str:
        """The number as printed, shown, spoken and called: as issued (``A003``). A green
        channel ticket is marked beside it (绿色通道, from ``priority``), never by a letter
        added to the number."""
        return self.ticket_no

    @property
    def waited_min(self) -> int | None:
        """Whole minutes from issue to the (last) call; None before it is called."""
        if self.called_at is None:
            return None
        return max(0, int((self.called_at - self.issued_at).total_seconds() // 60))

    def as_json(self) -> dict[str, object]:
        """The stable JSON form of ``bianmin queue take --json``."""
        return {
            "ticket_id": self.ticket_id,
            "ticket_no": self.ticket_no,
            "display_no": self.display_no,
            "service": self.service_code,
            "service_name": self.service_name,
            "issued_at": self.issued_at.isoformat(timespec="seconds"),
            "state": str(self.state),
            "priority": str(self.priority) if self.priority else None,
            "ahead": self.ahead,
            "estimated_wait_min": self.estimated_wait_min,
            "counter": self.counter,
            "called_at": self.called_at.isoformat(timespec="seconds") if self.called_at else None,
            "channel": str(self.channel),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Ticket:
        """The ticket back from :meth:`as_json` (as the hall server sends it)."""
        return cls(
            ticket_id=data["ticket_id"],
            ticket_no=data["ticket_no"],
            service_code=data["service"],
            service_name=data["service_name"],
            issued_at=datetime.fromisoformat(data["issued_at"]),
            state=TicketState(data["state"]),
            priority=Priority(data["priority"]) if data.get("priority") else None,
            ahead=int(data["ahead"]),
            estimated_wait_min=int(data["estimated_wait_min"]),
            counter=data.get("counter"),
            called_at=_time(data.get("called_at")),
            channel=TicketChannel(data.get("channel") or TicketChannel.KIOSK),
        )


@dataclass(frozen=True)
class ServiceStats:
    """One service's figures for one day."""

    service_code: str
    tickets: int
    called: int
    served: int
    no_show: int
    mean_wait_min: float | None
    p90_wait_min: float | None
    mean_service_min: float | None
    channels: dict[str, int] = field(default_factory=dict)  # tickets by channel (kiosk, phone)

    @property
    def no_show_rate(self) -> float | None:
        """Share of finished calls where nobody came."""
        finished = self.served + self.no_show
        return self.no_show / finished if finished else None

    def as_json(self) -> dict[str, object]:
        """The stable JSON form of ``bianmin queue stats --json`` (figures rounded)."""
        return {
            "service": self.service_code,
            "tickets": self.tickets,
            "called": self.called,
            "served": self.served,
            "no_show": self.no_show,
            "mean_wait_min": _round(self.mean_wait_min),
            "p90_wait_min": _round(self.p90_wait_min),
            "mean_service_min": _round(self.mean_service_min),
            "no_show_rate": _round(self.no_show_rate, 3),
            "channels": dict(self.channels),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ServiceStats:
        """The figures back from :meth:`as_json`."""
        return cls(
            service_code=data["service"],
            tickets=data["tickets"],
            called=data["called"],
            served=data["served"],
            no_show=data["no_show"],
            mean_wait_min=data["mean_wait_min"],
            p90_wait_min=data["p90_wait_min"],
            mean_service_min=data["mean_service_min"],
            channels=dict(data.get("channels") or {}),
        )


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


@dataclass(frozen=True)
class Change:
    """One line of the queue log: what changed, when; for calls, the number and the counter.

    The board, the speaker (and later the phone page) follow the hall through these;
    ``seq`` numbers them (the board's event ids).
    """

    seq: int
    action: LogAction
    at: datetime
    ticket_no: str | None = None
    priority: bool = False
    counter: str | None = None
    service_code: str | None = None

    @property
    def is_call(self) -> bool:
        """True for the four kinds of call, which are shown and spoken."""
        return self.action in CALL_ACTIONS

    @property
    def display_no(self) -> str | None:
        """The number as called: as issued (the green channel is marked beside it)."""
        return self.ticket_no

    def as_json(self) -> dict[str, object]:
        """JSON form for the board, the speaker and the phone page."""
        return {
            "seq": self.seq,
            "action": str(self.action),
            "at": self.at.isoformat(timespec="seconds"),
            "ticket_no": self.ticket_no,
            "display_no": self.display_no,
            "priority": self.priority,
            "counter": self.counter,
            "service": self.service_code,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        """The change back from :meth:`as_json`."""
        return cls(
            seq=int(data["seq"]),
            action=LogAction(data["action"]),
            at=datetime.fromisoformat(data["at"]),
            ticket_no=data.get("ticket_no"),
            priority=bool(data.get("priority")),
            counter=data.get("counter"),
            service_code=data.get("service"),
        )


@dataclass(frozen=True)
class ServiceLine:
    """One service's line today: people waiting, whether issuing is paused, the wait."""

    service_code: str
    name: str
    prefix: str
    waiting: int
    paused: bool
    estimated_wait_min: int

    def as_json(self) -> dict[str, object]:
        """JSON form."""
        return {
            "service": self.service_code,
            "name": self.name,
            "prefix": self.prefix,
            "waiting": self.waiting,
            "paused": self.paused,
            "estimated_wait_min": self.estimated_wait_min,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ServiceLine:
        """Back from :meth:`as_json`."""
        return cls(
            service_code=data["service"],
            name=data["name"],
            prefix=data["prefix"],
            waiting=data["waiting"],
            paused=data["paused"],
            estimated_wait_min=data["estimated_wait_min"],
        )


@dataclass(frozen=True)
class HallView:
    """What the display board shows: the hall's state after log line ``seq``."""

    seq: int
    recent_calls: list[Change]
    lines: list[ServiceLine]
    served_today: int
    paused_counters: list[str]
    phone_paused: bool = False  # staff paused issuing to phones (扫码取号)

    @property
    def issuing_paused(self) -> bool:
        """True when no service issues numbers now."""
        return bool(self.lines) and all(line.paused for line in self.lines)

    def as_json(self) -> dict[str, object]:
        """JSON form."""
        return {
            "seq": self.seq,
            "recent_calls": [c.as_json() for c in self.recent_calls],
            "lines": [line.as_json() for line in self.lines],
            "served_today": self.served_today,
            "paused_counters": self.paused_counters,
            "issuing_paused": self.issuing_paused,
            "phone_paused": self.phone_paused,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HallView:
        """Back from :meth:`as_json`."""
        return cls(
            seq=data["seq"],
            recent_calls=[Change.from_json(c) for c in data["recent_calls"]],
            lines=[ServiceLine.from_json(s) for s in data["lines"]],
            served_today=data["served_today"],
            paused_counters=list(data["paused_counters"]),
            phone_paused=bool(data.get("phone_paused")),
        )


@dataclass(frozen=True)
class CounterView:
    """What a counter's page shows: its ticket, what it may call back or restore, the lines."""

    counter: str
    seq: int
    current: Ticket | None
    held: list[Ticket]
    no_shows: list[Ticket]
    lines: list[ServiceLine]
    served_here: int
    served_today: int
    paused: bool
    services: list[str] = field(default_factory=list)
    phone_paused: bool = False

    @property
    def waiting_here(self) -> int:
        """People waiting for the services this counter serves."""
        return sum(line.waiting for line in self.lines if line.service_code in self.services)

    def as_json(self) -> dict[str, object]:
        """JSON form."""
        return {
            "counter": self.counter,
            "seq": self.seq,
            "current": self.current.as_json() if self.current else None,
            "held": [t.as_json() for t in self.held],
            "no_shows": [t.as_json() for t in self.no_shows],
            "lines": [line.as_json() for line in self.lines],
            "served_here": self.served_here,
            "served_today": self.served_today,
            "paused": self.paused,
            "services": self.services,
            "phone_paused": self.phone_paused,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CounterView:
        """Back from :meth:`as_json`."""
        current = data.get("current")
        return cls(
            counter=data["counter"],
            seq=data["seq"],
            current=Ticket.from_json(current) if current else None,
            held=[Ticket.from_json(t) for t in data["held"]],
            no_shows=[Ticket.from_json(t) for t in data["no_shows"]],
            lines=[ServiceLine.from_json(s) for s in data["lines"]],
            served_here=data["served_here"],
            served_today=data["served_today"],
            paused=data["paused"],
            services=list(data["services"]),
            phone_paused=bool(data.get("phone_paused")),
        )
