"""QR / barcode scanners in USB virtual-COM mode: one line of text per scan.

The kiosk core uses :func:`open_scanner` and the :class:`Scanner` protocol; the
simulator is for demos, technicians and tests.
"""

from __future__ import annotations

from devices.pty import SIM_PORT
from devices.scanner.reader import Scanner, ScannerState, SerialScanner, decode_scan
from devices.scanner.simulator import ScannerUnplugged, SimulatedScanner


def open_scanner(port: str, baud: int = 9600) -> SerialScanner:
    """The scanner on ``port``; not started.

    ``port = "sim"`` opens a simulated scanner on a pty and returns the same serial
    driver connected to it: scan with ``scanner.simulator.scan(text)``; the simulator
    closes when the scanner stops.
    """
    if port != SIM_PORT:
        return SerialScanner(port, baud)
    simulator = SimulatedScanner()
    return SerialScanner(simulator.path, baud, simulator=simulator)


__all__ = [
    "SIM_PORT",
    "Scanner",
    "ScannerState",
    "ScannerUnplugged",
    "SerialScanner",
    "SimulatedScanner",
    "decode_scan",
    "open_scanner",
]
