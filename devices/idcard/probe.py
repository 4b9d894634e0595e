"""Auto-detect: which serial port holds an ID card reader, at which baud rate, with which SAM.

Each port is asked "read SAM id" at each of the five baud rates (115200 first) under a
short timeout; ports are probed in parallel. Ports another program holds are reported
busy, not disturbed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from serial.tools import list_ports

from devices.idcard.errors import FrameError, ReaderTimeout, ReaderUnavailable
from devices.idcard.frames import BAUD_RATES, STATUS_OK, Command, format_sam_id
from devices.idcard.link import SerialLink, Timeouts

BY_ID_DIR = Path("/dev/serial/by-id")


@dataclass(frozen=True)
class PortReport:
    """What probing one port found."""

    port: str
    description: str
    by_id: str | None  # a stable /dev/serial/by-id name for the config, when there is one
    reader: bool
    baud: int | None
    sam_id: str | None
    error: str | None

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON object."""
        return asdict(self)


def serial_ports() -> list[tuple[str, str]]:
    """The machine's serial ports as (device, description)."""
    return [(p.device, p.description or "") for p in sorted(list_ports.comports())]


def probe_port(
    port: str,
    description: str = "",
    bauds: Iterable[int] = BAUD_RATES,
    answer_s: float = 0.25,
) -> PortReport:
    """Ask ``port`` for a SAM id at each baud rate; report the first that answers."""
    bauds = tuple(bauds)
    found = {"port": port, "description": description, "by_id": _by_id(port)}
    for baud in bauds:
        link = SerialLink(port, baud, Timeouts(sam_s=answer_s))
        try:
            link.open()
        except ReaderUnavailable as exc:
            cause = str(exc).removeprefix(f"{port}: ")
            return PortReport(**found, reader=False, baud=None, sam_id=None, error=cause)
        try:
            answer = link.exchange(Command.READ_SAM_ID)
        except (ReaderTimeout, FrameError):
            continue
        except ReaderUnavailable as exc:
            cause = str(exc).removeprefix(f"{port}: ")
            return PortReport(**found, reader=False, baud=None, sam_id=None, error=cause)
        finally:
            link.close()
        if answer.status != STATUS_OK:
            error = f"reader answered status 00 00 {answer.status & 0xFF:02X}"
            return PortReport(**found, reader=True, baud=baud, sam_id=None, error=error)
        try:
            sam_id = format_sam_id(answer.data)
        except FrameError as exc:
            return PortReport(**found, reader=True, baud=baud, sam_id=None, error=str(exc))
        return PortReport(**found, reader=True, baud=baud, sam_id=sam_id, error=None)
    rates = ", ".join(map(str, bauds))
    return PortReport(
        **found, reader=False, baud=None, sam_id=None, error=f"no answer at {rates} baud"
    )


def probe(extra_ports: Iterable[str] = (), answer_s: float = 0.25) -> list[PortReport]:
    """Probe every serial port of the machine plus ``extra_ports``, in parallel."""
    ports = serial_ports()
    seen = {os.path.realpath(device) for device, _ in ports}
    for port in extra_ports:
        if os.path.realpath(port) not in seen:
            seen.add(os.path.realpath(port))
            ports.append((port, "given on the command line or in the config"))
    if not ports:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(ports))) as pool:
        jobs = [pool.submit(probe_port, port, text, BAUD_RATES, answer_s) for port, text in ports]
        return [job.result() for job in jobs]


def _by_id(port: str) -> str | None:
    try:
        links = list(BY_ID_DIR.iterdir())
    except OSError:
        return None
    target = os.path.realpath(port)
    for link in sorted(links):
        if os.path.realpath(link) == target:
            return str(link)
    return None
