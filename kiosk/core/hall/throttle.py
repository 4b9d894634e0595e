"""Rate limits of the hall's public pages: at most so many requests a minute from one address.

The phone page is open to anyone on the hall's Wi-Fi, so a script must not be able to
hammer it. :class:`Throttle` counts each key's requests in a sliding window (times
from the injected clock's ``monotonic()``), in memory: a restart forgets the counts,
which the day's limits in the store (:mod:`kiosk.core.queue.phone`) do not.
"""

from __future__ import annotations

import threading
from collections import deque

from offline_sync.clock import Clock

MAX_KEYS = 10_000  # beyond this many addresses the quietest are forgotten


class Throttle:
    """At most ``limit`` requests per ``window_s`` seconds for each key."""

    def __init__(self, clock: Clock, limit: int, window_s: float = 60.0) -> None:
        self.clock = clock
        self.limit = limit
        self.window_s = window_s
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count a request of ``key`` now; False (and not counted) when it is over the limit."""
        now = self.clock.monotonic()
        with self._lock:
            times = self._seen.get(key)
            if times is None:
                if len(self._seen) >= MAX_KEYS:
                    self._forget(now)
                times = self._seen[key] = deque()
            while times and times[0] <= now - self.window_s:
                times.popleft()
            if len(times) >= self.limit:
                return False
            times.append(now)
            return True

    def _forget(self, now: float) -> None:
        """Drop keys with nothing in the window, then (still full) the oldest half."""
        self._seen = {k: t for k, t in self._seen.items() if t and t[-1] > now - self.window_s}
        if len(self._seen) >= MAX_KEYS:
            by_age = sorted(self._seen, key=lambda k: self._seen[k][-1])
            for key in by_age[: len(by_age) // 2]:
                del self._seen[key]
