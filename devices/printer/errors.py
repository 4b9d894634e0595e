"""What can go wrong with a receipt printer, one small exception each.

``str(error)`` names the printer URL and the cause; ``error.key`` the sentence a person
reads (see :class:`devices.errors.DeviceError`).
"""

from __future__ import annotations

from devices.errors import DeviceError


class PrinterError(DeviceError):
    """A printer could not be used; the message names the printer URL and the cause."""

    key = "printer.error"


class PrinterUrlError(PrinterError, ValueError):
    """A printer URL is malformed or names an unknown scheme or option."""


class PrinterOffline(PrinterError):
    """The printer cannot be reached: port missing, connection refused, device unplugged."""

    key = "printer.offline"


class PrinterTimeout(PrinterError):
    """The printer stopped taking data before the job was written."""
