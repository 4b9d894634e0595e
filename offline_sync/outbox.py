"""The outbox: records waiting for the platform, written in the domain's own transaction.

A record is (kind, id, revision, body) as in the platform contract, section 3. The
body is kept sealed by the vault (it may hold an applicant's name and ID number).
Attachments named by a record are listed beside it; their files are written and
fsynced before their row commits.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlite_utils import Migrations

from offline_sync.contract import RECORD_KINDS, canonical_json
from offline_sync.store import Store
from offline_sync.vault import Vault

migrations = Migrations("offline_sync.outbox")


@migrations()
def create_outbox(db) -> None:
    db.execute(
        """
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            record_id TEXT NOT NULL,
            revision INTEGER NOT NULL,
            body BLOB NOT NULL,
            body_size INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'delivered', 'dead')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL DEFAULT 0,
            last_error TEXT,
            result TEXT,
            created_at TEXT NOT NULL,
            delivered_at TEXT,
            UNIQUE (kind, record_id, revision)
        )
        """
    )
    db.execute("CREATE INDEX outbox_pending ON outbox (state, seq)")
    db.execute(
        """
        CREATE TABLE outbox_attachment (
            attachment_id TEXT PRIMARY KEY,
            record_id TEXT NOT NULL,
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            media_type TEXT NOT NULL,
            uploaded_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX outbox_attachment_record ON outbox_attachment (record_id)")


class OutboxError(Exception):
    """A record cannot be queued (unknown kind, bad id or revision, body not JSON)."""


class Outbox:
    """Queue records and attachments for delivery, inside the caller's transaction."""

    def __init__(
        self, store: Store, vault: Vault, on_queued: Callable[[], None] | None = None
    ) -> None:
        """``on_queued`` runs after a transaction that queued records has committed
        (the sync worker's nudge, so new records leave at once rather than at the next interval)."""
        self.store = store
        self.vault = vault
        self.on_queued = on_queued

    def add(self, kind: str, record_id: str, revision: int, body: dict[str, Any], now: str) -> int:
        """Queue one record; must run inside ``store.transaction()``. Returns its sequence number."""
        if kind not in RECORD_KINDS:
            raise OutboxError(f"unknown record kind {kind!r}; allowed: {', '.join(RECORD_KINDS)}")
        if not isinstance(revision, int) or revision < 1:
            raise OutboxError(f"revision must be a positive integer, got {revision!r}")
        self._require_transaction()
        try:
            plain = canonical_json(body)
        except (TypeError, ValueError) as exc:
            raise OutboxError(f"{kind} {record_id}: body is not JSON: {exc}") from None
        cur = self.store.conn.execute(
            "INSERT INTO outbox (kind, record_id, revision, body, body_size, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (kind, record_id, revision, self.vault.seal_bytes(plain), len(plain), now),
        )
        if self.on_queued is not None:
            self.store.after_commit(self.on_queued)
        return cur.lastrowid

    def add_attachment(
        self,
        attachment_id: str,
        record_id: str,
        rel_path: str,
        size: int,
        sha256: str,
        media_type: str,
    ) -> None:
        """List an attachment of a record; its file must already be written and fsynced."""
        self._require_transaction()
        self.store.conn.execute(
            "INSERT INTO outbox_attachment (attachment_id, record_id, path, size, sha256, media_type)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (attachment_id, record_id, rel_path, size, sha256, media_type),
        )

    def body(self, seq: int) -> dict[str, Any]:
        """The unsealed body of the record with this sequence number."""
        row = self.store.conn.execute("SELECT body FROM outbox WHERE seq = ?", (seq,)).fetchone()
        if row is None:
            raise KeyError(seq)
        return json.loads(self.vault.unseal_bytes(row["body"]))

    def counts(self) -> dict[str, int]:
        """Records by state, and attachments not yet fully uploaded."""
        counts = {"pending": 0, "delivered": 0, "dead": 0}
        for row in self.store.conn.execute("SELECT state, count(*) FROM outbox GROUP BY state"):
            counts[row[0]] = row[1]
        counts["pending_attachments"] = self.store.conn.execute(
            "SELECT count(*) FROM outbox_attachment WHERE uploaded_at IS NULL"
        ).fetchone()[0]
        return counts

    def _require_transaction(self) -> None:
        if not self.store.conn.in_transaction:
            raise OutboxError("outbox writes must share the domain change's transaction")
