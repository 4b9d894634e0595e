"""SQLite files and sealed files handled durably, for backups and restores.

Online copies with SQLite's backup API, read-only checks, and file writes that are
fsynced and private (0600) before anything names them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from kiosk.core.upkeep.errors import BackupError


def copy_store(source: Path, target: Path) -> None:
    """An online copy of a SQLite file (SQLite's backup API), checked, self-contained, fsynced."""
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise BackupError(f"{source}: cannot open the store: {exc}", path=str(source)) from None
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            problems = [row[0] for row in dst.execute("PRAGMA integrity_check")]
        finally:
            dst.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source}: the store cannot be read: {exc}", path=str(source)) from None
    finally:
        src.close()
    if problems != ["ok"]:
        target.unlink(missing_ok=True)
        raise BackupError(f"{source}: the store is damaged ({problems[0]})", path=str(source))
    os.chmod(target, 0o600)
    with open(target, "rb") as fh:
        os.fsync(fh.fileno())


def integrity(path: Path) -> list[str]:
    """``PRAGMA integrity_check`` of a SQLite file opened read-only (a non-database says so)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            return [row[0] for row in conn.execute("PRAGMA integrity_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]


def checkpoint(path: Path) -> None:
    """Move everything in the WAL into the database file and empty the WAL."""
    conn = sqlite3.connect(path, timeout=30)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def applied_migrations(path: Path) -> dict[str, list[str]]:
    """The migrations applied in a store file, by set (sqlite-utils' ``_sqlite_migrations``)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT migration_set, name FROM _sqlite_migrations").fetchall()
    except sqlite3.Error:
        rows = []
    finally:
        conn.close()
    found: dict[str, list[str]] = {}
    for set_name, name in rows:
        found.setdefault(set_name, []).append(name)
    return found


def migration_names(migrations: Migrations) -> list[str]:
    """Every migration of a set: all of them are pending in an empty database."""
    return [m.name for m in migrations.pending(sqlite_utils.Database(memory=True))]


def link_same(earlier: Path, path: Path, copy: Path) -> bool:
    """Hard-link an unchanged attachment to the previous backup's copy (False: copy it)."""
    try:
        if earlier.stat().st_size != path.stat().st_size:
            return False
        os.link(earlier, copy)
    except OSError:
        return False
    return True


def copy_durably(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)
    with open(target, "rb") as fh:
        os.fsync(fh.fileno())


def write_durably(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
