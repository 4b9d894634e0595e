"""Typed errors of the ID card reader, each with a villager's sentence and a log line.

``str(error)`` is the precise cause for the log and the technician (port, command,
status code); :attr:`IdCardError.villager_message` is the plain Chinese sentence a
screen shows. Neither ever holds a name or an unmasked ID number.
"""

from __future__ import annotations

from typing import ClassVar

# Villager messages by key: the UI's message catalogue may override them by key.
VILLAGER_MESSAGES: dict[str, str] = {
    "idcard.replace": "请重新放置身份证",
    "idcard.verify_failed": "信息校验失败，请联系工作人员",
    "idcard.unknown_card": "无法识别此卡，请放置居民身份证或居住证",
    "idcard.reader_fault": "读卡器故障，请联系工作人员",
    "idcard.reader_offline": "读卡器未连接，请联系工作人员",
}


class IdCardError(Exception):
    """Base of every ID card reader error."""

    villager_key: ClassVar[str] = "idcard.replace"

    @property
    def villager_message(self) -> str:
        """The plain Chinese sentence for the villager: what to do next."""
        return VILLAGER_MESSAGES[self.villager_key]

    @property
    def log_message(self) -> str:
        """The precise cause, for the log and the technician."""
        return str(self)


class CardReadError(IdCardError):
    """Reading the card on the reader failed; placing it again may help."""


class FrameError(CardReadError):
    """A frame from the reader was malformed; its bytes are discarded, never used."""


class BadLength(FrameError):
    """A frame's length field is impossible."""


class BadChecksum(FrameError):
    """A frame's XOR check does not match its bytes."""


class UnexpectedResponse(FrameError):
    """A well-formed frame that is not an answer to the command sent."""


class CardDataError(CardReadError):
    """The card's text could not be decoded or failed verification: not a person."""

    villager_key = "idcard.verify_failed"


class ReaderError(IdCardError):
    """The reader itself is absent, silent or faulty."""

    villager_key = "idcard.reader_fault"


class ReaderTimeout(ReaderError):
    """The reader did not answer a command in time."""


class ReaderUnavailable(ReaderError):
    """The serial port cannot be opened or vanished (unplugged)."""

    villager_key = "idcard.reader_offline"


# GA/T 467 status codes (SW3 with SW1 = SW2 = 0) other than success and find-card answers.
STATUS_TEXT: dict[int, str] = {
    0x10: "the reader got a frame with a bad checksum",
    0x11: "the reader got a frame with a bad length",
    0x21: "unknown command",
    0x23: "operation not permitted",
    0x24: "unrecognised error",
    0x31: "the card failed to authenticate the SAM",
    0x32: "the SAM failed to authenticate the card",
    0x33: "information verification error",
    0x40: "unknown card type",
    0x41: "reading the card failed",
    0x47: "getting a random number failed",
    0x60: "SAM self-test failed",
    0x66: "SAM not authorised",
    0x80: "no card",
    0x81: "select card failed",
}

_STATUS_VILLAGER_KEY = {
    0x40: "idcard.unknown_card",
    0x60: "idcard.reader_fault",
    0x66: "idcard.reader_fault",
}


class ReaderStatusError(CardReadError):
    """The reader answered with a failure status."""

    def __init__(self, status: int, command: str, port: str = "") -> None:
        self.status = status
        self.command = command
        self.port = port
        text = STATUS_TEXT.get(status & 0xFF, "undocumented status")
        where = f"{port}: " if port else ""
        super().__init__(f"{where}{command}: status 00 00 {status & 0xFF:02X} ({text})")

    @property
    def villager_message(self) -> str:
        return VILLAGER_MESSAGES[_STATUS_VILLAGER_KEY.get(self.status & 0xFF, self.villager_key)]

    @property
    def reader_fault(self) -> bool:
        """True when the SAM module itself is broken or unauthorised, not the card."""
        return self.status & 0xFF in (0x60, 0x66)
