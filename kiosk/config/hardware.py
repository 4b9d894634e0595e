"""The devices' tables: ``[devices.idcard]``, ``[devices.printer]``, ``[devices.scanner]``, and
``[sound]`` (the sound card the voice plays on)."""

from __future__ import annotations

from dataclasses import dataclass, field

from devices.url_typos import path_url_problem
from kiosk.config.checks import pattern, within


@dataclass(frozen=True)
class IdCardDevice:
    port: str
    baud: int = field(metadata={"choices": (115200, 57600, 38400, 19200, 9600)})
    poll_interval_s: float = field(metadata=within(0.005, 10))


@dataclass(frozen=True)
class PrinterDevice:
    url: str = field(
        metadata=pattern(
            r"^(|(serial|tcp|usb|file)://\S+)$",
            "serial://, tcp://, usb:// or file:// URL, or empty",
        )
        | {"problem": path_url_problem},
    )
    paper_mm: int = field(metadata={"choices": (58, 80)})
    status_timeout_s: float = field(metadata=within(0.05, 30))


@dataclass(frozen=True)
class ScannerDevice:
    port: str
    baud: int = field(metadata={"choices": (115200, 57600, 38400, 19200, 9600)})


@dataclass(frozen=True)
class Devices:
    idcard: IdCardDevice
    printer: PrinterDevice
    scanner: ScannerDevice


@dataclass(frozen=True)
class Sound:
    device: str = field(metadata=pattern(r"^(default|hw:\d{1,2})$", "default or hw:N"))
    volume: int = field(metadata=within(0, 100))
