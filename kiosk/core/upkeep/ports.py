"""The machine's serial ports with the names that survive a reboot or a replug.

``/dev/ttyUSB0`` is whichever adapter the kernel found first; udev's
``/dev/serial/by-id`` names an adapter by its USB id and serial number, and
``/dev/serial/by-path`` by the USB socket it is plugged into. Cheap adapters (CH340)
carry no serial number, so two of them share one by-id name: then only the socket
tells them apart, and :attr:`SerialPort.stable` is the by-path name.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from serial.tools import list_ports

BY_ID = Path("/dev/serial/by-id")
BY_PATH = Path("/dev/serial/by-path")


@dataclass(frozen=True)
class SerialPort:
    """One serial port and its names."""

    device: str
    description: str = ""
    usb_id: str | None = None  # "1a86:7523"
    serial_number: str | None = None
    by_id: str | None = None
    by_path: str | None = None
    ambiguous: bool = (
        False  # another port has the same USB id and no serial number tells them apart
    )

    @property
    def stable(self) -> str:
        """The name to put in the site file: by-id when it is unique, else by-path, else the device."""
        if self.by_id and not self.ambiguous:
            return self.by_id
        return self.by_path or self.by_id or self.device

    @property
    def label(self) -> str:
        """A short line for a list: the stable name's last part, the USB id, the description."""
        parts = [Path(self.stable).name]
        if self.usb_id:
            parts.append(f"USB {self.usb_id}")
        if self.description and self.description != "n/a":
            parts.append(self.description)
        return "  ".join(parts)

    def names(self) -> set[str]:
        """Every name of this port, resolved and not."""
        return {n for n in (self.device, self.by_id, self.by_path, self.stable) if n}


def serial_ports(
    extra: Iterable[str] = (), by_id_dir: Path = BY_ID, by_path_dir: Path = BY_PATH
) -> list[SerialPort]:
    """The machine's serial ports, plus ``extra`` devices (a pty, a port from the config)."""
    by_id, by_path = _links(by_id_dir), _links(by_path_dir)
    found: list[SerialPort] = []
    seen: set[str] = set()
    for info in sorted(list_ports.comports()):
        usb_id = f"{info.vid:04x}:{info.pid:04x}" if info.vid is not None else None
        real = os.path.realpath(info.device)
        seen.add(real)
        found.append(
            SerialPort(
                info.device,
                info.description or "",
                usb_id,
                info.serial_number or None,
                by_id.get(real),
                by_path.get(real),
            )
        )
    for device in extra:
        real = os.path.realpath(device)
        if real not in seen and os.path.exists(device):
            seen.add(real)
            found.append(SerialPort(device, "", None, None, by_id.get(real), by_path.get(real)))
    shared = Counter(p.usb_id for p in found if p.usb_id and not p.serial_number)
    return [
        SerialPort(**{**p.__dict__, "ambiguous": bool(p.usb_id and shared[p.usb_id] > 1)})
        if p.usb_id and not p.serial_number
        else p
        for p in found
    ]


@dataclass(frozen=True)
class PortListing:
    """Where a set-up step looks for serial ports (tests add a pty and their own link folders)."""

    extra: tuple[str, ...] = ()
    by_id_dir: Path = BY_ID
    by_path_dir: Path = BY_PATH

    def ports(self) -> list[SerialPort]:
        """The ports there are now."""
        return serial_ports(self.extra, self.by_id_dir, self.by_path_dir)

    def stable_name(self, name: str) -> str:
        """The stable name of the port ``name`` refers to (``name`` itself if unknown)."""
        port = find_port(name, self.ports())
        return port.stable if port else name


def find_port(name: str, ports: Iterable[SerialPort]) -> SerialPort | None:
    """The listed port that ``name`` (any of its names) refers to."""
    real = os.path.realpath(name)
    for port in ports:
        if name in port.names() or real == os.path.realpath(port.device):
            return port
    return None


def _links(folder: Path) -> dict[str, str]:
    """Symlink target (resolved) -> symlink path, for every link in ``folder``."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return {}
    return {os.path.realpath(link): str(link) for link in entries}
