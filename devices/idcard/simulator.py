"""A simulated ID card reader on a real pty, answering at true wire timing.

The simulator opens a pseudo-terminal pair and answers GA/T 467 requests on the
master side, pacing every answer byte by byte for its baud rate (10 bits a byte),
after the request itself would have taken its wire time to arrive. The driver opens
:attr:`SimulatedReader.path`, a stable symlink to the current ``/dev/pts/N``, exactly
like a USB reader under ``/dev/serial/by-id``.

Everything a test or a technician does to it goes through one thread: card
placement and removal, faults (:class:`Fault`), and unplugging, which closes the pty
so the device disappears, and plugging back in, which opens a new one behind the
same symlink. The same actions are available as console lines (:meth:`execute`),
which ``bianmin sim idcard`` reads from its standard input.
"""

from __future__ import annotations

import logging
import os
import queue
import random
import select
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from devices.idcard.card import IdCard
from devices.idcard.cardtext import encode_text
from devices.idcard.errors import BadChecksum
from devices.idcard.frames import (
    BAUD_RATES,
    STATUS_CARD_FOUND,
    STATUS_NO_CARD,
    STATUS_OK,
    STATUS_SELECT_FAILED,
    Command,
    Frame,
    FrameDecoder,
    Request,
    encode_response,
    encode_sam_id,
    parse_request,
    wire_seconds,
)
from devices.idcard.idnumber import mask_name
from devices.idcard.sim_console import execute
from devices.idcard.sim_faults import DEFAULT_TARGET, STATUS_READ_FAILED, Fault, InjectedFault
from devices.pty import PluggablePty, line_baud

log = logging.getLogger(__name__)

DEFAULT_SAM_ID = "05.01-20260101-0000000001-0123456789"
_STATUS_BAD_CHECK = 0x10
_STATUS_BAD_LENGTH = 0x11
_STATUS_UNKNOWN_COMMAND = 0x21

T = TypeVar("T")


