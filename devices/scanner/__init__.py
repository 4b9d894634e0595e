"""QR / barcode scanners in USB virtual-COM mode: one line of text per scan."""

from devices.scanner.reader import Scanner, ScannerState, SerialScanner, decode_scan
from devices.scanner.simulator import SimulatedScanner

__all__ = ["Scanner", "ScannerState", "SerialScanner", "SimulatedScanner", "decode_scan"]
