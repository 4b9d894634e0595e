"""A QR scanner on a serial port (USB CDC mode, CR LF after each scan).

The reader thread turns the byte stream into scans, one per line, and survives
the scanner being unplugged: it reports ``disconnected`` with the cause and opens the
port again when it comes back. The port is locked while open, so a second program
cannot take half of the scans.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from enum import Enum
from typing import Any, Protocol

import serial

from devices.serial_cause import PORT_BUSY, is_port_busy, serial_cause

log = logging.getLogger(__name__)

MAX_SCAN_BYTES = 4096  # a QR code holds at most ~3 KB; longer lines are noise
_LINE_END = re.compile(rb"\r\n|\r|\n")  # neither byte occurs inside UTF-8 or GB18030 text


class ScannerState(Enum):
    """Where the connection to the scanner stands."""

    DISCONNECTED = "disconnected"
    CONNECTED = "connected"
    STOPPED = "stopped"


class Scanner(Protocol):
    """What the kiosk asks of a scanner, real or simulated."""

    def start(
        self, on_scan: Callable[[str], None], on_state: Callable[[ScannerState], None] | None = None
    ) -> None:
        """Begin delivering scans (from a background thread) until :meth:`stop`."""
        ...

    def stop(self) -> None:
        """Stop delivering scans and release the port."""
        ...


def split_lines(data: bytes) -> tuple[list[bytes], bytes]:
    """The complete lines in ``data`` (ended by CR LF, CR or LF) and the unfinished rest.

    Scanners set to a CR-only or LF-only suffix work too; a CR LF split between two reads
    leaves an empty line, which :func:`decode_scan` drops.
    """
    *lines, rest = _LINE_END.split(data)
    return lines, rest


def decode_scan(line: bytes) -> str | None:
    """The text of one scanned line: UTF-8, else GB18030 (older scanners); None if empty."""
    line = line.strip(b"\r\n\x00 ")
    if not line:
        return None
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("gb18030", errors="replace")


class SerialScanner:
    """A scanner on ``port``; reconnects by itself after an unplug.

    :attr:`reason` says why it is disconnected (``cannot open: No such file or
    directory``, ``busy: another program has it open``, ``lost: ...``) when
    ``on_state`` hears of it.
    """

    def __init__(
        self, port: str, baud: int = 9600, retry_s: float = 0.5, simulator: Any = None
    ) -> None:
        self.port = port
        self.baud = baud
        self.retry_s = retry_s
        self.simulator = simulator  # the simulated device behind a virtual port, if any
        self.state = ScannerState.STOPPED
        self.reason = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._on_state: Callable[[ScannerState], None] | None = None

    def start(
        self, on_scan: Callable[[str], None], on_state: Callable[[ScannerState], None] | None = None
    ) -> None:
        """Start the reader thread (no effect while it runs)."""
        if self._thread is not None:
            return
        self._on_state = on_state
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, args=(on_scan,), name=f"scanner {self.port}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the reader thread, close the port, and close a simulated device behind it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._set_state(ScannerState.STOPPED)
        if self.simulator is not None:
            self.simulator.close()
            self.simulator = None

    def _set_state(self, state: ScannerState, reason: str = "") -> None:
        if state is self.state:
            return
        log.info(
            "scanner %s: %s -> %s%s",
            self.port,
            self.state.value,
            state.value,
            f" ({reason})" if reason else "",
        )
        self.state, self.reason = state, reason
        if self._on_state:
            self._on_state(state)

    def _run(self, on_scan: Callable[[str], None]) -> None:
        while not self._stop.is_set():
            try:
                port = serial.Serial(self.port, self.baud, timeout=0.2, exclusive=True)
            except (serial.SerialException, OSError, ValueError) as exc:
                cause = PORT_BUSY if is_port_busy(exc) else f"cannot open: {serial_cause(exc)}"
                self._set_state(ScannerState.DISCONNECTED, cause)
                self._stop.wait(self.retry_s)
                continue
            try:
                with port:
                    self._set_state(ScannerState.CONNECTED)
                    self._read_lines(port, on_scan)
            except (serial.SerialException, OSError) as exc:
                self._set_state(ScannerState.DISCONNECTED, f"lost: {serial_cause(exc)}")

    def _read_lines(self, port: serial.Serial, on_scan: Callable[[str], None]) -> None:
        buffer = b""
        while not self._stop.is_set():
            chunk = port.read(port.in_waiting or 1)
            if not chunk:
                continue
            lines, buffer = split_lines(buffer + chunk)
            for line in lines:
                text = decode_scan(line)
                if text is not None:
                    log.info("scan of %d characters", len(text))  # content may be personal
                    on_scan(text)
            if len(buffer) > MAX_SCAN_BYTES:
                log.warning(
                    "scanner %s: %d bytes without a line end, dropped", self.port, len(buffer)
                )
                buffer = b""
