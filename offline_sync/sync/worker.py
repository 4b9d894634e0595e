"""The background sync thread: runs the engine, sleeps until the next try or a nudge."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from offline_sync.sync.engine import SyncEngine
from offline_sync.sync.lock import SyncBusy, SyncLock
from offline_sync.sync.report import SyncReport

log = logging.getLogger(__name__)


class SyncWorker:
    """Runs :meth:`SyncEngine.run_once` in a loop on its own thread.

    ``make_engine`` is called on the worker thread and must open a store of its own:
    the engine and its store belong to the worker, which closes both when it ends.
    Between runs the worker sleeps for ``interval_s`` (to pull news), or until the
    engine's next try when it had to back off, or until :meth:`notify`.

    With a ``lock`` the loop runs only while it holds the store's sync lock: while
    another process syncs the store (a ``bianmin sync --forever`` unit beside the kiosk),
    the worker says so once in the log and tries again every ``interval_s``.

    :meth:`run_now` is a sync button's way in: the worker that holds the lock runs at once
    (waits forgotten) and hands back that run's report, so a button never starts a second
    sync beside it.
    """

    def __init__(
        self,
        make_engine: Callable[[], SyncEngine],
        interval_s: float,
        lock: SyncLock | None = None,
    ) -> None:
        self._make_engine = make_engine
        self._interval_s = interval_s
        self._sync_lock = lock
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._engine: SyncEngine | None = None
        self._lock = threading.Lock()
        self._ran = threading.Condition(self._lock)
        self.last_report: SyncReport | None = None
        self.runs = 0
        self._looping = False  # the loop holds the store's lock: run_now is answered
        self._asked = 0  # run_now calls so far
        self._answered = 0  # the run_now calls a finished run has answered
        self._answer: SyncReport | Exception | None = None

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is not None:
            raise RuntimeError("the sync worker is already started")
        self._thread = threading.Thread(target=self.run, name="sync", daemon=True)
        self._thread.start()

    def notify(self) -> None:
        """New records are queued: run soon instead of waiting for the interval."""
        self._wake.set()

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop the loop, interrupting a run between requests, and wait for the thread."""
        self._stopping.set()
        self._wake.set()
        with self._lock:
            if self._engine is not None:
                self._engine.interrupt()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def run_now(self, timeout_s: float) -> SyncReport | None:
        """Run at once, trying what waits for its backoff too, and return the report of a run
        that began after this call (its error, raised, if it failed). None when the loop does
        not run (not started, waiting for another process's lock, stopped) or the run did not
        end within ``timeout_s``: the caller may then try the lock itself, and be told who
        holds it."""
        with self._ran:
            if not self._looping:
                return None
            self._asked += 1
            ticket = self._asked
        self._wake.set()
        with self._ran:
            if not self._ran.wait_for(
                lambda: self._answered >= ticket or not self._looping, timeout_s
            ):
                return None
            if self._answered < ticket:
                return None
            answer = self._answer
        if isinstance(answer, Exception):
            raise answer
        return answer

    def wait_for_runs(self, count: int, timeout_s: float) -> bool:
        """Wait until ``count`` runs have finished in total; False on timeout."""
        with self._ran:
            return self._ran.wait_for(lambda: self.runs >= count, timeout_s)

    @property
    def alive(self) -> bool:
        """True while the thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def run(self) -> None:
        """The loop itself (the thread's target; ``bianmin sync --forever`` calls it directly)."""
        if not self._claim():
            return
        try:
            self._loop()
        finally:
            with self._ran:
                self._looping = False
                self._ran.notify_all()
            if self._sync_lock is not None:
                self._sync_lock.release()

    def _claim(self) -> bool:
        """Wait for the store's sync lock (no lock: at once); False when stopped first."""
        told = False
        while not self._stopping.is_set():
            try:
                with self._ran:  # run_now sees the lock taken and the loop running together
                    if self._sync_lock is not None:
                        self._sync_lock.acquire()
                    self._looping = True
                if told:
                    log.info("the other sync ended; this one takes over")
                return True
            except SyncBusy as exc:
                if not told:
                    log.warning("%s; this one waits and tries every %g s", exc, self._interval_s)
                    told = True
            self._wake.wait(self._interval_s)
            self._wake.clear()
        return False

    def _loop(self) -> None:
        engine = self._make_engine()
        with self._ran:
            self._engine = engine
        if self._stopping.is_set():
            engine.interrupt()
        try:
            while not self._stopping.is_set():
                self._wake.clear()
                delay = self._run_engine(engine)
                self._wake.wait(delay)
        finally:
            engine.close()
            engine.store.close()

    def _run_engine(self, engine: SyncEngine) -> float:
        """One run; returns how long to sleep before the next."""
        with self._ran:
            asked = self._asked
        try:
            if asked > self._answered:
                engine.retry_now()  # a person asked: what waits for its backoff goes now
            report = engine.run_once(self._interval_s, wait=False)
        except Exception as exc:  # a bug or a broken store must not end the thread silently
            log.exception("sync run failed")
            with self._ran:
                self._answered, self._answer = asked, exc
                self._ran.notify_all()
            return self._interval_s
        if report.delivered or report.dead or report.changes_applied or report.changes_rejected:
            log.info(
                "delivered %d records (%d refused), pulled %d changes; %d records left",
                report.delivered,
                report.dead,
                report.changes_applied,
                report.pending_records,
            )
        with self._ran:
            self.last_report = report
            self.runs += 1
            self._answered, self._answer = asked, report
            self._ran.notify_all()
        if report.complete:
            return self._interval_s
        if report.next_attempt_in_s is not None:
            return min(report.next_attempt_in_s, self._interval_s)
        return 0.0
