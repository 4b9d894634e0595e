"""The card reader and scanner the site file names: real, simulated (``port = "sim"``) or absent."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import Config
from kiosk.resources import data_path

if TYPE_CHECKING:
    # Imported where they are built: an agent's tablet has no printer, scanner or voice, and
    # its front-end must not import pyserial or the espeak-ng subprocess (docs/android.md).
    from devices.idcard import CardReader
    from devices.scanner import Scanner


def sample_cards() -> Path:
    """The packaged sample ID cards a simulated reader (``port = "sim"``) offers."""
    return data_path("assets") / "sim" / "cards.toml"


@dataclass
class Devices:
    """The devices the site file names, opened but not started; an absent one is None.

    The receipt printer is not here: the print service owns it (``services.printer``).
    """

    reader: CardReader | None = None
    scanner: Scanner | None = None

    def start(self) -> None:
        """Start the card reader's polling; the scanner starts when someone listens to it."""
        if self.reader is not None:
            self.reader.start()

    def close(self) -> None:
        """Stop both devices and release their ports (again: nothing)."""
        if self.reader is not None:
            self.reader.stop()
        if self.scanner is not None:
            self.scanner.stop()


def open_devices(config: Config) -> Devices:
    """Open the card reader and scanner of ``[devices]``: a port, ``"sim"``, or none.

    The drivers are imported only when a device is configured (a tablet without a serial
    reader never loads pyserial).
    """
    return Devices(reader=open_reader(config), scanner=open_scanner(config))


def open_reader(config: Config) -> CardReader | None:
    """The card reader of ``[devices.idcard]``, not started; None when no port is set."""
    settings = config.devices.idcard
    if not settings.port:
        return None
    from devices.idcard import open_reader as open_serial_reader

    return open_serial_reader(
        settings.port, settings.baud, settings.poll_interval_s, sim_cards=sample_cards()
    )


def open_scanner(config: Config) -> Scanner | None:
    """The scanner of ``[devices.scanner]``, not started; None when no port is set."""
    settings = config.devices.scanner
    if not settings.port:
        return None
    from devices.scanner import open_scanner as open_serial_scanner

    return open_serial_scanner(settings.port, settings.baud)
