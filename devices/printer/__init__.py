"""Receipt printer: ESC/POS over serial, TCP, USB or a file, Chinese done right, real-time
status, and a virtual printer that renders jobs to images."""

from typing import TYPE_CHECKING

from devices.printer.encoder import Document
from devices.printer.errors import (
    PrinterError,
    PrinterOffline,
    PrinterTimeout,
    PrinterUrlError,
)
from devices.printer.paper import PAPER_58, PAPER_80, Paper, paper_for

if TYPE_CHECKING:
    from devices.printer.driver import EscposPrinter, Printer, open_printer
    from devices.printer.status import PrinterState, PrinterStatus

# The driver and the status queries need pyserial (a serial transport): imported when first
# used, so composing a document (a receipt's layout) loads no serial port code.
_LAZY = {
    "EscposPrinter": "devices.printer.driver",
    "Printer": "devices.printer.driver",
    "open_printer": "devices.printer.driver",
    "PrinterState": "devices.printer.status",
    "PrinterStatus": "devices.printer.status",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
