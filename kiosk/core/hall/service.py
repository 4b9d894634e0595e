"""The hall server's application layer: the local queue, staff, sessions, the hub, notices,
numbers taken on phones and the phone page's rate limits.

Everything that touches the store runs on one worker thread (:meth:`HallService.run`):
writes are serialised by SQLite anyway, and one thread on one connection avoids
lock waits between concurrent requests. The hub reads on its own connection.
After each write the hub is told, so boards hear of a call at once.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from kiosk.config import Config
from kiosk.core.hall.board import Showing
from kiosk.core.hall.hub import HallHub
from kiosk.core.hall.sessions import CounterSessions
from kiosk.core.hall.staff import StaffDirectory
from kiosk.core.hall.throttle import Throttle
from kiosk.core.messages import Messages
from kiosk.core.notices import Notice, Notices
from kiosk.core.queue import HallView, QueueService
from kiosk.core.queue.phone import PhoneQueue
from offline_sync.clock import Clock
from offline_sync.store import Store

T = TypeVar("T")

PHONE_READS_PER_MIN = 150  # the phone page's reads (each hall change, each poll) per address


class HallService:
    """What the hall server's pages and API use, built from the site's services."""

    def __init__(
        self,
        config: Config,
        clock: Clock,
        queue: QueueService,
        staff: StaffDirectory,
        sessions: CounterSessions,
        notices: Notices,
        messages: Messages,
        open_store: Callable[[], Store],
        poll_s: float = 0.25,
    ) -> None:
        self.config = config
        self.clock = clock
        self.queue = queue
        self.staff = staff
        self.sessions = sessions
        self.notices = notices
        self.messages = messages
        self.hub = HallHub(open_store, queue.reader, clock, config.hall.min_show_s, poll_s)
        self.phone = PhoneQueue(queue, config.hall)
        self.phone_actions = Throttle(clock, config.hall.phone_actions_per_min)
        self.phone_reads = Throttle(clock, PHONE_READS_PER_MIN)
        self._worker = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="hall-store")

    @classmethod
    def from_services(cls, services: Any, open_store: Callable[[], Store]) -> HallService:
        """The hall service over a process's services (``kiosk.app.Services``)."""
        config, clock = services.config, services.clock
        staff = StaffDirectory.for_services(services)
        return cls(
            config=config,
            clock=clock,
            queue=services.queue,
            staff=staff,
            sessions=CounterSessions(services.store, staff, clock, config.hall),
            notices=services.notices,
            messages=Messages(config.ui.language),
            open_store=open_store,
        )

    @property
    def counters(self) -> list[str]:
        """Every counter of the site's services, in configured order."""
        seen: list[str] = []
        for service in self.config.services:
            seen += [c for c in service.counters if c not in seen]
        return seen

    def start(self) -> None:
        """Start following the queue log."""
        self.hub.start()

    def stop(self) -> None:
        """Stop the hub and the worker."""
        self.hub.stop()
        self._worker.shutdown(wait=True)

    def submit(self, work: Callable[[], T]) -> concurrent.futures.Future[T]:
        """Run ``work`` on the store's worker thread."""
        return self._worker.submit(work)

    def write(self, work: Callable[[], T]) -> T:
        """Run a write on the worker thread, then wake the hub (blocking; for threads)."""
        try:
            return self.submit(work).result()
        finally:
            self.hub.notify()

    def board(self) -> tuple[HallView, Showing, list[Notice], datetime]:
        """What the board shows: the hall's view, the call in front, the notices, the time.

        A call from an earlier day is not shown in front in the morning.
        """
        view = self.queue.hall_view()
        showing = self.hub.showing()
        now = self.clock.now()
        if showing.call and showing.call.at.date() != self.queue.local_day(now):
            showing = Showing(None, False)
        return view, showing, self.notices.current(), now
