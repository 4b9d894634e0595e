"""Device events as every front-end sees them: typed, and on the front-end's own thread.

The ID card reader and the scanner report from their own threads with their own event
types. :class:`DeviceBridge` subscribes to both, turns what they say into the small
events below and hands each to ``deliver``, a function the front-end gives (the Kivy
kiosk passes one that schedules the event on its main thread). Front-ends match on
these types; none of them subscribes to a device itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from devices.idcard import CardPlaced, CardReader, IdCard, ReaderState, ReadFailed, StateChanged

if TYPE_CHECKING:  # the scanner's driver needs pyserial; a tablet has no scanner
    from devices.scanner import Scanner

log = logging.getLogger(__name__)

OFFLINE_STATES = frozenset({ReaderState.DISCONNECTED.value, ReaderState.STOPPED.value})


@dataclass(frozen=True)
class ReaderStateChanged:
    """The card reader is now ``state`` (a :class:`devices.idcard.ReaderState` value)."""

    state: str

    @property
    def offline(self) -> bool:
        """True when no card can be read now (reader unplugged or stopped)."""
        return self.state in OFFLINE_STATES


@dataclass(frozen=True, repr=False)
class CardRead:
    """A card was placed and read."""

    card: IdCard

    def __repr__(self) -> str:
        return "CardRead(<card>)"  # never a name or a number in a log line


@dataclass(frozen=True)
class CardFailed:
    """A card was placed but could not be read; ``error`` says why (turned into words at the edge)."""

    error: Exception


@dataclass(frozen=True, repr=False)
class Scanned:
    """The scanner read a code holding ``text``."""

    text: str

    def __repr__(self) -> str:
        return f"Scanned(<{len(self.text)} characters>)"


@dataclass(frozen=True)
class ScannerStateChanged:
    """The scanner is now connected or not (a :class:`devices.scanner.ScannerState` value)."""

    state: str


DeviceEvent = ReaderStateChanged | CardRead | CardFailed | Scanned | ScannerStateChanged


class DeviceBridge:
    """Carries the reader's and the scanner's events to a front-end, typed.

    Either device may be absent (None). :meth:`start` subscribes and starts delivering;
    :meth:`stop` unsubscribes (the devices themselves are stopped by their owner).
    """

    def __init__(
        self,
        reader: CardReader | None,
        scanner: Scanner | None,
        deliver: Callable[[DeviceEvent], None],
    ) -> None:
        self.reader = reader
        self.scanner = scanner
        self._deliver = deliver
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def reader_state(self) -> str:
        """The reader's state now (``stopped`` when there is no reader)."""
        return self.reader.state.value if self.reader is not None else ReaderState.STOPPED.value

    def start(self) -> None:
        """Deliver device events from now on, the reader's state as it is first (again:
        nothing)."""
        if self._unsubscribe is not None:
            return
        if self.reader is not None:
            self._unsubscribe = self.reader.subscribe(self._reader_event)
            # The reader may have changed state before this subscription (its thread starts
            # with the devices): the front-end starts from the state as it is now.
            self._deliver(ReaderStateChanged(self.reader.state.value))
        else:
            self._unsubscribe = lambda: None
        if self.scanner is not None:
            self.scanner.start(
                lambda text: self._deliver(Scanned(text)),
                lambda state: self._deliver(ScannerStateChanged(state.value)),
            )

    def stop(self) -> None:
        """Stop delivering events (again: nothing)."""
        if self._unsubscribe is None:
            return
        self._unsubscribe()
        self._unsubscribe = None
        if self.scanner is not None:
            self.scanner.stop()

    def _reader_event(self, event: Any) -> None:
        typed = translate_reader_event(event)
        if typed is not None:
            self._deliver(typed)


def translate_reader_event(event: Any) -> DeviceEvent | None:
    """The front-end event for a reader event; None for those front-ends need not hear."""
    if isinstance(event, StateChanged):
        return ReaderStateChanged(event.new.value)
    if isinstance(event, CardPlaced):
        return CardRead(event.card)
    if isinstance(event, ReadFailed):
        return CardFailed(event.error)
    return None


__all__ = [
    "OFFLINE_STATES",
    "CardFailed",
    "CardRead",
    "DeviceBridge",
    "DeviceEvent",
    "ReaderStateChanged",
    "ScannerStateChanged",
    "Scanned",
    "translate_reader_event",
]
