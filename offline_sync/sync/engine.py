"""The sync engine: named, resumable stages over the outbox and the change feed.

One round runs the stages in order:

1. ``push_attachments``: the next batch's attachments that the platform does not
   hold completely yet, uploaded through tus (resuming from the platform's offset);
2. ``push_records``: the batch itself (at most ``batch_records`` records and
   ``batch_bytes`` before gzip), each result applied as the contract says;
   repeated until no pending record is due;
3. ``pull``: the change feed, each page applied with its cursor in one transaction.

Every stage keeps its progress in the store, so after any failure (link cut,
platform busy, process killed) the round is simply run again and continues where
the store says it stood. Failures move the next try back with full-jitter
exponential backoff (``Retry-After`` when the platform gives one); after a few
link failures in a row the circuit breaker opens and only ``ping`` is tried until
the platform answers. Link health and per-record attempts live in the store and
survive restarts. What each answer does to the outbox is in :mod:`.results`.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import sqlite3
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from offline_sync.client import (
    AuthRejected,
    CursorExpired,
    LinkDown,
    PlatformClient,
    PlatformError,
    RetryLater,
    TooLarge,
)
from offline_sync.clock import Clock
from offline_sync.plain import one_line
from offline_sync.store import Store
from offline_sync.sync import pull, push
from offline_sync.sync.backoff import LinkHealth, LinkState
from offline_sync.sync.report import Stage, SyncReport
from offline_sync.sync.results import PushResults
from offline_sync.sync.settings import SyncSettings
from offline_sync.sync.state import (
    SyncStatus,
    read_health,
    read_status,
    write_clock_offset,
    write_health,
)
from offline_sync.vault import Vault, VaultLocked

log = logging.getLogger(__name__)

# Faults of this device, not of the link: the try fails, the link state stays as it was.
LocalFault = sqlite3.OperationalError | push.UnreadableRecord

_MAX_CURSOR_RESETS = 3
_TOO_LARGE = "too_large: the platform refused the record as too large"


class SyncEngine:
    """Pushes the outbox and pulls the change feed for one store (use it on one thread)."""

    def __init__(
        self,
        store: Store,
        vault: Vault,
        data_dir: Path,
        connect: Callable[[], PlatformClient],
        clock: Clock,
        settings: SyncSettings,
        appliers: Mapping[str, pull.Applier] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.vault = vault
        self.clock = clock
        self.settings = settings
        self.appliers = dict(appliers or {})
        self.rng = rng or random.Random()
        self._connect = connect
        self._client: PlatformClient | None = None
        self._uploader = push.Uploader(connect, vault, data_dir, settings.upload_workers)
        self._results = PushResults(store, settings.policy, self.rng)
        self._interrupt = threading.Event()
        self._batch_records = self.settings.batch_records
        self._end = 0.0  # the running run_once's deadline, on the engine's clock

    # -- public --------------------------------------------------------------

    def run_once(self, deadline_s: float, *, wait: bool = True) -> SyncReport:
        """Run rounds until nothing is left to do or ``deadline_s`` seconds have passed.

        With ``wait`` the engine sleeps through backoff delays that end before the
        deadline; without it, it returns as soon as it would have to wait, with
        ``next_attempt_in_s`` set.
        """
        report = SyncReport()
        end = self._end = self.clock.monotonic() + deadline_s
        while not self._interrupt.is_set() and self.clock.monotonic() < end:
            delay = read_health(self.store.conn).wait_s(self._now())
            if delay > 0 and not self._sleep_within(delay, end, wait, report):
                break
            if delay > 0:
                continue
            try:
                self._ensure_link()
                report.pushed_all = self._push(end, report)
                if report.pushed_all and not report.pulled_all:
                    report.pulled_all = self._pull(end, report)
                self._succeeded()
            except (PlatformError, sqlite3.OperationalError, push.UnreadableRecord) as exc:
                if self._failed(exc, report):
                    continue
                break  # the store cannot even record the failure (a full disk): stop here
            if not (report.pushed_all and report.pulled_all):
                continue
            due_in = self._next_record_due_in()
            if due_in is None or not self._sleep_within(due_in, end, wait, report):
                break
        status = self.status()
        report.pending_records = status.pending_records
        report.pending_attachments = status.pending_attachments
        return report

    def retry_now(self) -> None:
        """Forget the waits (a technician fixed the link): the next run tries at once.

        Failure counts stay, so backoff keeps growing if the link is still bad.
        """
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE sync_state SET next_attempt_at = 0, retry_delay_s = 0 WHERE id = 1"
            )
            conn.execute("UPDATE outbox SET next_attempt_at = 0 WHERE state = 'pending'")

    def status(self) -> SyncStatus:
        """The status snapshot, from the store."""
        return read_status(self.store.conn)

    def interrupt(self) -> None:
        """Ask a running :meth:`run_once` (on another thread) to return soon; sticky."""
        self._interrupt.set()

    def close(self) -> None:
        """Close the platform connections (not the store)."""
        self._uploader.close()
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- stages --------------------------------------------------------------

    def _push(self, end: float, report: SyncReport) -> bool:
        """Stages push_attachments and push_records until no pending record is due."""
        while True:
            if self._interrupt.is_set() or self.clock.monotonic() >= end:
                return False
            batch = push.next_batch(
                self.store.conn,
                self.vault,
                self._now(),
                self.settings.backoff_max_s,
                self._batch_records,
                self.settings.batch_bytes,
            )
            if batch.unsendable:
                self._results.kill(batch.unsendable, report)
            if batch.locked:
                self._defer_locked(batch.locked)
            if not batch.records:
                if batch.unsendable or batch.locked:
                    continue
                return True
            report.stage = Stage.PUSH_ATTACHMENTS
            records = self._upload_attachments(batch.records, report)
            if not records:
                continue
            report.stage = Stage.PUSH_RECORDS
            try:
                results = self._platform().push([r.wire for r in records])
            except TooLarge:
                if len(records) > 1:
                    self._batch_records = max(1, len(records) // 2)
                else:
                    self._results.kill([(records[0].seq, _TOO_LARGE)], report)
                continue
            report.batches += 1
            self._results.apply(records, results, self._now(), self._now_text(), report)

    def _upload_attachments(
        self, records: list[push.Outgoing], report: SyncReport
    ) -> list[push.Outgoing]:
        """Upload what the batch needs; returns the records still worth sending."""
        refs = {r.seq: push.referenced_attachments(r.wire) for r in records}
        wanted = set().union(*refs.values())
        pending = push.attachments_to_upload(self.store.conn, wanted)
        if not pending:
            return records
        outcomes = self._uploader.upload_all(pending, self._left())
        broken = self._results.record_uploads(outcomes, self._now_text(), report)
        if broken:
            dead = []
            for record in records:
                hit = sorted(refs[record.seq] & broken.keys())
                if hit:
                    dead.append(
                        (record.seq, f"attachment {hit[0]} cannot be sent: {broken[hit[0]]}")
                    )
            self._results.kill(dead, report)
            gone = {seq for seq, _ in dead}
            records = [r for r in records if r.seq not in gone]
        locked = {o.attachment.attachment_id for o in outcomes if isinstance(o.error, VaultLocked)}
        if locked:
            self._defer_locked([r.seq for r in records if refs[r.seq] & locked])
            records = [r for r in records if not refs[r.seq] & locked]
        transient = [
            o.error
            for o in outcomes
            if o.error is not None and not o.permanent and not isinstance(o.error, VaultLocked)
        ]
        if transient:
            busy = [e for e in transient if isinstance(e, RetryLater)]
            raise (busy or transient)[0]
        return records

    def _defer_locked(self, seqs: list[int]) -> None:
        """Records sealed under a locked key wait (no attempt counted) until it is unlocked;
        unlocking it (an agent's login) makes them due at once."""
        with self.store.transaction() as conn:
            conn.executemany(
                "UPDATE outbox SET next_attempt_at = ? WHERE seq = ?",
                [(self._now() + self.settings.backoff_max_s, seq) for seq in seqs],
            )

    def _pull(self, end: float, report: SyncReport) -> bool:
        """Stage pull: pages of the change feed until it has no more (or time is up)."""
        report.stage = Stage.PULL
        signature = pull.applier_signature(self.appliers)
        cursor = pull.read_cursor(self.store.conn, signature)
        while True:
            if self._interrupt.is_set() or self.clock.monotonic() >= end:
                return False
            try:
                page = self._platform().changes(cursor, self.settings.pull_limit)
            except CursorExpired:
                report.cursor_resets += 1
                if report.cursor_resets > _MAX_CURSOR_RESETS:
                    raise
                log.info("change feed cursor expired; pulling again from the beginning")
                pull.drop_cursor(self.store)
                cursor = None
                continue
            outcome = pull.apply_page(self.store, self.vault, self.appliers, page, self._now_text())
            report.changes_applied += outcome.applied
            report.changes_ignored += outcome.ignored
            report.changes_rejected += outcome.rejected
            cursor = page.cursor
            if not page.has_more:
                return True

    # -- link health ---------------------------------------------------------

    def _ensure_link(self) -> None:
        """With the breaker open, ping first; half-open it when the platform answers."""
        health = read_health(self.store.conn)
        if health.link_state is not LinkState.DOWN:
            return
        self._platform().check_ping()  # LinkDown names the address and what answered
        with self.store.transaction() as conn:
            write_health(conn, health.after_probe(True, self.settings.policy))
        log.info("platform answers ping again; resuming sync")

    def _succeeded(self) -> None:
        health = read_health(self.store.conn)
        with self.store.transaction() as conn:
            if health != LinkHealth(LinkState.UP) or self._has_error():
                write_health(conn, health.after_success())
            if self._client is not None:  # it answered: its Date measured the clocks
                write_clock_offset(conn, self._client.clock_offset, self._now_text())

    def _has_error(self) -> bool:
        return (
            self.store.conn.execute("SELECT last_error IS NOT NULL FROM sync_state").fetchone()[0]
            == 1
        )

    def _failed(self, exc: PlatformError | LocalFault, report: SyncReport) -> bool:
        """Record a failed try and when to try next; False if the store could not record it."""
        health = read_health(self.store.conn)
        after = health.after_failure(
            self._now(),
            self.settings.policy,
            self.rng,
            link_failed=isinstance(exc, LinkDown),
            retry_after_s=exc.retry_after_s if isinstance(exc, RetryLater) else None,
        )
        if isinstance(exc, LocalFault):  # a local problem says nothing of the link
            after = dataclasses.replace(after, link_state=health.link_state)
        message = one_line(describe_failure(exc))
        report.failures += 1
        report.errors.append(message)
        try:
            with self.store.transaction() as conn:
                write_health(conn, after, message, self._now_text())
        except sqlite3.OperationalError as store_exc:
            log.warning("sync try failed (%s); the store cannot record it: %s", message, store_exc)
            return False
        if after.link_state is LinkState.DOWN and health.link_state is not LinkState.DOWN:
            log.warning("platform unreachable; circuit open, probing with ping: %s", message)
        else:
            log.info("sync try failed (%s); next try in %.1f s", message, after.retry_delay_s)
        if isinstance(exc, LinkDown) and self._client is not None:
            self._client.close()
            self._client = None
        return True

    # -- plumbing ------------------------------------------------------------

    def _platform(self) -> PlatformClient:
        """The client, its requests bounded by what is left of this run's deadline."""
        if self._client is None:
            self._client = self._connect()
        self._client.set_deadline(self._left())
        return self._client

    def _left(self) -> float:
        """Seconds left of the run's deadline."""
        return self._end - self.clock.monotonic()

    def _next_record_due_in(self) -> float | None:
        """Seconds until the next pending record is due, or None when none is pending."""
        due_at = push.next_due_at(self.store.conn)
        if due_at is None:
            return None
        return min(max(0.0, due_at - self._now()), self.settings.backoff_max_s)

    def _sleep_within(self, delay: float, end: float, wait: bool, report: SyncReport) -> bool:
        """Sleep ``delay`` if allowed and it ends before the deadline; False to stop instead."""
        report.next_attempt_in_s = delay
        if not wait or self.clock.monotonic() + delay > end:
            return False
        self.clock.sleep(delay)
        report.next_attempt_in_s = None
        return True

    def _now(self) -> float:
        return self.clock.now().timestamp()

    def _now_text(self) -> str:
        return self.clock.now().isoformat(timespec="seconds")


# What a technician does about each refusal of this device (contract section 1).
AUTH_ADVICE = {
    "unknown_device": (
        "the platform does not know this device id or has disabled it; entering the secret"
        " again does not help: ask the county to enrol the device again and put the new"
        " secret in [platform] device_secret"
    ),
    "bad_signature": (
        "[platform] device_secret is not the one issued for this device id; enter the secret"
        " from the enrolment"
    ),
    "clock_skew": "this device's clock is too far off the platform's; set the clock (NTP)",
    "replayed_nonce": "the platform saw a request twice; it is tried again by itself",
}


def describe_failure(exc: PlatformError | LocalFault) -> str:
    """One line for staff and the log about why a try failed (no personal data)."""
    if isinstance(exc, push.UnreadableRecord):
        return f"local: {exc}"
    if isinstance(exc, sqlite3.OperationalError):
        return f"the local store could not be written: {exc}"
    if isinstance(exc, AuthRejected):
        return f"the platform rejected this device ({exc.code}): {AUTH_ADVICE.get(exc.code, '')}"
    if isinstance(exc, RetryLater):
        after = f"; Retry-After {exc.retry_after_s:g} s" if exc.retry_after_s is not None else ""
        return f"the platform is busy (HTTP {exc.status}){after}"
    return str(exc)
