"""Second-generation ID card reader (GA/T 467 serial protocol): driver, simulator, probe.

The kiosk core uses :func:`open_reader` and the :class:`CardReader` protocol; the
rest is for the technician commands and tests.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from devices.idcard.card import CardKind, CardType, IdCard
from devices.idcard.cards_file import load_cards
from devices.idcard.errors import (
    CardDataError,
    CardReadError,
    IdCardError,
    NoReaderAnswers,
    ReaderError,
    ReaderStatusError,
    ReaderTimeout,
    ReaderUnavailable,
)
from devices.idcard.reader import (
    CardPlaced,
    CardReader,
    CardRemoved,
    ReaderEvent,
    ReaderState,
    ReadFailed,
    StateChanged,
)
from devices.idcard.simulator import SimulatedReader
from devices.pty import SIM_PORT

if TYPE_CHECKING:
    from devices.idcard.link import Timeouts
    from devices.idcard.serial_reader import SerialCardReader

# The serial driver needs pyserial: it is imported when a reader is opened, not with the
# package, so a front-end without a serial port (a tablet's, Android) imports no pyserial.
_SERIAL_NAMES = {"SerialCardReader": "serial_reader", "Timeouts": "link"}


def __getattr__(name: str) -> object:
    if name in _SERIAL_NAMES:
        module = importlib.import_module(f"devices.idcard.{_SERIAL_NAMES[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_reader(
    port: str,
    baud: int,
    poll_interval: float,
    sim_cards: Path | None = None,
) -> SerialCardReader:
    """The reader on ``port`` at ``baud``, asked for a card every ``poll_interval`` seconds
    (the kiosk's ``[devices.idcard] poll_interval_s``); not started.

    ``port = "sim"`` (cards from ``sim_cards``) or ``"sim:FILE"`` starts a simulated
    reader on a pty and returns the same serial driver connected to it; the simulator
    is reachable as ``reader.simulator`` and stops with the reader.
    """
    from devices.idcard.serial_reader import SerialCardReader

    if port != SIM_PORT and not port.startswith(SIM_PORT + ":"):
        return SerialCardReader(port, baud, poll_interval)
    cards_path = Path(port[len(SIM_PORT) + 1 :]) if ":" in port else sim_cards
    cards = load_cards(cards_path) if cards_path else []
    simulator = SimulatedReader(cards, baud).start()
    return SerialCardReader(simulator.path, baud, poll_interval, simulator=simulator)


__all__ = [
    "SIM_PORT",
    "CardDataError",
    "CardKind",
    "CardPlaced",
    "CardReadError",
    "CardReader",
    "CardRemoved",
    "CardType",
    "IdCard",
    "IdCardError",
    "NoReaderAnswers",
    "ReadFailed",
    "ReaderError",
    "ReaderEvent",
    "ReaderState",
    "ReaderStatusError",
    "ReaderTimeout",
    "ReaderUnavailable",
    "SerialCardReader",
    "StateChanged",
    "Timeouts",
    "open_reader",
]
