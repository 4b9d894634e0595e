"""Typed errors of the ID card reader, each with a message key and a log line.

``str(error)`` is the precise cause for the log and the technician (port, command,
status code); ``error.key`` names the sentence a villager reads, what to do next (see
:class:`devices.errors.DeviceError`). Neither ever holds a name or an unmasked ID number.
"""

from __future__ import annotations

from devices.errors import DeviceError


class IdCardError(DeviceError):
    """Base of every ID card reader error."""

    key = "idcard.replace"


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

    key = "idcard.verify_failed"


class ReaderError(IdCardError):
    """The reader itself is absent, silent or faulty."""

    key = "idcard.reader_fault"


class ReaderTimeout(ReaderError):
    """The reader did not answer a command in time."""


class NoReaderAnswers(ReaderTimeout):
    """Nothing on the port answers the reader protocol at this baud rate: the port holds
    another device (a scanner, a printer), or the reader is set to another speed."""


class ReaderUnavailable(ReaderError):
    """The serial port cannot be opened or vanished (unplugged)."""

    key = "idcard.reader_offline"


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

# Statuses whose sentence is not "place the card again", and their message keys.
STATUS_KEYS: dict[int, str] = {
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
        self.key = STATUS_KEYS.get(status & 0xFF, self.key)

    @property
    def reader_fault(self) -> bool:
        """True when the SAM module itself is broken or unauthorised, not the card."""
        return self.status & 0xFF in (0x60, 0x66)