class SimulatedReader:
    """An ID card reader at the other end of a pty; see the module docstring.

    With ``halt_after_read``, it behaves like the readers whose card, once read, stays
    halted: "find card" says "no card" until the card is lifted and placed again.

    Use as a context manager, or call :meth:`start` and :meth:`close`.
    """

    def __init__(
        self,
        cards: Sequence[IdCard] = (),
        baud: int = 115200,
        sam_id: str = DEFAULT_SAM_ID,
        seed: int | None = None,
        halt_after_read: bool = False,
    ) -> None:
        if baud not in BAUD_RATES:
            raise ValueError(f"baud {baud} is not one of {', '.join(map(str, BAUD_RATES))}")
        self.cards = list(cards)
        self.baud = baud
        self.sam_id = sam_id
        self.halt_after_read = halt_after_read
        self._random = random.Random(seed)
        self._pty = PluggablePty("idcard")
        self.path = self._pty.path
        self.card: IdCard | None = None
        self.faults: list[InjectedFault] = []
        self.requests: Counter[str] = Counter()
        self.bytes_in = 0
        self.bytes_out = 0
        self._decoder = FrameDecoder()
        self._found = False
        self._selected = False
        self._halted = False
        self._controls: queue.Queue[tuple[Callable[[], Any], queue.Queue[Any]]] = queue.Queue()
        self._wake_r, self._wake_w = os.pipe()
        self._closing = False
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="idcard-sim", daemon=True)

    # -- life cycle -------------------------------------------------------------------

    def start(self) -> SimulatedReader:
        """Open the pty and start answering."""
        self._plug()
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop answering, close the pty and remove the symlink (again: no effect)."""
        if self._closed:
            return
        self._closed = True
        if self._thread.is_alive():
            self._call(self._stop)
            self._thread.join(5)
        else:
            self._unplug()
        os.close(self._wake_r)
        os.close(self._wake_w)
        self._pty.close()

    def __enter__(self) -> SimulatedReader:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what a test or technician does ------------------------------------------------

    def place(self, card: IdCard | int = 0) -> IdCard:
        """Lay a card on the reader (a face, or an index into :attr:`cards`)."""
        face = self.cards[card] if isinstance(card, int) else card
        return self._call(lambda: self._set_card(face))

    def remove(self) -> None:
        """Lift the card off the reader."""
        self._call(lambda: self._set_card(None))

    def inject(
        self,
        fault: Fault,
        target: Command | None | str = "default",
        count: int = 1,
        **options: Any,
    ) -> InjectedFault:
        """Make the next ``count`` answers to ``target`` faulty.

        Options: ``noise_bytes`` (NOISE), ``delay_s`` (SLOW), ``status`` (SAM_ERROR).
        """
        chosen = DEFAULT_TARGET[fault] if target == "default" else target
        item = InjectedFault(fault, chosen, count, **options)
        self._call(lambda: self.faults.append(item))
        return item

    def unplug(self) -> None:
        """Pull the USB plug: the pty closes and the device path disappears."""
        self._call(self._unplug)

    def replug(self) -> str:
        """Plug back in: a new pty behind the same :attr:`path`; returns the device path."""
        return self._call(self._plug)

    def reset(self) -> None:
        """Back to the start: plugged in, no card, no faults pending."""

        def clear() -> None:
            self._set_card(None)
            self.faults.clear()
            self._plug()

        self._call(clear)

    @property
    def plugged(self) -> bool:
        """True while the device exists."""
        return self._pty.plugged

    @property
    def device_path(self) -> str | None:
        """The ``/dev/pts/N`` behind :attr:`path` while plugged in."""
        return self._pty.device_path

    def execute(self, line: str) -> str:
        """Run one console command (see :mod:`devices.idcard.sim_console`)."""
        return execute(self, line)

    # -- the answering thread ---------------------------------------------------------

    def _call(self, fn: Callable[[], T]) -> T:
        if threading.current_thread() is self._thread or not self._thread.is_alive():
            return fn()
        result: queue.Queue[Any] = queue.Queue(maxsize=1)
        self._controls.put((fn, result))
        os.write(self._wake_w, b"x")
        outcome, value = result.get(timeout=30)
        if outcome == "error":
            raise value
        return value

    def _run(self) -> None:
        while not self._closing:
            master = self._pty.master
            fds = [self._wake_r] if master is None else [self._wake_r, master]
            ready, _, _ = select.select(fds, [], [])
            if self._wake_r in ready:
                os.read(self._wake_r, 4096)
                self._run_controls()
            if self._pty.master is not None and self._pty.master in ready:
                self._receive()
        self._unplug()

    def _run_controls(self) -> None:
        while True:
            try:
                fn, result = self._controls.get_nowait()
            except queue.Empty:
                return
            try:
                result.put(("ok", fn()))
            except Exception as exc:  # handed back to the caller's thread
                result.put(("error", exc))

    def _receive(self) -> None:
        master = self._pty.master
        assert master is not None
        try:
            data = os.read(master, 4096)
        except OSError:
            return
        arrived = time.perf_counter()
        self.bytes_in += len(data)
        baud = line_baud(master)
        if baud != self.baud:
            # A UART at another speed sees garbage and never answers it.
            log.debug("ignored %d bytes sent at %s baud", len(data), baud)
            return
        for item in self._decoder.feed(data):
            if isinstance(item, Frame):
                request = parse_request(item)
                size = len(item.payload) + 8
                if isinstance(request, Request):
                    self._answer(request, arrived + wire_seconds(size, self.baud))
                else:
                    self._send(encode_response(_STATUS_BAD_LENGTH), arrived)
            else:
                status = _STATUS_BAD_CHECK if isinstance(item, BadChecksum) else _STATUS_BAD_LENGTH
                self._send(encode_response(status), arrived)

    def _answer(self, request: Request, start: float) -> None:
        command = request.command
        self.requests[command.label if command else "unknown"] += 1
        fault = self._take_fault(command)
        frame = self._response(command, fault)
        if fault is None:
            self._send(frame, start)
            return
        log.info("simulated fault: %s", fault.fault.value)
        if fault.fault is Fault.SLOW:
            start += fault.delay_s
        elif fault.fault is Fault.NOISE:
            noise = self._random.randbytes(fault.noise_bytes)
            frame = noise + frame
        elif fault.fault is Fault.TRUNCATE:
            frame = frame[: len(frame) // 2]
        elif fault.fault is Fault.BAD_CHECK:
            frame = frame[:-1] + bytes([frame[-1] ^ 0x5A])
        self._send(frame, start)

    def _take_fault(self, command: Command | None) -> InjectedFault | None:
        for fault in self.faults:
            if fault.target is None or fault.target is command:
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def _response(self, command: Command | None, fault: InjectedFault | None) -> bytes:
        if fault is not None and fault.fault is Fault.SAM_ERROR:
            return encode_response(fault.status)
        if command in (Command.RESET_SAM, Command.SAM_STATUS):
            return encode_response(STATUS_OK)
        if command is Command.READ_SAM_ID:
            return encode_response(STATUS_OK, encode_sam_id(self.sam_id))
        if command is Command.FIND_CARD:
            flaky = fault is not None and fault.fault is Fault.NO_CARD
            self._found = self.card is not None and not self._halted and not flaky
            if self._found:
                return encode_response(STATUS_CARD_FOUND, bytes(4))
            return encode_response(STATUS_NO_CARD)
        if command is Command.SELECT_CARD:
            self._selected = self._found and self.card is not None
            if self._selected:
                return encode_response(STATUS_OK, bytes(8))
            return encode_response(STATUS_SELECT_FAILED)
        if command in (Command.READ_TEXT_PHOTO, Command.READ_TEXT_PHOTO_FINGERPRINT):
            if not self._selected or self.card is None:
                return encode_response(STATUS_READ_FAILED)
            self._found = self._selected = False
            self._halted = self.halt_after_read
            text, photo = encode_text(self.card), self.card.photo_wlt
            lengths = len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big")
            if command is Command.READ_TEXT_PHOTO_FINGERPRINT:
                lengths += bytes(2)
            return encode_response(STATUS_OK, lengths + text + photo)
        if command is Command.READ_NEW_ADDRESS:
            return encode_response(STATUS_OK, " ".encode("utf-16-le") * 35)
        return encode_response(_STATUS_UNKNOWN_COMMAND)

    def _send(self, frame: bytes, start: float) -> None:
        """Write ``frame`` so that each byte leaves no sooner than the wire allows."""
        byte_s = wire_seconds(1, self.baud)
        chunk = max(1, int(0.001 / byte_s))  # about a millisecond of bytes at a time
        sent = 0
        while sent < len(frame) and self._pty.master is not None:
            piece = frame[sent : sent + chunk]
            delay = start + (sent + len(piece)) * byte_s - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            try:
                os.write(self._pty.master, piece)
            except OSError:
                return
            sent += len(piece)
            self.bytes_out += len(piece)

    # -- state changes (on the answering thread) --------------------------------------

    def _set_card(self, card: IdCard | None) -> IdCard | None:
        self.card = card
        self._found = self._selected = self._halted = False
        log.info("simulated card %s", f"placed: {mask_name(card.name)}" if card else "removed")
        return card

    def _plug(self) -> str:
        if self._pty.plugged:
            return self._pty.device_path or ""
        device_path = self._pty.plug()
        self._decoder = FrameDecoder()
        log.info("simulated reader plugged in at %s -> %s", self.path, device_path)
        return device_path

    def _unplug(self) -> None:
        if self._pty.plugged:
            log.info("simulated reader unplugged from %s", self._pty.device_path)
        self._pty.unplug()

    def _stop(self) -> None:
        self._closing = True
