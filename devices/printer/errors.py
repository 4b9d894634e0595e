"""What can go wrong with a receipt printer, one small exception each."""

from __future__ import annotations


class PrinterError(Exception):
    """A printer could not be used; the message names the printer URL and the cause."""


class PrinterUrlError(PrinterError, ValueError):
    """A printer URL is malformed or names an unknown scheme or option."""


class PrinterOffline(PrinterError):
    """The printer cannot be reached: port missing, connection refused, device unplugged."""


class PrinterTimeout(PrinterError):
    """The printer stopped taking data before the job was written."""
