"""The GA/T 467 serial driver: find -> select -> read over pyserial, with a polling thread.

One :class:`SerialCardReader` owns one port. :meth:`~SerialCardReader.start` runs a
polling loop in its own thread: it announces "card placed" once per placement,
"card removed" when the card goes, and survives the port vanishing (USB unplug) by
reporting :attr:`ReaderState.DISCONNECTED` and reopening the port by itself. Every
state change goes through one function that logs and notifies. Names and ID numbers
are logged masked only.
"""

from __future__ import annotations

import contextlib
import logging
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import serial

from devices.idcard.card import IdCard
from devices.idcard.cardtext import PHOTO_SIZE, TEXT_SIZE, parse_text
from devices.idcard.errors import (
    CardDataError,
    CardReadError,
    FrameError,
    IdCardError,
    ReaderStatusError,
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
    format_sam_id,
    parse_response,
    wire_seconds,
)
from devices.idcard.idnumber import mask_id_number, mask_name
from devices.idcard.reader import (
    CardPlaced,
    CardRemoved,
    EventHandler,
    ReaderEvent,
    ReaderState,
    ReadFailed,
    StateChanged,
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


class SerialCardReader:
    """A GA/T 467 reader on a serial port; implements :class:`~devices.idcard.reader.CardReader`.

    Deadlines are serial I/O deadlines, so they run on ``time.monotonic()``, not on an
    injected clock: a test clock that stands still would stall the port.
    ``read_attempts`` reads are tried per placement before a :class:`ReadFailed` event;
    a card counts as removed after ``removal_confirmations`` "no card" answers in a row,
    so one flaky answer does not read the same card twice.
    """

    def __init__(
        self,
        port: str,
        baud: int = 115200,
        poll_interval: float = 0.3,
        timeouts: Timeouts | None = None,
        read_attempts: int = 3,
        removal_confirmations: int = 2,
        simulator: Any = None,
    ) -> None:
        self.port = port
        self.baud = baud
        self.poll_interval = poll_interval
        self.timeouts = timeouts or Timeouts()
        self.read_attempts = read_attempts
        self.removal_confirmations = removal_confirmations
        self.sam_id: str | None = None
        self._link = SerialLink(port, baud, self.timeouts)
        self.simulator = simulator  # the simulated device behind a virtual port, if any
        self._state = ReaderState.STOPPED
        self._handlers: list[EventHandler] = []
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._misses = 0
        self._silent = 0

    # -- CardReader -------------------------------------------------------------------

    @property
    def state(self) -> ReaderState:
        """The current state."""
        return self._state

    def subscribe(self, handler: EventHandler) -> Callable[[], None]:
        """Call ``handler`` with every event; returns the function that unsubscribes it."""
        self._handlers.append(handler)
        return lambda: self._handlers.remove(handler) if handler in self._handlers else None

    def start(self) -> None:
        """Start the polling thread."""
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=f"idcard {self.port}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop polling, close the port, and close a simulated device behind it."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        self._link.close()
        self._set_state(ReaderState.STOPPED, "stopped")
        if self.simulator is not None:
            self.simulator.close()
            self.simulator = None

    def read_once(self, timeout: float) -> IdCard | None:
        """Wait up to ``timeout`` s for a card, read and verify it; None if no card came."""
        if self._thread is not None:
            raise RuntimeError("read_once cannot be used while the reader is polling")
        deadline = time.monotonic() + timeout
        self._connect()
        while True:
            if self._find():
                return self._read_placed_card()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self._stopping.wait(min(self.poll_interval, remaining))

    def __enter__(self) -> SerialCardReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the polling loop -------------------------------------------------------------

    def _run(self) -> None:
        self._set_state(ReaderState.CONNECTING, f"opening {self.port} at {self.baud} baud")
        while not self._stopping.is_set():
            if not self._link.is_open:
                try:
                    self._connect()
                except IdCardError as exc:
                    self._set_state(ReaderState.DISCONNECTED, str(exc))
                    self._stopping.wait(self.timeouts.reconnect_s)
                    continue
            try:
                self._poll()
                self._silent = 0
            except ReaderUnavailable as exc:
                self._lost(str(exc))
                continue
            except ReaderTimeout as exc:
                self._silent += 1
                log.warning("%s", exc)
                if self._silent >= 3:
                    self._lost(f"{self.port}: reader stopped answering")
                    continue
            except IdCardError as exc:
                log.warning("%s", exc)
            except Exception as exc:  # a bug must not end polling: log it, start over
                log.exception("idcard %s: unexpected error while polling", self.port)
                self._lost(f"unexpected {type(exc).__name__}")
                self._stopping.wait(self.timeouts.reconnect_s)
                continue
            self._stopping.wait(self.poll_interval)
        self._link.close()

    def _connect(self) -> None:
        """Open the port and ask the SAM for its id, proving a reader is there."""
        self._link.open()
        try:
            answer = self._link.exchange(Command.READ_SAM_ID)
            if answer.status != STATUS_OK:
                raise ReaderStatusError(answer.status, Command.READ_SAM_ID.label, self.port)
            self.sam_id = format_sam_id(answer.data)
        except IdCardError:
            self._link.close()
            raise
        self._misses = self._silent = 0
        self._set_state(ReaderState.WAITING, f"reader on {self.port}, SAM {self.sam_id}")

    def _poll(self) -> None:
        present = self._find()
        if self._state is ReaderState.WAITING and present:
            self._set_state(ReaderState.READING, "card found")
            started = time.monotonic()
            try:
                card = self._read_placed_card()
            except CardReadError as exc:
                log.warning("card could not be read: %s", exc)
                self._set_state(ReaderState.CARD_PRESENT, "read failed")
                self._emit(ReadFailed(exc))
                return
            read_ms = (time.monotonic() - started) * 1000
            log.info(
                "card placed: %s %s %s, read in %.0f ms",
                card.kind.value,
                mask_name(card.name),
                mask_id_number(card.id_number),
                read_ms,
            )
            self._set_state(ReaderState.CARD_PRESENT, "card read")
            self._emit(CardPlaced(card, read_ms))
        elif self._state is ReaderState.CARD_PRESENT:
            self._misses = 0 if present else self._misses + 1
            if self._misses >= self.removal_confirmations:
                self._misses = 0
                self._set_state(ReaderState.WAITING, "card removed")
                self._emit(CardRemoved())

    def _lost(self, reason: str) -> None:
        self._link.close()
        had_card = self._state is ReaderState.CARD_PRESENT
        self._set_state(ReaderState.DISCONNECTED, reason)
        if had_card:
            self._emit(CardRemoved())

    # -- the three steps --------------------------------------------------------------

    def _find(self) -> bool:
        answer = self._link.exchange(Command.FIND_CARD)
        if answer.status == STATUS_CARD_FOUND:
            return True
        if answer.status == STATUS_NO_CARD:
            return False
        raise ReaderStatusError(answer.status, Command.FIND_CARD.label, self.port)

    def _read_placed_card(self) -> IdCard:
        """Select and read the card just found, retrying a failed read while it stays.

        Raises CardReadError (what a villager can fix by placing the card again) or
        ReaderUnavailable (the port is gone).
        """
        error: CardReadError | ReaderTimeout | None = None
        for attempt in range(self.read_attempts):
            try:
                if attempt and not self._find():
                    break  # lifted during the read
                return self._select_and_read()
            except CardDataError:
                raise  # what the card says is wrong; reading it again will not help
            except (CardReadError, ReaderTimeout) as exc:
                log.info("read attempt %d failed: %s", attempt + 1, exc)
                error = exc
        if isinstance(error, CardReadError):
            raise error
        reason = str(error) if error else "the card was lifted during the read"
        raise CardReadError(reason) from error

    def _select_and_read(self) -> IdCard:
        answer = self._link.exchange(Command.SELECT_CARD)
        if answer.status != STATUS_OK:
            raise ReaderStatusError(answer.status, Command.SELECT_CARD.label, self.port)
        answer = self._link.exchange(Command.READ_TEXT_PHOTO)
        if answer.status != STATUS_OK:
            raise ReaderStatusError(answer.status, Command.READ_TEXT_PHOTO.label, self.port)
        return parse_read_answer(answer.data, self.port)

    # -- notification -----------------------------------------------------------------

    def _set_state(self, new: ReaderState, reason: str) -> None:
        """The one place the state changes: log it and tell the subscribers."""
        old = self._state
        if old is new:
            return
        self._state = new
        level = logging.WARNING if new is ReaderState.DISCONNECTED else logging.INFO
        log.log(level, "idcard %s: %s -> %s (%s)", self.port, old.value, new.value, reason)
        self._emit(StateChanged(old, new, reason))

    def _emit(self, event: ReaderEvent) -> None:
        for handler in list(self._handlers):
            try:
                handler(event)
            except Exception:
                log.exception("idcard event handler failed on %s", type(event).__name__)


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
