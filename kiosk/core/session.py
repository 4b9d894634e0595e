"""The kiosk's memory of the person at the screen, and the idle timer that wipes it.

Everything personal the kiosk holds about the person at the screen (the card just read,
the application being filled, the ticket or case just issued) lives in the flows of one
:class:`KioskSession`, so that a single :meth:`KioskSession.clear` forgets it all when
the villager walks away.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

from kiosk.core.flows import (
    ApplicationFlow,
    Flows,
    GuideFlow,
    ProgressFlow,
    RatingFlow,
    RatingTarget,
    TakeNumberFlow,
    UnsolvedFlow,
)
from offline_sync.clock import Clock

F = TypeVar("F")


class KioskSession:
    """The flows of one villager's visit, each made on first use; :meth:`clear` forgets them."""

    def __init__(self, flows: Flows) -> None:
        self.flows = flows
        self._held: dict[str, Any] = {}

    def _flow(self, name: str, make: Callable[[], F]) -> F:
        if name not in self._held:
            self._held[name] = make()
        return self._held[name]

    @property
    def application(self) -> ApplicationFlow:
        """我要办."""
        return self._flow("application", self.flows.application)

    @property
    def take_number(self) -> TakeNumberFlow:
        """取号."""
        return self._flow("take_number", self.flows.take_number)

    @property
    def guide(self) -> GuideFlow:
        """办事指南."""
        return self._flow("guide", self.flows.guide)

    @property
    def progress(self) -> ProgressFlow:
        """进度查询."""
        return self._flow("progress", self.flows.progress)

    @property
    def rating(self) -> RatingFlow:
        """好差评, of what was just served in this visit unless another target was chosen."""
        flow = self._flow("rating", self.flows.rating)
        if flow.target is None:
            flow.target = self.served()
        return flow

    @property
    def unsolved(self) -> UnsolvedFlow:
        """办不成事, about the item being applied for, if any."""
        application = self._held.get("application")
        item_code = application.item_code if application else None
        return self._flow("unsolved", lambda: self.flows.unsolved(item_code))

    def served(self) -> RatingTarget | None:
        """What this visit was just served: the case submitted, else the ticket issued."""
        application, take_number = self._held.get("application"), self._held.get("take_number")
        if application is not None and application.submitted is not None:
            return application.submitted.served
        if take_number is not None and take_number.issued is not None:
            return take_number.issued.served
        return None

    def clear(self) -> None:
        """Forget the person: every flow of the visit, with what it holds."""
        self._held.clear()

    @property
    def has_personal_data(self) -> bool:
        """True while any flow holds something about the current person."""
        return any(flow.personal for flow in self._held.values())

    def __repr__(self) -> str:
        return f"KioskSession(flows={sorted(self._held)})"


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
