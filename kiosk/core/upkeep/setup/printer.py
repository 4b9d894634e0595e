"""Setting up the receipt printer: serial, USB or network; its status; a test page; paper width."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from devices.printer import PrinterError, PrinterState, PrinterUrlError, open_printer, paper_for
from devices.printer.transport import parse_url
from kiosk.core.messages import Messages
from kiosk.core.receipts import Letterhead, render_test_page
from kiosk.core.upkeep.ports import PortListing
from kiosk.core.upkeep.setup.step import (
    Candidate,
    Finding,
    Option,
    Progress,
    SetupStep,
    report,
)
from kiosk.core.upkeep.site_file import SiteFile
from offline_sync.clock import Clock

SERIAL_BAUDS = (9600, 19200, 38400, 115200)  # the speeds receipt printers ship with
PAPERS_MM = (58, 80)
USB_PRINTER_CLASS = "07"
SYSFS_USB = Path("/sys/bus/usb/devices")


def network_url(host: str, port: int = 9100) -> str:
    """The URL of a network printer's raw port, from what the technician typed."""
    host = host.strip().removeprefix("tcp://")
    return f"tcp://{host}" if ":" in host else f"tcp://{host}:{port}"


def usb_printers(sysfs: Path = SYSFS_USB) -> list[tuple[str, str]]:
    """USB printer-class devices as (usb:// URL, product name), from sysfs."""
    found = {}
    for interface in sorted(sysfs.glob("*:*")):
        try:
            if (interface / "bInterfaceClass").read_text().strip() != USB_PRINTER_CLASS:
                continue
            device = (
                interface.parent
                if (interface.parent / "idVendor").exists()
                else (sysfs / interface.name.split(":")[0])
            )
            vid = (device / "idVendor").read_text().strip()
            pid = (device / "idProduct").read_text().strip()
        except OSError:
            continue
        product = device / "product"
        name = product.read_text().strip() if product.exists() else "USB printer"
        found[f"usb://0x{vid}:0x{pid}"] = name
    return list(found.items())


class PrinterSetup(SetupStep):
    """Finds a printer that answers its status, prints the test page, saves URL and paper."""

    name = "printer"
    title_key = "setup.printer.title"

    def __init__(
        self,
        site: SiteFile,
        clock: Clock,
        ports: PortListing | None = None,
        sysfs: Path = SYSFS_USB,
    ) -> None:
        super().__init__(site)
        self.clock = clock
        self.ports = ports or PortListing()
        self.sysfs = sysfs

    def candidates(self) -> list[Candidate]:
        """USB printers, serial ports and the printer in use (a network printer is typed)."""
        current = self.config().devices.printer.url
        found = [
            Candidate(url, name, url, url == current) for url, name in usb_printers(self.sysfs)
        ]
        for port in self.ports.ports():
            url = f"serial://{port.stable}"
            found.append(Candidate(url, port.label, port.device, current.startswith(url + "?")))
        if current and not any(c.current for c in found):
            found.append(Candidate(current, current, "", True))
        return found

    def in_force(self) -> str:
        """The printer's URL and paper width."""
        settings = self.config().devices.printer
        return f"{settings.url}  ({settings.paper_mm} mm)" if settings.url else ""

    def options(self) -> list[Option]:
        """The paper width, and a network printer's address (typed: nothing lists those)."""
        settings = self.config().devices.printer
        paper = Option(
            "paper_mm",
            "setup.printer.paper",
            "choice",
            PAPERS_MM,
            settings.paper_mm,
            choice_key="setup.printer.paper_mm",
        )
        address = Option(
            "address",
            "setup.printer.address",
            "text",
            instead=True,
            hint_key="setup.printer.address.hint",
        )
        return [paper, address]

    @property
    def limit_s(self) -> float:
        """A status at each usual speed, then the test page."""
        timeout = self.config().devices.printer.status_timeout_s
        return len(SERIAL_BAUDS) * (timeout + 1) + 15

    def test(
        self,
        candidate_id: str = "",
        progress: Progress | None = None,
        paper_mm: int | None = None,
        address: str = "",
    ) -> Finding:
        """Ask the status (each usual speed on a serial port), then print the test page.

        A typed ``address`` (``192.168.1.50`` or ``host:port``) names a network printer
        and takes the candidate's place."""
        if address.strip():
            candidate_id = network_url(address)
        config = self.config()
        mm = int(paper_mm or config.devices.printer.paper_mm)
        timeout = config.devices.printer.status_timeout_s
        try:
            urls = self._urls(candidate_id)
        except PrinterUrlError as exc:
            return Finding(False, "setup.printer.bad_url", {"url": candidate_id}, str(exc))
        for url in urls:
            report(progress, "setup.printer.asking", url=url)
            try:
                with open_printer(url, paper_for(mm), timeout) as printer:
                    status = printer.status()
                    if status.state is PrinterState.UNKNOWN:
                        continue
                    if not status.state.can_print:
                        return Finding(
                            False, f"setup.printer.{status.state}", {"state": str(status.state)},
                            f"{url}: {status.state} ({status.detail})",
                        )  # fmt: skip
                    report(progress, "setup.printer.printing", mm=mm)
                    letterhead = Letterhead(config.site.name, ZoneInfo(config.site.timezone))
                    page = render_test_page(
                        printer.document(),
                        letterhead,
                        Messages(config.ui.language),
                        self.clock.now(),
                    )
                    printer.send(page)
            except PrinterError as exc:
                return Finding(False, "setup.printer.failed", {"url": url}, str(exc))
            return Finding(
                True,
                "setup.printer.printed",
                {"mm": mm, "state": str(status.state)},
                f"{url}: {status.state}; test page of {len(page)} bytes sent",
                {"devices.printer.url": url, "devices.printer.paper_mm": mm},
            )
        return Finding(
            False, "setup.printer.no_answer", {"url": candidate_id},
            f"{candidate_id}: no status answer at {', '.join(urls)}",
        )  # fmt: skip

    def _urls(self, candidate_id: str) -> list[str]:
        """The URLs to try: a serial port without a speed is tried at each usual speed."""
        url = parse_url(candidate_id)
        if url.scheme != "serial" or "baud" in url.options:
            return [candidate_id]
        target = self.ports.stable_name(url.target)
        return [f"serial://{target}?baud={baud}" for baud in SERIAL_BAUDS]
