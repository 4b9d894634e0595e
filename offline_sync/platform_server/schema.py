"""The reference platform's own SQLite schema (a file apart from any device's store)."""

from __future__ import annotations

import secrets

from sqlite_utils import Migrations

migrations = Migrations("offline_sync.platform_server")


@migrations()
def create_platform(db) -> None:
    db.execute(
        """
        CREATE TABLE device (
            device_id TEXT PRIMARY KEY,
            secret TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            enrolled_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE record (
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            revision INTEGER NOT NULL,
            body TEXT NOT NULL,
            device_id TEXT NOT NULL,
            stored_at TEXT NOT NULL,
            PRIMARY KEY (kind, id, revision)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE platform_case (
            case_id TEXT PRIMARY KEY,
            case_no TEXT NOT NULL UNIQUE,
            device_id TEXT NOT NULL,
            item_code TEXT NOT NULL,
            revision INTEGER NOT NULL,
            status TEXT NOT NULL,
            step INTEGER NOT NULL,
            reason TEXT,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE catalogue_item (
            code TEXT NOT NULL,
            version INTEGER NOT NULL,
            item TEXT NOT NULL,
            PRIMARY KEY (code, version)
        )
        """
    )
    db.execute("CREATE TABLE catalogue_removed (code TEXT PRIMARY KEY)")
    db.execute(
        """
        CREATE TABLE upload (
            attachment_id TEXT PRIMARY KEY,
            case_id TEXT NOT NULL,
            device_id TEXT NOT NULL,
            length INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            media_type TEXT NOT NULL,
            offset INTEGER NOT NULL DEFAULT 0,
            complete INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE upload_chunk (
            attachment_id TEXT NOT NULL REFERENCES upload (attachment_id),
            offset INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (attachment_id, offset)
        )
        """
    )
    # The change feed. device_id NULL: for every device. Changes of one (grp, key)
    # replace each other (the feed keeps the latest), except case_status steps.
    db.execute(
        """
        CREATE TABLE change (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            device_id TEXT,
            type TEXT NOT NULL,
            grp TEXT NOT NULL,
            key TEXT NOT NULL,
            data TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX change_key ON change (grp, key)")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("INSERT INTO meta VALUES ('cursor_epoch', ?)", [secrets.token_hex(4)])


@migrations()
def create_nonce(db) -> None:
    # Nonces seen in the last 600 s, kept across restarts of the platform.
    db.execute(
        """
        CREATE TABLE nonce (
            device_id TEXT NOT NULL,
            nonce TEXT NOT NULL,
            expires_at REAL NOT NULL,
            PRIMARY KEY (device_id, nonce)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX nonce_expiry ON nonce (expires_at)")
