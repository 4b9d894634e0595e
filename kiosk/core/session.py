"""The kiosk's memory of the person at the screen, and the idle timer that wipes it.

Everything personal the UI holds (the card just read, an ID number typed on the pad, the
form being filled, the ticket or case just issued) lives in one :class:`KioskSession`, so
that a single :meth:`KioskSession.clear` forgets it all when the villager walks away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from devices.idcard.idnumber import mask_id_number, mask_name
from offline_sync.clock import Clock


@dataclass(frozen=True, repr=False)
class Applicant:
    """Who is at the kiosk: read from a card, or typed on the pad (then only the number)."""

    id_number: str
    name: str = ""
    gender: str = ""
    address: str = ""
    id_type: str = "resident_id"
    from_card: bool = False

    def __repr__(self) -> str:
        return f"Applicant({mask_name(self.name)!r}, {mask_id_number(self.id_number)!r})"


@dataclass
class KioskSession:
    """What the UI remembers between screens for one villager; nothing survives :meth:`clear`."""

    applicant: Applicant | None = None
    item_code: str | None = None
    case_id: str | None = None
    form: dict[str, Any] = field(default_factory=dict)
    materials: set[str] = field(default_factory=set)
    ticket_no: str | None = None
    case_no: str | None = None
    rating_target: tuple[str, str] | None = None
    keyed: str = ""

    def clear(self) -> None:
        """Forget the person: applicant, form, typed digits, the ticket or case just issued."""
        fresh = KioskSession()
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(fresh, name))

    @property
    def has_personal_data(self) -> bool:
        """True while anything about the current person is held."""
        return self != KioskSession()

    def __repr__(self) -> str:
        return f"KioskSession(applicant={self.applicant!r}, item={self.item_code!r})"


class IdlePhase(StrEnum):
    """Where the idle timer stands."""

    ACTIVE = "active"
    COUNTDOWN = "countdown"
    EXPIRED = "expired"


class IdleTimer:
    """After ``idle_s`` without a touch a ``countdown_s`` countdown runs, then the session expires."""

    def __init__(self, clock: Clock, idle_s: float, countdown_s: float) -> None:
        self.clock = clock
        self.idle_s = idle_s
        self.countdown_s = countdown_s
        self._last_touch = clock.monotonic()

    def touch(self) -> None:
        """Someone touched the screen: start again."""
        self._last_touch = self.clock.monotonic()

    def phase(self) -> IdlePhase:
        """Active, counting down, or expired, as of now."""
        quiet = self.clock.monotonic() - self._last_touch
        if quiet < self.idle_s:
            return IdlePhase.ACTIVE
        if quiet < self.idle_s + self.countdown_s:
            return IdlePhase.COUNTDOWN
        return IdlePhase.EXPIRED

    def seconds_left(self) -> int:
        """Whole seconds of the countdown still to run (rounded up), 0 once expired."""
        quiet = self.clock.monotonic() - self._last_touch
        left = self.idle_s + self.countdown_s - quiet
        return max(0, int(-(-left // 1)))
