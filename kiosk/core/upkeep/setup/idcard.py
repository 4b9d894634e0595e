"""Setting up the ID card reader: the ports, a probe at every speed, a test read of a card."""

from __future__ import annotations

from typing import Any

from devices.idcard.errors import IdCardError
from devices.idcard.frames import BAUD_RATES
from devices.idcard.idnumber import mask_id_number, mask_name
from devices.idcard.probe import probe_port
from devices.idcard.serial_reader import SerialCardReader
from devices.serial_cause import PORT_BUSY
from kiosk.core.upkeep.ports import PortListing
from kiosk.core.upkeep.setup.step import (
    Candidate,
    Finding,
    Progress,
    SetupStep,
    port_candidates,
    report,
)
from kiosk.core.upkeep.site_file import SiteFile


class IdCardSetup(SetupStep):
    """Finds the reader's port and speed, reads a card, saves the port's stable name."""

    name = "idcard"
    title_key = "setup.idcard.title"

    def __init__(
        self,
        site: SiteFile,
        ports: PortListing | None = None,
        card_wait_s: float = 20.0,
        answer_s: float = 0.25,
    ) -> None:
        super().__init__(site)
        self.ports = ports or PortListing()
        self.card_wait_s = card_wait_s
        self.answer_s = answer_s

    def candidates(self) -> list[Candidate]:
        """Every serial port, by its stable name, the one in use marked."""
        return port_candidates(self.ports, self.config().devices.idcard.port)

    def in_force(self) -> str:
        """The reader's port."""
        return self.config().devices.idcard.port

    @property
    def limit_s(self) -> float:
        """A probe at every speed, then the wait for a card."""
        return len(BAUD_RATES) * self.answer_s * 2 + self.card_wait_s + 2

    def test(
        self, candidate_id: str, progress: Progress | None = None, card_wait_s: Any = None
    ) -> Finding:
        """Probe the port at every speed, then wait for a card and read it."""
        stable = self.ports.stable_name(candidate_id)
        report(progress, "setup.idcard.probing", port=stable)
        found = probe_port(candidate_id, answer_s=self.answer_s)
        if found.error == PORT_BUSY:
            return Finding(False, "setup.idcard.busy", {"port": stable}, found.error)
        if not found.reader:
            return Finding(False, "setup.idcard.no_reader", {"port": stable}, found.error or "")
        if not found.sam_id:
            return Finding(False, "setup.idcard.reader_fault", {"port": stable}, found.error or "")
        report(progress, "setup.idcard.found", baud=found.baud, sam_id=found.sam_id)
        wait = float(card_wait_s if card_wait_s is not None else self.card_wait_s)
        reader = SerialCardReader(candidate_id, found.baud, poll_interval=0.1)
        try:
            card = reader.read_once(wait)
        except IdCardError as exc:
            return Finding(False, "setup.idcard.read_failed", {"port": stable}, exc.log_message)
        finally:
            reader.stop()
        if card is None:
            return Finding(
                False,
                "setup.idcard.no_card",
                {"seconds": round(wait)},
                f"{stable}: reader at {found.baud} baud, SAM {found.sam_id}; no card in {wait:g} s",
            )
        return Finding(
            True,
            "setup.idcard.read",
            {"number": mask_id_number(card.id_number), "name": mask_name(card.name)},
            f"{stable}: reader at {found.baud} baud, SAM {found.sam_id}",
            {"devices.idcard.port": stable, "devices.idcard.baud": found.baud},
        )
