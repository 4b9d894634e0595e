"""What the store says about sync: the state row, the status snapshot, the dead letters."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from offline_sync.sync.backoff import LinkHealth, LinkState
from offline_sync.vault import Vault


def read_health(conn: sqlite3.Connection) -> LinkHealth:
    """The persisted link health."""
    row = conn.execute(
        "SELECT link_state, failures, link_failures, next_attempt_at, retry_delay_s"
        " FROM sync_state WHERE id = 1"
    ).fetchone()
    return LinkHealth(LinkState(row[0]), row[1], row[2], row[3], row[4])


def write_health(
    conn: sqlite3.Connection, health: LinkHealth, error: str | None = None, at: str | None = None
) -> None:
    """Persist the link health; an error (with its time) is kept until the next success."""
    conn.execute(
        "UPDATE sync_state SET link_state = ?, failures = ?, link_failures = ?,"
        " next_attempt_at = ?, retry_delay_s = ?, last_error = ?, last_error_at = ? WHERE id = 1",
        (
            health.link_state.value,
            health.failures,
            health.link_failures,
            health.next_attempt_at,
            health.retry_delay_s,
            error,
            at if error else None,
        ),
    )


def write_clock_offset(conn: sqlite3.Connection, offset_s: float, at: str) -> None:
    """Keep the platform's clock minus this device's (from its last answer), and when."""
    conn.execute(
        "UPDATE sync_state SET clock_offset_s = ?, clock_offset_at = ? WHERE id = 1",
        (round(offset_s, 1), at),
    )


@dataclass(frozen=True)
class SyncStatus:
    """A snapshot for staff and technicians (``bianmin status``)."""

    pending_records: int
    pending_attachments: int
    dead_letters: int
    delivered_records: int
    rejected_changes: int
    last_push_at: str | None
    last_pull_at: str | None
    cursor: str | None
    link_state: str
    failures: int
    next_attempt_at: str | None
    last_error: str | None
    last_error_at: str | None
    clock_offset_s: float | None  # the platform's clock minus this device's; None: never measured
    clock_offset_at: str | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def read_status(conn: sqlite3.Connection) -> SyncStatus:
    """The current sync status, from the store alone (no network)."""
    counts = {"pending": 0, "delivered": 0, "dead": 0}
    for state, n in conn.execute("SELECT state, count(*) FROM outbox GROUP BY state"):
        counts[state] = n
    pending_attachments = conn.execute(
        "SELECT count(*) FROM outbox_attachment a WHERE a.uploaded_at IS NULL AND EXISTS"
        " (SELECT 1 FROM outbox o WHERE o.record_id = a.record_id AND o.state = 'pending')"
    ).fetchone()[0]
    rejected = conn.execute("SELECT count(*) FROM sync_rejected_change").fetchone()[0]
    row = conn.execute("SELECT * FROM sync_state WHERE id = 1").fetchone()
    next_at = row["next_attempt_at"]
    return SyncStatus(
        pending_records=counts["pending"],
        pending_attachments=pending_attachments,
        dead_letters=counts["dead"],
        delivered_records=counts["delivered"],
        rejected_changes=rejected,
        last_push_at=row["last_push_at"],
        last_pull_at=row["last_pull_at"],
        cursor=row["cursor"],
        link_state=row["link_state"],
        failures=row["failures"],
        next_attempt_at=_rfc3339(next_at) if next_at else None,
        last_error=row["last_error"],
        last_error_at=row["last_error_at"],
        clock_offset_s=row["clock_offset_s"],
        clock_offset_at=row["clock_offset_at"],
    )


@dataclass(frozen=True)
class DeadLetter:
    """A record the platform refused (conflict, invalid) or that cannot be sent as it is."""

    seq: int
    kind: str
    record_id: str
    revision: int
    attempts: int
    error: str | None
    result: dict[str, Any] | None
    created_at: str


def dead_letters(conn: sqlite3.Connection) -> list[DeadLetter]:
    """Every dead letter, oldest first."""
    rows = conn.execute(
        "SELECT seq, kind, record_id, revision, attempts, last_error, result, created_at"
        " FROM outbox WHERE state = 'dead' ORDER BY seq"
    )
    return [
        DeadLetter(
            seq=r[0],
            kind=r[1],
            record_id=r[2],
            revision=r[3],
            attempts=r[4],
            error=r[5],
            result=json.loads(r[6]) if r[6] else None,
            created_at=r[7],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class RejectedChange:
    """A pulled change that could not be applied; its data stays sealed in the store."""

    type: str
    seq: int
    error: str
    at: str


def rejected_changes(conn: sqlite3.Connection, vault: Vault) -> list[RejectedChange]:
    """Every pulled change an applier rejected, with its error text unsealed."""
    rows = conn.execute("SELECT type, seq, error, at FROM sync_rejected_change ORDER BY at, seq")
    return [RejectedChange(r[0], r[1], vault.unseal(r[2]), r[3]) for r in rows]


def _rfc3339(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")
