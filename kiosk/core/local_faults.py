"""Faults of this machine rather than of the program: a full disk, a read-only or failing
file system, a damaged store file. Each is told in one line that names the cause and what
to do, never as a traceback (:func:`describe_local_fault`).
"""

from __future__ import annotations

import errno
import sqlite3

_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
_STORE_DAMAGED = ("malformed", "file is not a database", "database corruption")


def describe_local_fault(exc: BaseException) -> str | None:
    """One line about ``exc`` if it is a fault of this machine (disk, files, store), else None."""
    if isinstance(exc, sqlite3.DatabaseError):
        return _describe_store(exc)
    if isinstance(exc, OSError) and exc.errno is not None:
        where = f"{exc.filename}: " if exc.filename else ""
        if exc.errno in _DISK_FULL:
            return f"{where}the disk is full; free space on it and try again (nothing was kept)"
        if exc.errno == errno.EROFS:
            return f"{where}the file system is read-only; check the disk and how it is mounted"
        if exc.errno in (errno.EACCES, errno.EPERM):
            return f"{where}permission denied; the kiosk's user must own the data directory"
        if exc.errno == errno.EIO:
            return f"{where}input/output error: the disk may be failing; check it (dmesg)"
        return f"{where}{exc.strerror or exc}"
    return None


def _describe_store(exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "disk is full" in text:
        return "the store cannot grow: the disk is full; free space on it and try again"
    if any(word in text for word in _STORE_DAMAGED):
        return (
            f"the store file is damaged ({text}); run 'bianmin db check' and restore the"
            " store from a backup"
        )
    if "readonly" in text or "read-only" in text:
        return f"the store cannot be written ({text}); check the data directory's disk and owner"
    return f"the store failed: {text}"
