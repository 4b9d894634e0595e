"""The hall hub: follows the queue log and tells the board streams and the speaker.

The queue can change from this process (the hall server's own requests, which call
:meth:`HallHub.notify` after committing) or from another one on the same store (the
main kiosk, a shell): the hub's thread reads new queue log lines at once when
notified, and every ``poll_s`` otherwise. Each line goes out as a ``change`` event
whose id is the line's ``seq``; the board's call sequence goes out as ``show`` events.

Subscribers are plain callables run on the hub's thread; they must only hand the
event on (to an asyncio queue, to the speaker's queue) and return.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.core.hall.board import CallSequencer, Showing
from kiosk.core.queue.views import QueueReader
from offline_sync.clock import Clock
from offline_sync.store import Store

log = logging.getLogger(__name__)

CHANGE = "change"
SHOW = "show"


@dataclass(frozen=True)
class HubEvent:
    """One event for subscribers: ``change`` (id = queue log seq) or ``show``."""

    kind: str
    data: dict[str, Any]
    id: int | None = None


Subscriber = Callable[[HubEvent], None]


class HallHub:
    """Follows the queue log on its own thread and its own store connection."""

    def __init__(
        self,
        open_store: Callable[[], Store],
        reader: QueueReader,
        clock: Clock,
        min_show_s: float,
        poll_s: float = 0.25,
    ) -> None:
        self._open_store = open_store
        self.reader = reader
        self.clock = clock
        self.poll_s = poll_s
        self.sequencer = CallSequencer(min_show_s)
        self.seq = 0
        self.started = threading.Event()
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, timeout_s: float = 10.0) -> None:
        """Start following the log (returns once the current state is read)."""
        self._thread = threading.Thread(target=self._run, name="hall-hub", daemon=True)
        self._thread.start()
        if not self.started.wait(timeout_s):
            raise RuntimeError("the hall hub did not start")

    def stop(self) -> None:
        """Stop following and wait for the thread."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    def notify(self) -> None:
        """The queue changed in this process: read the log now."""
        self._wake.set()

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call ``subscriber`` with every event from now on; returns the unsubscribe function."""
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    def showing(self) -> Showing:
        """What the board's large area shows now."""
        with self._lock:
            return self.sequencer.showing(self.clock.monotonic())

    def _publish(self, event: HubEvent) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(event)
            except Exception:  # a broken subscriber must not stop the hall
                log.exception("hall hub subscriber failed on %s", event.kind)

    def _run(self) -> None:
        store = self._open_store()
        try:
            conn = store.conn
            self.seq = self.reader.last_seq(conn)
            last = self.reader.last_call(conn)
            if last:
                self.sequencer = CallSequencer(self.sequencer.min_show_s, last)
            self.started.set()
            while not self._stop.is_set():
                self._wake.wait(self._timeout())
                self._wake.clear()
                try:
                    self._step(conn)
                except sqlite3.Error as exc:
                    log.warning("hall hub cannot read the queue log: %s", exc)
        finally:
            store.close()

    def _timeout(self) -> float:
        with self._lock:
            due = self.sequencer.next_change_at()
        if due is None:
            return self.poll_s
        return min(self.poll_s, max(0.0, due - self.clock.monotonic()))

    def _step(self, conn: sqlite3.Connection) -> None:
        while True:
            changes = self.reader.changes_since(conn, self.seq)
            for change in changes:
                self.seq = change.seq
                if change.is_call:
                    with self._lock:
                        self.sequencer.push(change, self.clock.monotonic())
                self._publish(HubEvent(CHANGE, change.as_json(), change.seq))
            if len(changes) < 200:
                break
        now = self.clock.monotonic()
        with self._lock:
            moved = self.sequencer.advance(now)
            showing = self.sequencer.showing(now)
        if moved:
            self._publish(HubEvent(SHOW, showing.as_json()))
