"""The display board's rules: calls shown one after another, each highlighted long enough.

When several counters call at once, a villager 10 m away must still see each number
and its counter: :class:`CallSequencer` gives every call its own highlight of at least
``[hall] min_show_s`` seconds, in the order the calls were made. Between calls the last
one stays large on the board, no longer highlighted. Times are ``monotonic()`` seconds
from the injected clock, so tests drive it by hand.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from kiosk.core.queue import Change

MAX_PENDING = 30  # beyond this the oldest waiting calls are dropped (the list still shows them)
MAX_WAIT_S = 60.0  # a call not highlighted within a minute is left out (the list shows it)


@dataclass(frozen=True)
class Showing:
    """The call in the board's large area, whether it is highlighted, and for how long."""

    call: Change | None
    highlighted: bool
    left_s: float = 0.0
    pending: int = 0

    def as_json(self) -> dict[str, object]:
        """JSON form."""
        return {
            "call": self.call.as_json() if self.call else None,
            "highlighted": self.highlighted,
            "left_s": round(self.left_s, 2),
            "pending": self.pending,
        }


class CallSequencer:
    """Orders calls into highlights of at least ``min_show_s`` seconds each."""

    def __init__(
        self, min_show_s: float, last_call: Change | None = None, max_wait_s: float = MAX_WAIT_S
    ) -> None:
        self.min_show_s = min_show_s
        self.max_wait_s = max_wait_s
        self._pending: deque[tuple[Change, float]] = deque(maxlen=MAX_PENDING)
        self._current = last_call
        self._until = float("-inf")
        self._highlighted = False

    def push(self, call: Change, now: float) -> None:
        """A new call at ``now``, to be highlighted after those before it."""
        self._pending.append((call, now))

    def advance(self, now: float) -> bool:
        """Move on to what the board shows at ``now``; True when that changed."""
        if self._highlighted and now < self._until:
            return False
        while self._pending and now - self._pending[0][1] > self.max_wait_s:
            self._pending.popleft()
        if self._pending:
            self._current = self._pending.popleft()[0]
            self._until = now + self.min_show_s
            self._highlighted = True
            return True
        if self._highlighted:
            self._highlighted = False
            return True
        return False

    def next_change_at(self) -> float | None:
        """When :meth:`advance` next has something to do (None: only after a new call)."""
        if self._highlighted:
            return self._until
        return float("-inf") if self._pending else None

    def showing(self, now: float) -> Showing:
        """What the board shows at ``now`` (after :meth:`advance`)."""
        return Showing(
            call=self._current,
            highlighted=self._highlighted,
            left_s=max(0.0, self._until - now) if self._highlighted else 0.0,
            pending=len(self._pending),
        )
