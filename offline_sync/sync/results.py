"""What the platform's answers do to the outbox: delivered, dead, or pending again.

Every write here is one transaction over the records (or attachments) of one batch, so
an answer is either applied whole or not at all, and a round run again after a crash
finds the outbox as the last committed answer left it.
"""

from __future__ import annotations

import logging
import random
import sqlite3
from collections.abc import Iterable
from typing import Any

from offline_sync.client import LinkDown
from offline_sync.contract.records import CONFLICT, DUPLICATE, INVALID, MISSING_ATTACHMENTS, STORED
from offline_sync.plain import one_line
from offline_sync.store import Store
from offline_sync.sync import push
from offline_sync.sync.backoff import BackoffPolicy
from offline_sync.sync.report import SyncReport

log = logging.getLogger(__name__)


class PushResults:
    """Writes the outcome of uploads and pushes into the outbox tables of one store."""

    def __init__(self, store: Store, policy: BackoffPolicy, rng: random.Random) -> None:
        self.store = store
        self.policy = policy
        self.rng = rng

    def record_uploads(
        self, outcomes: Iterable[push.UploadOutcome], now_text: str, report: SyncReport
    ) -> dict[str, str]:
        """Mark uploaded attachments; the ids (with the reason) of those that can never be sent."""
        broken: dict[str, str] = {}
        with self.store.transaction() as conn:
            for outcome in outcomes:
                att = outcome.attachment
                if outcome.error is None:
                    conn.execute(
                        "UPDATE outbox_attachment SET uploaded_at = ?, attempts = attempts + 1,"
                        " last_error = NULL WHERE attachment_id = ?",
                        (now_text, att.attachment_id),
                    )
                    report.attachments_uploaded += 1
                    report.attachment_bytes += att.size
                    continue
                conn.execute(
                    "UPDATE outbox_attachment SET attempts = attempts + 1, last_error = ?"
                    " WHERE attachment_id = ?",
                    (one_line(outcome.error), att.attachment_id),
                )
                if outcome.permanent:
                    broken[att.attachment_id] = one_line(outcome.error)
        return broken

    def apply(
        self,
        records: list[push.Outgoing],
        results: list[dict[str, Any]],
        now: float,
        now_text: str,
        report: SyncReport,
    ) -> None:
        """Apply one batch's results (one per record, in order); LinkDown if they do not match."""
        for record, result in zip(records, results, strict=True):
            if result.get("id") != record.record_id or result.get("revision") != record.revision:
                raise LinkDown(
                    f"push: result for {one_line(result.get('id'), 80)} does not match record"
                    f" {record.record_id}"
                )
        with self.store.transaction() as conn:
            for record, result in zip(records, results, strict=True):
                status = result.get("status")
                text = push.result_json(result)
                if status in (STORED, DUPLICATE):
                    conn.execute(
                        "UPDATE outbox SET state = 'delivered', delivered_at = ?, attempts = attempts + 1,"
                        " result = ?, last_error = NULL WHERE seq = ?",
                        (now_text, text, record.seq),
                    )
                    _mark_uploaded(conn, push.referenced_attachments(record.wire), now_text)
                    report.delivered += 1
                    report.delivered_kinds[record.kind] += 1
                    report.duplicates += status == DUPLICATE
                elif status in (CONFLICT, INVALID):
                    conn.execute(
                        "UPDATE outbox SET state = 'dead', attempts = attempts + 1, result = ?,"
                        " last_error = ? WHERE seq = ?",
                        (text, push.describe_error(result), record.seq),
                    )
                    report.dead += 1
                    log.warning(
                        "%s %s rev %s refused: %s",
                        record.kind,
                        record.record_id,
                        record.revision,
                        status,
                    )
                elif status == MISSING_ATTACHMENTS:
                    self._missing(conn, record, result, text, now, report)
                else:
                    unknown = f"unknown result status {one_line(status, 40)}"
                    self._retry(conn, record.seq, text, unknown, now)
            conn.execute("UPDATE sync_state SET last_push_at = ? WHERE id = 1", (now_text,))

    def kill(self, dead: list[tuple[int, str]], report: SyncReport) -> None:
        """Move records to the dead letters (staff see them; the queue goes on)."""
        if not dead:
            return
        with self.store.transaction() as conn:
            conn.executemany(
                "UPDATE outbox SET state = 'dead', last_error = ? WHERE seq = ? AND state = 'pending'",
                [(one_line(error), seq) for seq, error in dead],
            )
        report.dead += len(dead)
        for seq, error in dead:
            log.warning("outbox record #%s moved to dead letters: %s", seq, one_line(error))

    def _missing(
        self,
        conn: sqlite3.Connection,
        record: push.Outgoing,
        result: dict[str, Any],
        text: str,
        now: float,
        report: SyncReport,
    ) -> None:
        """missing_attachments: upload them again, then resend (backing off if it repeats)."""
        missing = [m for m in result.get("missing") or () if isinstance(m, str)]
        known = {
            row[0]
            for row in conn.execute(
                f"SELECT attachment_id FROM outbox_attachment WHERE attachment_id IN ({','.join('?' * len(missing))})",
                missing,
            )
        }
        unknown = sorted(set(missing) - known)
        if unknown:
            conn.execute(
                "UPDATE outbox SET state = 'dead', attempts = attempts + 1, result = ?, last_error = ?"
                " WHERE seq = ?",
                (
                    text,
                    one_line(f"missing_attachments: {', '.join(unknown)} not held by this device"),
                    record.seq,
                ),
            )
            report.dead += 1
            return
        conn.executemany(
            "UPDATE outbox_attachment SET uploaded_at = NULL WHERE attachment_id = ?",
            [(m,) for m in missing],
        )
        again = one_line(f"missing_attachments: {', '.join(missing)}")
        self._retry(conn, record.seq, text, again, now)
        report.resent += 1

    def _retry(self, conn: sqlite3.Connection, seq: int, text: str, error: str, now: float) -> None:
        """Keep a record pending: at once the first time, then after a jittered delay."""
        attempts = (
            conn.execute("SELECT attempts FROM outbox WHERE seq = ?", (seq,)).fetchone()[0] + 1
        )
        delay = self.policy.delay(attempts - 1, self.rng)
        conn.execute(
            "UPDATE outbox SET attempts = ?, next_attempt_at = ?, result = ?, last_error = ? WHERE seq = ?",
            (attempts, now + delay if attempts > 1 else 0, text, error, seq),
        )


def _mark_uploaded(conn: sqlite3.Connection, attachment_ids: set[str], now_text: str) -> None:
    conn.executemany(
        "UPDATE outbox_attachment SET uploaded_at = ? WHERE attachment_id = ? AND uploaded_at IS NULL",
        [(now_text, a) for a in sorted(attachment_ids)],
    )
