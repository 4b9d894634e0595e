"""Tables of the hall: staff accounts and counter sessions."""

from __future__ import annotations

from sqlite_utils import Migrations

migrations = Migrations("kiosk.hall")


@migrations()
def create_hall(db) -> None:
    db.execute(
        """
        CREATE TABLE hall_staff (
            staff_id TEXT PRIMARY KEY,
            name BLOB NOT NULL,
            pin TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            failed_pins INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT,
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE hall_session (
            token_hash TEXT PRIMARY KEY,
            staff_id TEXT NOT NULL REFERENCES hall_staff (staff_id),
            counter TEXT NOT NULL,
            csrf TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )
        """
    )
