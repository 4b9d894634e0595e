"""The local store: one SQLite file, WAL, ``synchronous=FULL``, schema by migration sets.

The file is created private (mode 0600; SQLite gives its WAL and shared-memory files
the same mode). Its own small table ``store_meta`` holds facts about the file itself,
such as which vault key sealed it (:mod:`offline_sync.vault`).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations


class StoreError(Exception):
    """The store cannot be opened or used."""


# The store's own table, applied before every caller's migration sets.
store_migrations = Migrations("offline_sync.store")


@store_migrations()
def create_store_meta(db) -> None:
    db.execute("CREATE TABLE store_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")


class Store:
    """A connection to the store file; one per thread."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self._depth = 0
        self._after_commit: list[Callable[[], None]] = []
        self._on_rollback: list[Callable[[], None]] = []

    @classmethod
    def open(cls, path: Path, migration_sets: Sequence[Migrations] = ()) -> Store:
        """Open (creating if needed) the store at ``path`` and apply every pending migration."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _create_private(path)
            conn = sqlite3.connect(
                path, isolation_level=None, timeout=30.0, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{path}: cannot open the store: {exc}{_disk_hint(path)}") from None
        if mode.lower() != "wal":
            raise StoreError(f"{path}: the file system does not allow WAL mode (got {mode})")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        store = cls(path, conn)
        try:
            for migrations in dict.fromkeys((store_migrations, *migration_sets)):
                store.apply(migrations)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{path}: cannot prepare the store: {exc}{_disk_hint(path)}") from None
        return store

    def apply(self, migrations: Migrations) -> None:
        """Apply the pending migrations of one set, each in its own transaction."""
        if not migrations.pending(self.db):
            return
        with self._write_lock():
            migrations.apply(self.db)

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        # Migrations run inside sqlite-utils' own savepoints; taking the write lock
        # first keeps two processes from migrating the same file at once.
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE); nested calls join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self._depth = 0
            self._after_commit.clear()
            undo, self._on_rollback = self._on_rollback, []
            try:
                self.conn.execute("ROLLBACK")
            finally:
                for callback in reversed(undo):
                    callback()
            raise
        self._depth = 0
        try:
            self.conn.execute("COMMIT")
        except BaseException:  # a full disk can refuse the commit itself
            self._after_commit.clear()
            undo, self._on_rollback = self._on_rollback, []
            try:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
            finally:
                for callback in reversed(undo):
                    callback()
            raise
        self._on_rollback.clear()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the current transaction has committed (never if it rolls back).

        Registering the same callback twice in one transaction runs it once.
        """
        if not self._depth:
            raise StoreError("after_commit needs an open transaction")
        if callback not in self._after_commit:
            self._after_commit.append(callback)

    def meta(self, name: str) -> str | None:
        """A value of ``store_meta`` (None when it was never set)."""
        row = self.conn.execute("SELECT value FROM store_meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, name: str, value: str) -> None:
        """Set a value of ``store_meta`` (joins the caller's transaction, if any)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO store_meta (name, value) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )

    def on_rollback(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` if the current transaction rolls back (never once it commits): undo
        what the transaction did outside the store, such as a file written for a row."""
        if not self._depth:
            raise StoreError("on_rollback needs an open transaction")
        self._on_rollback.append(callback)

    def integrity_check(self) -> list[str]:
        """SQLite's integrity_check: ``["ok"]`` when the file is sound, else one line per fault
        (a page too damaged to walk is one fault too, not an exception)."""
        try:
            rows = [row[0] for row in self.conn.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as exc:
            return [str(exc)]
        return [" ".join(str(row).split()) for row in rows]

    def migration_state(self, migration_sets: Sequence[Migrations]) -> list[dict[str, object]]:
        """For each set: its name, applied and pending migration names."""
        return [
            {
                "set": m.name,
                "applied": [a.name for a in m.applied(self.db)],
                "pending": [p.name for p in m.pending(self.db)],
            }
            for m in migration_sets
        ]

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def _create_private(path: Path) -> None:
    """Create the store file empty with mode 0600 if it does not exist yet."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _disk_hint(path: Path) -> str:
    """``; the disk is full ...`` when the store's file system has no space left, else ''."""
    try:
        full = os.statvfs(path.parent).f_bavail == 0
    except OSError:
        return ""
    return "; the disk is full: free space on it and try again" if full else ""
