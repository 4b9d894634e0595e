"""The virtual printer: an ESC/POS interpreter that renders jobs as paper would look."""

from devices.printer.virtual.interpreter import Interpreter
from devices.printer.virtual.job import Job, PrintedLine
from devices.printer.virtual.render import paper_image
from devices.printer.virtual.server import VirtualPrinter, status_bytes

__all__ = ["Interpreter", "Job", "PrintedLine", "VirtualPrinter", "paper_image", "status_bytes"]
