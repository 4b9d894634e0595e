"""The data directory: private to the kiosk's user, and tidy after an interrupted write.

Everything in it is personal data or protects it (the store, its WAL and shared-memory
files, sealed attachments, the vault key, the voice cache, backups): the directory and
every directory below it are mode 0700, every file 0600. :func:`prepare_data_dir` sets
this at every start, so an install made before the rule is fixed too.

Files are written under a temporary name (``.tmp``, ``.part``) and renamed when
complete; a crash or a full disk can leave such a file behind. They are removed at the
next start, once they are old enough that no other process can still be writing them.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
LEFTOVER_SUFFIXES = (".tmp", ".part")


class DataDirError(Exception):
    """The data directory cannot be created or used; the text is one line for a technician."""


@dataclass(frozen=True)
class Tidied:
    """What :func:`prepare_data_dir` changed."""

    modes_fixed: int = 0
    leftovers_removed: int = 0


def prepare_data_dir(path: Path, leftovers_older_than_s: float = 600.0) -> Tidied:
    """Create ``path`` (0700) if needed, make its tree private, remove old temporary files.

    DataDirError when it cannot be created or is not a directory.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise DataDirError(f"{path}: is not a directory; set [site] data_dir to a directory")
    try:
        path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    except OSError as exc:
        raise DataDirError(
            f"{path}: cannot create the data directory ({exc.strerror}); create it for the"
            " kiosk's user or set [site] data_dir to a writable place"
        ) from None
    try:
        return _tidy(path, time.time() - leftovers_older_than_s)
    except OSError as exc:
        raise DataDirError(
            f"{exc.filename or path}: cannot make the data directory private ({exc.strerror})"
        ) from None


def _tidy(root: Path, cutoff: float) -> Tidied:
    fixed = removed = 0
    fixed += _restrict(root, DIR_MODE)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            fixed += _restrict(Path(folder) / name, DIR_MODE)
        for name in files:
            file = Path(folder) / name
            if name.endswith(LEFTOVER_SUFFIXES) and _mtime(file) < cutoff:
                file.unlink(missing_ok=True)
                removed += 1
                continue
            fixed += _restrict(file, FILE_MODE)
    return Tidied(fixed, removed)


def _restrict(path: Path, mode: int) -> int:
    """chmod ``path`` to ``mode`` if others or the group may use it; 1 if it was changed.

    0 when it is gone: another process sharing the directory renamed or removed it since
    it was listed (a finished write, a cleared cache).
    """
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode) or stat.S_IMODE(info.st_mode) & 0o077 == 0:
            return 0
        path.chmod(stat.S_IMODE(info.st_mode) & mode)
    except FileNotFoundError:
        return 0
    return 1


def _mtime(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except FileNotFoundError:
        return float("inf")
