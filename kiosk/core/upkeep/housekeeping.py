"""Chores a running kiosk or tablet does by itself when they are due (the nightly backup...).

Each chore is a function that does its work only when it is due and returns something
truthy when it did. :class:`Housekeeping` runs them one after another on a thread of its
own, ``first_s`` seconds after start (start-up comes first) and then every ``interval_s``
seconds, so a long chore never holds up a villager's tap; a
chore that fails is logged in one line and the others still run. Chores open what they
need themselves (the store is one connection per thread).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

log = logging.getLogger(__name__)

Chore = tuple[str, Callable[[], object]]


class Housekeeping:
    """Runs the due chores now (:meth:`run_due`) or in the background (:meth:`start`)."""

    def __init__(
        self, chores: Sequence[Chore], interval_s: float = 600.0, first_s: float = 60.0
    ) -> None:
        self.chores = list(chores)
        self.interval_s = interval_s
        self.first_s = first_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_due(self) -> list[str]:
        """Run every chore that is due; the names of those that did something."""
        done = []
        for name, chore in self.chores:
            try:
                if chore():
                    done.append(name)
                    log.info("housekeeping: %s done", name)
            except Exception as exc:  # one chore's failure never stops the others
                log.error("housekeeping: %s failed: %s", name, exc)
        return done

    def start(self) -> None:
        """Run the due chores in ``first_s`` seconds, then every ``interval_s`` (again: nothing)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="housekeeping", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the chore under way (again: nothing)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
            self._thread = None

    def _loop(self) -> None:
        wait = self.first_s
        while not self._stop.wait(wait):
            self.run_due()
            wait = self.interval_s
