"""A simulated scanner on a real pty: each :meth:`scan` writes one line, CR LF after it.

Its :attr:`~SimulatedScanner.path` is a stable symlink to the current ``/dev/pts/N``,
like a USB scanner under ``/dev/serial/by-id``: :meth:`~SimulatedScanner.unplug` makes
the device disappear and :meth:`~SimulatedScanner.replug` brings a new pty back behind
the same path, as a scanner plugged in again does.
"""

from __future__ import annotations

import os
import threading

from devices.pty import PluggablePty


class ScannerUnplugged(Exception):
    """A scan was asked of a simulated scanner that is unplugged."""


class SimulatedScanner:
    """A scanner a test or a demo scans with; ``path`` is its serial device.

    ``suffix`` is what the scanner is set to send after each code.
    """

    def __init__(self, encoding: str = "utf-8", suffix: bytes = b"\r\n") -> None:
        self.encoding = encoding
        self.suffix = suffix
        self._pty = PluggablePty("scanner")
        self.path = self._pty.path
        self._lock = threading.Lock()  # scans and plugging may come from different threads
        self._pty.plug()

    @property
    def plugged(self) -> bool:
        """True while the device exists."""
        return self._pty.plugged

    def scan(self, text: str) -> None:
        """Present ``text`` as if a QR code holding it had been scanned."""
        with self._lock:
            if self._pty.master is None:
                raise ScannerUnplugged(f"{self.path}: the simulated scanner is unplugged")
            os.write(self._pty.master, text.encode(self.encoding) + self.suffix)

    def unplug(self) -> None:
        """Pull the USB plug: the pty closes and :attr:`path` disappears."""
        with self._lock:
            self._pty.unplug()

    def replug(self) -> str:
        """Plug back in: a new pty behind the same :attr:`path`; returns its device path."""
        with self._lock:
            return self._pty.plug()

    def close(self) -> None:
        """Unplug for good and remove :attr:`path` (again: no effect)."""
        with self._lock:
            self._pty.close()

    def __enter__(self) -> SimulatedScanner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
