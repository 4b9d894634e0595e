"""Power cuts where the risk is: kill -9 a forked worker inside its store transactions.

A kill timed at random over a whole ``python -m kiosk ...`` run mostly lands while Python
starts, long before any write. Here the test process forks a worker that opens the store
once and then works in a loop (no start-up to hit), and each kill is one of:

- **timed**: after a random delay from the worker's ``ready`` line, wherever it is then;
- **paused**: the worker stops inside its N-th write transaction, after its statements and
  before ``COMMIT``, says ``paused`` and waits to be killed there.

A probe page shared with the worker tells afterwards whether the kill landed inside a
transaction (between ``BEGIN IMMEDIATE`` and the return of ``COMMIT``), so a test can
assert how many did. The instrument wraps :meth:`offline_sync.store.Store.transaction` in
the forked worker only; it lives in ``tests/``, which production code never imports.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import signal
import struct
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from offline_sync.store import Store

_PAGE = 4096
_INSIDE, _BEGUN = 0, 8  # offsets in the probe page: a flag byte, a count of transactions


@dataclass
class Kill:
    """What one killed (or finished) worker left: its acknowledged lines and where it died."""

    lines: list[str] = field(default_factory=list)
    killed: bool = False
    in_transaction: bool = False
    transactions: int = 0


def _instrument(probe: mmap.mmap, pause_at: int | None, out: TextIO) -> None:
    """In the worker: mark transactions in the probe page; pause inside the ``pause_at``-th."""
    plain = Store.transaction

    @contextlib.contextmanager
    def transaction(self: Store) -> Iterator:
        if self._depth:  # a nested call joins the outer transaction
            with plain(self) as conn:
                yield conn
            return
        try:
            with plain(self) as conn:  # BEGIN IMMEDIATE has run: the write lock is held
                begun = struct.unpack_from("<Q", probe, _BEGUN)[0] + 1
                struct.pack_into("<Q", probe, _BEGUN, begun)
                probe[_INSIDE] = 1
                yield conn
                if begun == pause_at:  # every statement done, COMMIT not yet
                    out.write("paused\n")
                    out.flush()
                    while True:
                        signal.pause()
        finally:
            probe[_INSIDE] = 0

    Store.transaction = transaction


class Worker:
    """A forked worker running ``work(out)``: it writes ``ready`` once its store is open, then
    one line per durable result; it dies by SIGKILL (or ends by itself)."""

    def __init__(
        self, work: Callable[[TextIO], None], probe_dir: Path, *, pause_at: int | None = None
    ) -> None:
        self.pause_at = pause_at
        self._probe = probe_dir / f"probe-{time.monotonic_ns()}"
        self._probe.write_bytes(bytes(_PAGE))
        read_fd, write_fd = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the worker: never returns into the test runner
            status = 1
            try:
                os.close(read_fd)
                out = os.fdopen(write_fd, "w")
                with self._probe.open("r+b") as fh:
                    _instrument(mmap.mmap(fh.fileno(), _PAGE), pause_at, out)
                work(out)
                out.flush()
                status = 0
            finally:
                os._exit(status)
        os.close(write_fd)
        self._lines = os.fdopen(read_fd)
        first = self._lines.readline()
        assert first == "ready\n", f"the worker did not start: {first!r}"

    def kill(self, delay_s: float = 0.0, *, after_lines: int = 0) -> Kill:
        """SIGKILL: when it pauses inside its transaction (``pause_at``), else ``delay_s``
        after its ``after_lines``-th result (a random moment: where it lands is the point)."""
        result = Kill()
        for _ in range(after_lines):  # progress first, however slow the machine
            line = self._lines.readline()
            if line:
                result.lines.append(line.rstrip("\n"))
        if self.pause_at is not None:
            for line in self._lines:  # until it pauses, or ends by itself
                if line == "paused\n":
                    break
                result.lines.append(line.rstrip("\n"))
        elif delay_s:
            time.sleep(delay_s)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        _, status = os.waitpid(self.pid, 0)
        result.lines += self._lines.read().splitlines()
        self._lines.close()
        result.killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        assert result.killed or os.WEXITSTATUS(status) == 0, f"the worker failed ({status})"
        page = self._probe.read_bytes()
        self._probe.unlink()
        result.in_transaction = result.killed and page[_INSIDE] == 1
        result.transactions = struct.unpack_from("<Q", page, _BEGUN)[0]
        return result
