"""The printer the kiosk core talks to: a Protocol, and the ESC/POS driver behind a URL."""

from __future__ import annotations

from typing import Protocol

from devices.printer._escpos import has_profile
from devices.printer.encoder import Document
from devices.printer.errors import PrinterError, PrinterOffline, PrinterUrlError
from devices.printer.paper import Paper
from devices.printer.status import PrinterState, PrinterStatus, query_status
from devices.printer.transport import Transport, open_transport, parse_url


class Printer(Protocol):
    """A receipt printer as the kiosk core uses it."""

    url: str
    paper: Paper

    def document(self) -> Document:
        """A new, empty job laid out for this printer's paper and profile."""
        ...

    def status(self) -> PrinterStatus:
        """The real-time state; ``unknown`` when the printer does not answer in time."""
        ...

    def send(self, data: bytes) -> None:
        """Write a job's bytes; PrinterOffline or PrinterTimeout when they cannot be written."""
        ...

    def close(self) -> None:
        """Release the device."""
        ...


class EscposPrinter:
    """An ESC/POS printer named by a URL; the device is opened on first use and reopened
    after a failure (a USB cable pulled and pushed back in)."""

    def __init__(
        self,
        url: str,
        paper: Paper,
        status_timeout_s: float = 1.0,
    ) -> None:
        self._url = parse_url(url)
        self.url = url
        self.paper = paper
        self.profile = self._url.option("profile", "default")
        if not has_profile(self.profile):
            raise PrinterUrlError(f"printer URL {url!r}: unknown printer profile {self.profile!r}")
        self.status_timeout_s = status_timeout_s
        self._transport: Transport | None = None

    def document(self) -> Document:
        return Document(self.paper, self.profile)

    def status(self) -> PrinterStatus:
        try:
            transport = self._open()
            if not transport.answers_status:
                return PrinterStatus(PrinterState.READY, "a file has no status; it is always ready")
            return query_status(transport, self.status_timeout_s)
        except PrinterOffline as exc:
            self.close()
            return PrinterStatus(PrinterState.OFFLINE, str(exc))

    def send(self, data: bytes) -> None:
        try:
            self._open().write(data)
        except PrinterError:
            self.close()
            raise

    def close(self) -> None:
        if self._transport is not None:
            transport, self._transport = self._transport, None
            transport.close()

    def _open(self) -> Transport:
        if self._transport is None:
            self._transport = open_transport(self._url)
        return self._transport

    def __enter__(self) -> EscposPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_printer(url: str, paper: Paper, status_timeout_s: float = 1.0) -> EscposPrinter:
    """The printer at ``url`` (checked now, opened on first use)."""
    return EscposPrinter(url, paper, status_timeout_s)
