"""One exchange with a GA/T 467 reader over a serial port, and what its answers mean.

:class:`SerialLink` sends one request and waits for the one answer that fits it (late
answers to an earlier command are recognised and skipped, garbage before a frame is
drained), under a time limit per command (:class:`Timeouts`).
:func:`parse_read_answer` turns a ``read text + photo`` answer into the card.
"""

from __future__ import annotations

import contextlib
import logging
import termios
import time
from dataclasses import dataclass

import serial

from devices.idcard.card import IdCard
from devices.idcard.cardtext import PHOTO_SIZE, TEXT_SIZE, parse_text
from devices.idcard.errors import (
    FrameError,
    ReaderTimeout,
    ReaderUnavailable,
    UnexpectedResponse,
)
from devices.idcard.frames import (
    BAUD_RATES,
    MAX_LENGTH,
    STATUS_CARD_FOUND,
    STATUS_NO_CARD,
    STATUS_OK,
    Command,
    Frame,
    FrameDecoder,
    Response,
    encode_request,
    parse_response,
    wire_seconds,
)
from devices.serial_cause import PORT_BUSY, is_port_busy, serial_cause

log = logging.getLogger(__name__)

REQUEST_SIZE = 10
# Bytes of each successful answer, to add its wire time to a step's timeout.
ANSWER_SIZE = {
    Command.RESET_SAM: 11,
    Command.SAM_STATUS: 11,
    Command.READ_SAM_ID: 27,
    Command.FIND_CARD: 15,
    Command.SELECT_CARD: 19,
    Command.READ_TEXT_PHOTO: 1295,
}


@dataclass(frozen=True)
class Timeouts:
    """Seconds the reader may think per step; the wire time of request and answer is added."""

    sam_s: float = 0.5
    find_s: float = 0.3
    select_s: float = 0.3
    read_s: float = 1.5
    reconnect_s: float = 1.0  # between attempts to reopen a vanished port

    def for_command(self, command: Command) -> float:
        """The thinking allowance of one command."""
        if command is Command.FIND_CARD:
            return self.find_s
        if command is Command.SELECT_CARD:
            return self.select_s
        if command is Command.READ_TEXT_PHOTO:
            return self.read_s
        return self.sam_s


class SerialLink:
    """One serial port speaking GA/T 467: open, one exchange at a time, close.

    The port is locked while open, so a probe or a second program cannot disturb it.
    """

    def __init__(self, port: str, baud: int, timeouts: Timeouts) -> None:
        if baud not in BAUD_RATES:
            raise ValueError(f"baud {baud} is not one of {', '.join(map(str, BAUD_RATES))}")
        self.port = port
        self.baud = baud
        self.timeouts = timeouts
        self._serial: serial.Serial | None = None

    @property
    def is_open(self) -> bool:
        """True while the port is open."""
        return self._serial is not None

    def open(self) -> None:
        """Open the port; ReaderUnavailable with the cause if it cannot be opened."""
        if self._serial is not None:
            return
        try:
            self._serial = serial.Serial(
                self.port, self.baud, timeout=0, write_timeout=1.0, exclusive=True
            )
        except (serial.SerialException, OSError, termios.error, ValueError) as exc:
            if is_port_busy(exc):
                raise ReaderUnavailable(f"{self.port}: {PORT_BUSY}") from None
            raise ReaderUnavailable(f"{self.port}: cannot open: {serial_cause(exc)}") from None

    def close(self) -> None:
        """Close the port (safe to call when closed or vanished)."""
        if self._serial is not None:
            with contextlib.suppress(serial.SerialException, OSError, termios.error):
                self._serial.close()
            self._serial = None

    def exchange(self, command: Command) -> Response:
        """Send ``command`` and return its answer, within the step's timeout.

        Raises ReaderTimeout, ReaderUnavailable, or a FrameError for a malformed answer.
        """
        port = self._require_open()
        allowance = self.timeouts.for_command(command)
        size = REQUEST_SIZE + ANSWER_SIZE.get(command, 64)
        timeout = allowance + wire_seconds(size, self.baud)
        decoder = FrameDecoder(MAX_LENGTH)
        try:
            port.reset_input_buffer()
            port.write(encode_request(command))
            deadline = time.monotonic() + timeout
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ReaderTimeout(
                        f"{self.port}: no answer to {command.label} within {timeout:.2f} s "
                        f"at {self.baud} baud ({decoder.pending} bytes of a partial answer)"
                    )
                port.timeout = remaining
                for item in decoder.feed(port.read(decoder.wanted())):
                    answer = self._accept(item, command, decoder)
                    if answer is not None:
                        return answer
        except FrameError as exc:
            self._drain(port)
            raise type(exc)(f"{self.port}: answer to {command.label}: {exc}") from None
        except (serial.SerialException, OSError, termios.error) as exc:
            self.close()
            raise ReaderUnavailable(f"{self.port}: {serial_cause(exc)}") from None

    def _accept(
        self, item: Frame | FrameError, command: Command, decoder: FrameDecoder
    ) -> Response | None:
        """The answer in ``item``; None for a late answer to skip; FrameError for a bad frame."""
        if not isinstance(item, Frame):
            raise item
        if decoder.discarded:
            log.info("%s: skipped %d noise bytes", self.port, decoder.discarded)
        answer = parse_response(item)
        if is_answer_to(command, answer):
            return answer
        log.info(
            "%s: ignored a late answer (status %06X, %d bytes) to an earlier command "
            "while waiting for %s",
            self.port,
            answer.status,
            len(answer.data),
            command.label,
        )
        return None

    def _drain(self, port: serial.Serial) -> None:
        """Read until the line is quiet, so the rest of a bad answer cannot pass for the next."""
        port.timeout = max(0.02, wire_seconds(32, self.baud))
        for _ in range(64):
            if not port.read(4096):
                return

    def _require_open(self) -> serial.Serial:
        if self._serial is None:
            raise ReaderUnavailable(f"{self.port}: port is not open")
        return self._serial


def is_answer_to(command: Command, answer: Response) -> bool:
    """False for a well-formed answer that cannot answer ``command``.

    Answers carry no command code, so a late answer to an earlier command (after a
    timeout) is recognised by its status and size and skipped, never misread.
    """
    size = len(answer.data)
    if answer.status in (STATUS_CARD_FOUND, STATUS_NO_CARD):
        return command is Command.FIND_CARD
    if answer.status != STATUS_OK:
        return True  # a failure status answers any command
    if command is Command.FIND_CARD:
        return False
    if command is Command.READ_TEXT_PHOTO:
        return size >= 4 + TEXT_SIZE
    if command is Command.READ_SAM_ID:
        return size == 16
    return size < 64


def parse_read_answer(data: bytes, port: str = "") -> IdCard:
    """The card in the data of a successful ``read text + photo`` answer."""
    if len(data) < 4:
        raise UnexpectedResponse(f"{port}: read answer of {len(data)} bytes has no lengths")
    text_size = int.from_bytes(data[0:2], "big")
    photo_size = int.from_bytes(data[2:4], "big")
    if (
        text_size != TEXT_SIZE
        or photo_size != PHOTO_SIZE
        or len(data) != 4 + text_size + photo_size
    ):
        raise UnexpectedResponse(
            f"{port}: read answer of {len(data)} bytes does not match text {text_size} "
            f"and photo {photo_size} (the protocol gives {TEXT_SIZE} and {PHOTO_SIZE})"
        )
    return parse_text(data[4 : 4 + text_size], data[4 + text_size :])
