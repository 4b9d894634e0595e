"""Faults the ID card simulator can play, and the answer each applies to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from devices.idcard.frames import Command

STATUS_READ_FAILED = 0x41


class Fault(Enum):
    """Faults the simulator can inject into its next answers."""

    NOISE = "noise"  # garbage bytes before the answer
    TRUNCATE = "truncate"  # the answer stops halfway
    BAD_CHECK = "bad_check"  # the answer's check byte is wrong
    SLOW = "slow"  # the answer comes late
    SAM_ERROR = "sam_error"  # the answer is a failure status
    NO_CARD = "no_card"  # find card says "no card" though a card lies there


# The answer a fault applies to when no target is given (None: any answer).
DEFAULT_TARGET = {
    Fault.NOISE: Command.READ_TEXT_PHOTO,
    Fault.TRUNCATE: Command.READ_TEXT_PHOTO,
    Fault.BAD_CHECK: Command.READ_TEXT_PHOTO,
    Fault.SLOW: None,
    Fault.SAM_ERROR: Command.READ_TEXT_PHOTO,
    Fault.NO_CARD: Command.FIND_CARD,
}
TARGET_NAMES = {
    "any": None,
    "find": Command.FIND_CARD,
    "select": Command.SELECT_CARD,
    "read": Command.READ_TEXT_PHOTO,
    "samid": Command.READ_SAM_ID,
    "status": Command.SAM_STATUS,
}


@dataclass
class InjectedFault:
    """A fault waiting for the next ``count`` answers to ``target`` (None: any command)."""

    fault: Fault
    target: Command | None
    count: int = 1
    noise_bytes: int = 16
    delay_s: float = 1.0
    status: int = STATUS_READ_FAILED

    def describe(self) -> str:
        target = self.target.label if self.target else "any command"
        return f"{self.fault.value} x{self.count} on {target}"
