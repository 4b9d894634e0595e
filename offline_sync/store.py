"""The local store: one SQLite file, WAL, ``synchronous=FULL``, schema by migration sets."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations


class StoreError(Exception):
    """The store cannot be opened or used."""


class Store:
    """A connection to the store file; one per thread."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self._depth = 0
        self._after_commit: list[Callable[[], None]] = []

    @classmethod
    def open(cls, path: Path, migration_sets: Sequence[Migrations] = ()) -> Store:
        """Open (creating if needed) the store at ``path`` and apply every pending migration."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                path, isolation_level=None, timeout=30.0, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{path}: cannot open the store: {exc}") from None
        if mode.lower() != "wal":
            raise StoreError(f"{path}: the file system does not allow WAL mode (got {mode})")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        store = cls(path, conn)
        for migrations in migration_sets:
            store.apply(migrations)
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
            self.conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self.conn.execute("COMMIT")
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

    def integrity_check(self) -> list[str]:
        """SQLite's integrity_check: ``["ok"]`` when the file is sound, else its problems (a
        page too damaged for the check to go on is one problem, not an exception)."""
        try:
            return [row[0] for row in self.conn.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as exc:
            return [str(exc)]

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
