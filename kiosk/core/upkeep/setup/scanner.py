"""Setting up the QR scanner: the ports, and what a test scan delivered."""

from __future__ import annotations

import queue

from devices.scanner import ScannerState, SerialScanner
from kiosk.core.upkeep.ports import PortListing
from kiosk.core.upkeep.setup.step import (
    Candidate,
    Finding,
    Option,
    Progress,
    SetupStep,
    port_candidates,
    report,
)
from kiosk.core.upkeep.site_file import SiteFile

SHOWN_CHARACTERS = 60
OPEN_WAIT_S = 5.0
SCANNER_BAUDS = (9600, 115200)


class ScannerSetup(SetupStep):
    """Listens on a port for one scan and shows what came; saves the port's stable name."""

    name = "scanner"
    title_key = "setup.scanner.title"

    def __init__(
        self,
        site: SiteFile,
        ports: PortListing | None = None,
        scan_wait_s: float = 20.0,
    ) -> None:
        super().__init__(site)
        self.ports = ports or PortListing()
        self.scan_wait_s = scan_wait_s

    def candidates(self) -> list[Candidate]:
        """Every serial port, by its stable name, the one in use marked."""
        return port_candidates(self.ports, self.config().devices.scanner.port)

    def in_force(self) -> str:
        """The scanner's port."""
        return self.config().devices.scanner.port

    def options(self) -> list[Option]:
        """The port's speed (scanners ship at 9600 or 115200)."""
        baud = self.config().devices.scanner.baud
        return [Option("baud", "setup.scanner.baud", "choice", SCANNER_BAUDS, baud)]

    @property
    def limit_s(self) -> float:
        """Opening the port, then the wait for a scan."""
        return OPEN_WAIT_S + self.scan_wait_s + 1

    def test(
        self,
        candidate_id: str,
        progress: Progress | None = None,
        baud: int | None = None,
        scan_wait_s: float | None = None,
    ) -> Finding:
        """Open the port and wait for one scan."""
        stable = self.ports.stable_name(candidate_id)
        baud = int(baud or self.config().devices.scanner.baud)
        wait = scan_wait_s if scan_wait_s is not None else self.scan_wait_s
        scans: queue.Queue[str] = queue.Queue()
        opened: queue.Queue[ScannerState] = queue.Queue()
        scanner = SerialScanner(candidate_id, baud, retry_s=wait)
        scanner.start(scans.put, opened.put)
        try:
            state = opened.get(timeout=OPEN_WAIT_S)
            if state is not ScannerState.CONNECTED:
                return Finding(False, "setup.scanner.cannot_open", {"port": stable}, scanner.reason)
            report(progress, "setup.scanner.waiting", seconds=round(wait))
            try:
                text = scans.get(timeout=wait)
            except queue.Empty:
                return Finding(
                    False,
                    "setup.scanner.nothing",
                    {"seconds": round(wait)},
                    f"{stable}: no scan ending in CR LF within {wait:g} s",
                )
        finally:
            scanner.stop()
        shown = text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS] + "…"
        return Finding(
            True,
            "setup.scanner.scanned",
            {"text": shown, "length": len(text)},
            f"{stable}: a scan of {len(text)} characters",
            {"devices.scanner.port": stable, "devices.scanner.baud": baud},
        )
