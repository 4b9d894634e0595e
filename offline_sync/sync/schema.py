"""The sync engine's own tables, as the migration set ``offline_sync.sync``.

Applies after ``offline_sync.outbox`` (it adds columns to ``outbox_attachment``).

- ``sync_state``: one row: the change-feed cursor (and the change types it was
  pulled for), the last successful push and pull, the link state, consecutive
  failures and when to try next, and the platform's clock against this device's
  (``clock_offset_s``, measured on every successful round). Kept in the store so a restart neither hammers a
  platform that asked for patience nor forgets where the feed stood.
- ``sync_rejected_change``: pulled changes an applier could not apply (data and
  error sealed by the vault), kept for staff instead of blocking the feed.
"""

from __future__ import annotations

from sqlite_utils import Migrations

migrations = Migrations("offline_sync.sync")


@migrations()
def create_sync_state(db) -> None:
    db.execute(
        """
        CREATE TABLE sync_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            cursor TEXT,
            cursor_types TEXT,
            last_push_at TEXT,
            last_pull_at TEXT,
            link_state TEXT NOT NULL DEFAULT 'unknown'
                CHECK (link_state IN ('unknown', 'up', 'down')),
            failures INTEGER NOT NULL DEFAULT 0,
            link_failures INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL DEFAULT 0,
            retry_delay_s REAL NOT NULL DEFAULT 0,
            last_error TEXT,
            last_error_at TEXT
        )
        """
    )
    db.execute("INSERT INTO sync_state (id) VALUES (1)")
    db.execute("ALTER TABLE outbox_attachment ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE outbox_attachment ADD COLUMN last_error TEXT")
    db.execute(
        """
        CREATE TABLE sync_rejected_change (
            type TEXT NOT NULL,
            seq INTEGER NOT NULL,
            data BLOB NOT NULL,
            error BLOB NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (type, seq)
        )
        """
    )


@migrations()
def add_clock_offset(db) -> None:
    # The platform's clock minus this device's, in seconds, and when it was measured.
    db.execute("ALTER TABLE sync_state ADD COLUMN clock_offset_s REAL")
    db.execute("ALTER TABLE sync_state ADD COLUMN clock_offset_at TEXT")
