"""The application's handle on sync: engines for a thread, the background worker, status.

Front-ends ask :class:`SyncService` for the sync status, the dead letters and the
rejected changes; none reads the sync tables itself.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Mapping
from pathlib import Path

from offline_sync.client import PlatformClient
from offline_sync.clock import Clock
from offline_sync.store import Store
from offline_sync.sync.engine import SyncEngine
from offline_sync.sync.lock import SyncBusy, SyncHolder, SyncLock, sync_holder
from offline_sync.sync.pull import Applier
from offline_sync.sync.report import SyncReport
from offline_sync.sync.settings import SyncSettings
from offline_sync.sync.state import (
    DeadLetter,
    RejectedChange,
    SyncStatus,
    dead_letters,
    read_status,
    rejected_changes,
)
from offline_sync.sync.worker import SyncWorker
from offline_sync.vault import Vault


class SyncNotConfigured(Exception):
    """The platform link is not configured (no URL, device id or secret)."""


def platform_connector(
    url: str, device_id: str, device_secret: str, clock: Clock, timeout_s: float
) -> Callable[[], PlatformClient] | None:
    """A factory of platform clients, or None when the link is not configured."""
    if not (url and device_id and device_secret):
        return None
    return functools.partial(PlatformClient, url, device_id, device_secret, clock, timeout_s)


class SyncService:
    """Builds sync engines and the background worker from one set of parts, and reports.

    ``store`` is the store of the thread that owns the service (status and lists are
    read from it); ``open_store`` opens a new connection to the same file (the worker
    thread needs its own); ``connect`` makes a platform client (None: not configured);
    ``appliers`` apply pulled changes by type.
    """

    def __init__(
        self,
        store: Store,
        open_store: Callable[[], Store],
        vault: Vault,
        data_dir: Path,
        connect: Callable[[], PlatformClient] | None,
        clock: Clock,
        settings: SyncSettings,
        appliers: Mapping[str, Applier],
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self._open_store = open_store
        self.vault = vault
        self.data_dir = Path(data_dir)
        self._connect = connect
        self.clock = clock
        self.settings = settings
        self.appliers = dict(appliers)
        self._rng = rng
        self._worker: SyncWorker | None = None

    @property
    def configured(self) -> bool:
        """True when the platform link is configured."""
        return self._connect is not None

    def status(self) -> SyncStatus:
        """Pending records and attachments, dead letters, last push and pull, link health."""
        return read_status(self.store.conn)

    def dead_letters(self) -> list[DeadLetter]:
        """Records the platform refused or that cannot be sent, oldest first (for staff)."""
        return dead_letters(self.store.conn)

    def rejected_changes(self) -> list[RejectedChange]:
        """Pulled changes that could not be applied here, with their errors unsealed."""
        return rejected_changes(self.store.conn, self.vault)

    def engine(self, store: Store) -> SyncEngine:
        """An engine on ``store`` (a store of the calling thread)."""
        return SyncEngine(
            store,
            self.vault,
            self.data_dir,
            self._require_connect(),
            self.clock,
            self.settings,
            self.appliers,
            self._rng,
        )

    def lock(self) -> SyncLock:
        """The store's sync lock (not taken yet): hold it while running an engine, so that
        one store has one sync (:mod:`offline_sync.sync.lock`)."""
        return SyncLock(self.data_dir, self.clock)

    def holder(self) -> SyncHolder | None:
        """Who runs sync on this store now (this process or another), or None."""
        return sync_holder(self.data_dir)

    def worker(self, lock: SyncLock | None = None) -> SyncWorker:
        """The background worker (one per service; it opens its own store). It loops only
        while it holds the store's sync lock (``lock``, default a new one), waiting while
        another process syncs."""
        if self._worker is None:
            self._require_connect()
            self._worker = SyncWorker(
                lambda: self.engine(self._open_store()),
                self.settings.interval_s,
                lock or self.lock(),
            )
        return self._worker

    def start(self) -> None:
        """Start background sync."""
        self.worker().start()

    def notify(self) -> None:
        """Records were queued: sync soon (no-op when the worker is not running)."""
        if self._worker is not None:
            self._worker.notify()

    def sync_now(self, deadline_s: float) -> SyncReport:
        """One sync at once because a person asked (a sync button), still one per store:
        the background worker runs it when it holds the store's lock (this waits for its
        report); otherwise this thread takes the lock and runs an engine on a store
        connection of its own. SyncBusy while another process syncs this store, or when
        the worker's run outlasts ``deadline_s``; SyncNotConfigured without a link."""
        report = self._worker_run_now(deadline_s)
        if report is not None:
            return report
        lock = self.lock()
        try:
            lock.acquire()
        except SyncBusy:
            report = self._worker_run_now(deadline_s)  # the worker took the lock meanwhile
            if report is None:
                raise
            return report
        try:
            engine = self.engine(self._open_store())
            try:
                engine.retry_now()
                return engine.run_once(deadline_s, wait=False)
            finally:
                engine.close()
                engine.store.close()
        finally:
            lock.release()
            self.notify()  # a worker that waited for the lock takes it now

    def _worker_run_now(self, deadline_s: float) -> SyncReport | None:
        return self._worker.run_now(deadline_s) if self._worker is not None else None

    def stop(self) -> None:
        """Stop background sync, if it runs."""
        if self._worker is not None:
            self._worker.stop()

    def _require_connect(self) -> Callable[[], PlatformClient]:
        if self._connect is None:
            raise SyncNotConfigured(
                "the platform link is not configured: set [platform] url, device_id and device_secret"
            )
        return self._connect
