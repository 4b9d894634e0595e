"""A simulated scanner on a real pty: each :meth:`scan` writes one CR LF line."""

from __future__ import annotations

import contextlib
import os

from devices.pty import open_raw_pty


class SimulatedScanner:
    """A scanner a test or a demo scans with; ``path`` is its serial device."""

    def __init__(self, encoding: str = "utf-8") -> None:
        self.encoding = encoding
        self._master, self._slave, self.path = open_raw_pty()

    def scan(self, text: str) -> None:
        """Present ``text`` as if a QR code holding it had been scanned."""
        os.write(self._master, text.encode(self.encoding) + b"\r\n")

    def close(self) -> None:
        """Unplug: close both ends of the pty."""
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)

    def __enter__(self) -> SimulatedScanner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
