"""Real-time status (DLE EOT n): ask, wait at most a timeout, read the bits.

No answer means ``unknown``, never ``ready``.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Mapping
from dataclasses import dataclass

from devices.printer.transport import Transport

DLE_EOT = b"\x10\x04"


class PrinterState(enum.StrEnum):
    """What the printer can do now."""

    READY = "ready"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    CUTTER_ERROR = "cutter_error"
    UNKNOWN = "unknown"

    @property
    def can_print(self) -> bool:
        """True when a job sent now comes out on paper."""
        return self in (PrinterState.READY, PrinterState.PAPER_NEAR_END)


@dataclass(frozen=True)
class PrinterStatus:
    """A state and, for a technician, how it was found (answer bytes or the failure)."""

    state: PrinterState
    detail: str = ""


def is_status_byte(value: int) -> bool:
    """True for a byte of the real-time status pattern ``0xx1xx10``."""
    return value & 0b1001_0011 == 0b0001_0010


def interpret(answers: Mapping[int, int | None]) -> PrinterState:
    """The state told by the answers to DLE EOT 1..4 (``None``: no answer to that query)."""
    if any(v is not None and not is_status_byte(v) for v in answers.values()):
        return PrinterState.UNKNOWN
    printer, cause, error, paper = (answers.get(n) for n in (1, 2, 3, 4))
    if printer is None:
        return PrinterState.UNKNOWN
    cause = cause or 0
    error = error or 0
    if cause & 0x04:
        return PrinterState.COVER_OPEN
    if cause & 0x20 or (paper is not None and paper & 0x60 == 0x60):
        return PrinterState.PAPER_OUT
    if error & 0x08:
        return PrinterState.CUTTER_ERROR
    if printer & 0x08 or cause & 0x40 or error & 0x60:
        return PrinterState.OFFLINE
    if paper is None:
        return PrinterState.UNKNOWN
    if paper & 0x0C == 0x0C:
        return PrinterState.PAPER_NEAR_END
    return PrinterState.READY


def query_status(transport: Transport, timeout: float) -> PrinterStatus:
    """Ask DLE EOT 1..4 in turn, all within ``timeout`` seconds in total, and interpret."""
    deadline = time.monotonic() + timeout
    answers: dict[int, int | None] = {}
    transport.discard_input()
    for n in (1, 2, 3, 4):
        transport.write(DLE_EOT + bytes((n,)))
        answer = _read_byte(transport, deadline)
        answers[n] = answer
        if answer is None:
            break
    state = interpret(answers)
    shown = " ".join(f"{n}:{'--' if v is None else format(v, '02X')}" for n, v in answers.items())
    if answers[1] is None:
        return PrinterStatus(state, f"no answer within {timeout:g} s")
    return PrinterStatus(state, f"DLE EOT {shown}")


def _read_byte(transport: Transport, deadline: float) -> int | None:
    left = deadline - time.monotonic()
    if left <= 0:
        return None
    data = transport.read(1, left)
    return data[0] if data else None
