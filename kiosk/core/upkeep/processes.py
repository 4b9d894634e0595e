"""Which processes hold a file or a device open (as ``fuser`` finds them, through /proc)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class Holder:
    """A process that has the file open."""

    pid: int
    name: str

    def __str__(self) -> str:
        return f"{self.name} (pid {self.pid})"


def holders(path: str | os.PathLike[str], proc: Path = PROC) -> list[Holder]:
    """Other processes with ``path`` open (symlinks resolved); only those this user may see."""
    target = os.path.realpath(path)
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(fd) == target:
                    found.append(Holder(int(entry.name), process_name(int(entry.name), proc)))
                    break
            except OSError:
                continue
    return found


def running(name: str, proc: Path = PROC) -> list[int]:
    """The pids of processes whose command name is ``name`` (e.g. ``ModemManager``)."""
    pids = []
    for entry in proc.iterdir():
        if entry.name.isdigit() and process_name(int(entry.name), proc) == name:
            pids.append(int(entry.name))
    return pids


def process_name(pid: int, proc: Path = PROC) -> str:
    """The command name of ``pid`` (``?`` when it is gone)."""
    try:
        return (proc / str(pid) / "comm").read_text().strip()
    except OSError:
        return "?"
