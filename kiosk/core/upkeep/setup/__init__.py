"""Set-up steps for technicians: ID card reader, printer, scanner, platform link, hall, sound.

Each step lists what is there, tests one choice under a timeout, says how it went in a
sentence of the message catalogue, and saves only what worked into the site file
(atomically, the previous version kept). The kiosk's technician screens render these
steps; see :mod:`kiosk.core.upkeep.setup.step` for the whole API.
"""

from kiosk.core.upkeep.ports import PortListing
from kiosk.core.upkeep.setup.hall import HallSetup
from kiosk.core.upkeep.setup.idcard import IdCardSetup
from kiosk.core.upkeep.setup.platform import PlatformSetup
from kiosk.core.upkeep.setup.printer import PrinterSetup, network_url
from kiosk.core.upkeep.setup.scanner import ScannerSetup
from kiosk.core.upkeep.setup.sound import SoundSetup
from kiosk.core.upkeep.setup.step import (
    Candidate,
    Finding,
    Option,
    Progress,
    SetupError,
    SetupStep,
)
from kiosk.core.upkeep.site_file import SiteFile
from offline_sync.clock import Clock


def setup_steps(
    site: SiteFile, clock: Clock, ports: PortListing | None = None
) -> dict[str, SetupStep]:
    """Every step for the site file, by name, in the order a technician sets up a box.

    ``ports`` is where the serial steps look (tests and the tour add simulators' ptys)."""
    ports = ports or PortListing()
    steps: list[SetupStep] = [
        IdCardSetup(site, ports),
        PrinterSetup(site, clock, ports),
        ScannerSetup(site, ports),
        PlatformSetup(site, clock),
        HallSetup(site, clock),
        SoundSetup(site),
    ]
    return {step.name: step for step in steps}


__all__ = [
    "Candidate",
    "Finding",
    "HallSetup",
    "IdCardSetup",
    "Option",
    "PlatformSetup",
    "PrinterSetup",
    "Progress",
    "ScannerSetup",
    "SetupError",
    "SetupStep",
    "SiteFile",
    "SoundSetup",
    "network_url",
    "setup_steps",
]
