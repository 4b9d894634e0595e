"""Receipt printer: ESC/POS over serial, TCP, USB or a file, Chinese done right, real-time
status, and a virtual printer that renders jobs to images."""

from devices.printer.driver import EscposPrinter, Printer, open_printer
from devices.printer.encoder import Document
from devices.printer.errors import (
    PrinterError,
    PrinterOffline,
    PrinterTimeout,
    PrinterUrlError,
)
from devices.printer.paper import PAPER_58, PAPER_80, Paper, paper_for
from devices.printer.status import PrinterState, PrinterStatus

__all__ = [
    "PAPER_58",
    "PAPER_80",
    "Document",
    "EscposPrinter",
    "Paper",
    "Printer",
    "PrinterError",
    "PrinterOffline",
    "PrinterState",
    "PrinterStatus",
    "PrinterTimeout",
    "PrinterUrlError",
    "open_printer",
    "paper_for",
]
