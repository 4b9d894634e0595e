"""The GA/T 467 serial driver: find -> select -> read over pyserial, with a polling thread.

One :class:`SerialCardReader` owns one port. :meth:`~SerialCardReader.start` runs a
polling loop in its own thread: it announces "card placed" once per placement,
"card removed" when the card goes, and survives the port vanishing (USB unplug) by
reporting :attr:`ReaderState.DISCONNECTED` and reopening the port by itself. Every
state change goes through one function that logs and notifies. Names and ID numbers
are logged masked only.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from devices.idcard.card import IdCard
from devices.idcard.errors import (
    CardDataError,
    CardReadError,
    FrameError,
    IdCardError,
    NoReaderAnswers,
    ReaderStatusError,
    ReaderTimeout,
    ReaderUnavailable,
)
from devices.idcard.frames import (
    STATUS_CARD_FOUND,
    STATUS_NO_CARD,
    STATUS_OK,
    Command,
    format_sam_id,
)
from devices.idcard.idnumber import mask_id_number, mask_name
from devices.idcard.link import SerialLink, Timeouts, parse_read_answer
from devices.idcard.reader import (
    CardPlaced,
    CardRemoved,
    EventHandler,
    ReaderEvent,
    ReaderState,
    ReadFailed,
    StateChanged,
)

log = logging.getLogger(__name__)


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
        baud: int,
        poll_interval: float,
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
            try:
                answer = self._link.exchange(Command.READ_SAM_ID)
            except (ReaderTimeout, FrameError) as exc:
                raise NoReaderAnswers(
                    f"{exc}: no ID card reader answers at {self.baud} baud"
                ) from None
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
