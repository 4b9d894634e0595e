"""One sync per store: the lock whoever runs sync holds while it runs.

Two syncs on one store (the kiosk's background loop and a ``bianmin sync --once`` from a
shell, or two shells) would each upload everything still pending: twice the attachments
on a link that may be 2G. So whoever runs the sync loop or a single run holds an
exclusive ``flock`` on ``sync.lock`` in the data directory for as long as it runs; a
second one is told who holds it and since when (:class:`SyncBusy`), or waits.

The kernel drops the lock when its process ends, however it ends (``kill -9``, a power
cut), so a crashed sync never blocks the next one. The file also names the holder (its
pid, what it is, since when) for the one refused and for ``bianmin status``; that text
is only a label, the lock is the ``flock``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from offline_sync.clock import Clock

LOCK_FILE = "sync.lock"


@dataclass(frozen=True)
class SyncHolder:
    """Who runs sync on a store: its process id, what it is, since when (RFC 3339, UTC)."""

    pid: int
    what: str
    since: str


class SyncBusy(Exception):
    """Another process (or another part of this one) runs sync on this store."""

    key = "sync.busy"

    def __init__(self, path: Path, holder: SyncHolder | None) -> None:
        self.path = path
        self.holder = holder
        self.params = {
            "pid": holder.pid if holder else "?",
            "what": holder.what if holder else "?",
            "since": holder.since if holder else "?",
        }
        who = (
            f"{holder.what} (pid {holder.pid}) since {holder.since}"
            if holder
            else "a process that has not said who it is yet"
        )
        super().__init__(f"another sync runs on this store: {who} (lock {path})")


def process_command() -> str:
    """This process's command line as a person typed it (``bianmin --config F sync --once``)."""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    if program in ("__main__.py", "-m", "-c"):
        program = "bianmin"
    return shlex.join([program, *sys.argv[1:]])


class SyncLock:
    """The sync lock of the store in ``data_dir``; ``what`` says who holds it (default: this
    process's command line).

    ``acquire()`` takes it or raises :class:`SyncBusy`; ``acquire(wait=True)`` waits for it
    (a signal handler that raises still ends the wait). ``release()`` gives it back; so
    does the end of the process.
    """

    def __init__(self, data_dir: Path, clock: Clock, what: str | None = None) -> None:
        self.path = Path(data_dir) / LOCK_FILE
        self.what = what or process_command()
        self._clock = clock
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def acquire(self, wait: bool = False) -> None:
        """Take the lock, or raise SyncBusy naming its holder (``wait``: wait for it)."""
        if self._fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                raise SyncBusy(self.path, read_holder(self.path)) from None
            holder = SyncHolder(os.getpid(), self.what, _rfc3339(self._clock))
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(holder.__dict__, ensure_ascii=False).encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        """Give the lock back (the holder's label is cleared first)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # closing the last descriptor drops the flock

    def __enter__(self) -> SyncLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def read_holder(path: Path) -> SyncHolder | None:
    """The holder a lock file names, when that process is still alive; else None.

    Only a label for people: a holder killed with ``kill -9`` leaves its label behind,
    so a label whose process is gone counts as nobody.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "null")
        holder = SyncHolder(int(data["pid"]), str(data["what"]), str(data["since"]))
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return holder if _alive(holder.pid) else None


def sync_holder(data_dir: Path) -> SyncHolder | None:
    """Who runs sync on the store in ``data_dir`` now, as far as its lock file says."""
    return read_holder(Path(data_dir) / LOCK_FILE)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _rfc3339(clock: Clock) -> str:
    return clock.now().replace(microsecond=0).isoformat()
