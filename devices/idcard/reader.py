"""What the kiosk core asks of an ID card reader: states, events and the CardReader protocol."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from devices.idcard.card import IdCard
from devices.idcard.errors import IdCardError


class ReaderState(Enum):
    """Where the reader is; every change is announced as a :class:`StateChanged` event."""

    STOPPED = "stopped"
    CONNECTING = "connecting"
    DISCONNECTED = "disconnected"  # port missing or reader silent; reconnecting by itself
    WAITING = "waiting"  # connected, no card
    READING = "reading"  # a card was found and is being read
    CARD_PRESENT = "card_present"  # this placement was handled; waiting for the card to go


@dataclass(frozen=True)
class CardPlaced:
    """A card was placed and read (once per placement)."""

    card: IdCard
    read_ms: float


@dataclass(frozen=True)
class ReadFailed:
    """A card was placed but could not be read or verified; the villager should place it again."""

    error: IdCardError


@dataclass(frozen=True)
class CardRemoved:
    """The card that was placed (read or not) has gone, or the reader went away with it."""


@dataclass(frozen=True)
class StateChanged:
    """The reader changed state."""

    old: ReaderState
    new: ReaderState
    reason: str


ReaderEvent = CardPlaced | ReadFailed | CardRemoved | StateChanged
EventHandler = Callable[[ReaderEvent], None]


class CardReader(Protocol):
    """An ID card reader, real or simulated, as the kiosk core uses it.

    Events are delivered on the reader's own thread: a UI must hand them over to its
    main thread itself.
    """

    @property
    def state(self) -> ReaderState:
        """The current state."""
        ...

    def subscribe(self, handler: EventHandler) -> Callable[[], None]:
        """Call ``handler`` with every event from now on; returns a function to unsubscribe."""
        ...

    def start(self) -> None:
        """Start polling for cards in a background thread (reconnecting as needed)."""
        ...

    def stop(self) -> None:
        """Stop polling and release the port."""
        ...

    def read_once(self, timeout: float) -> IdCard | None:
        """Wait up to ``timeout`` seconds for a card and read it; None if none came.

        Raises :class:`~devices.idcard.errors.IdCardError` subclasses; not for use
        while polling.
        """
        ...
