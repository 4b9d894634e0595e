"""Device events on the kiosk's main thread: to the app's state, the card prompt and the screen.

The core's :class:`~kiosk.core.device_events.DeviceBridge` delivers typed events from the
devices' threads; this module hands them to Kivy's main thread and to the screen on show,
which may define ``on_reader_state(state)``, ``on_card(card)``, ``on_card_failed(key)``
and ``on_scan(text)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kiosk.core.device_events import (
    CardFailed,
    CardRead,
    DeviceBridge,
    DeviceEvent,
    ReaderStateChanged,
    Scanned,
)
from kiosk.ui.edge import problem_key
from kiosk.ui.overlays import CardPrompt

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp


class DeviceDispatch:
    """Routes the card reader's and scanner's events to what is on the screen."""

    def __init__(self, app: KioskApp) -> None:
        self.app = app
        self.bridge = self._bridge()
        self._prompt: CardPrompt | None = None

    def _bridge(self) -> DeviceBridge:
        devices = self.app.front_end.devices
        return DeviceBridge(
            devices.reader,
            devices.scanner,
            lambda event: self.app.on_main_thread(self.handle, event),
        )

    def start(self) -> None:
        """Start the devices and listen to them."""
        self.app.front_end.devices.start()
        self.app.reader_state = self.bridge.reader_state
        self.bridge.start()

    def stop(self) -> None:
        """Stop listening (the front-end closes the devices)."""
        self.bridge.stop()

    def restart(self) -> None:
        """Listen to the front-end's devices anew (after some were closed and opened again)."""
        self.bridge.stop()
        self.bridge = self._bridge()
        self.start()

    def handle(self, event: DeviceEvent) -> None:
        """One device event, now on the main thread."""
        app = self.app
        screen = app.root.current_screen
        match event:
            case ReaderStateChanged(state=state):
                app.reader_state = state
                if self._prompt is not None and state == "reading":
                    self._prompt.state_text = app.t("card.reading")
                _call(screen, "on_reader_state", state)
            case CardRead(card=card):
                app.idle.timer.touch()
                _call(screen, "on_card", card)
            case CardFailed(error=error):
                key = problem_key(error, app.messages)
                if self._prompt is not None:
                    self._prompt.state_text = app.t(key)
                _call(screen, "on_card_failed", key)
            case Scanned(text=text):
                app.idle.timer.touch()
                _call(screen, "on_scan", text)

    def ask_for_card(self, key: str, cancelled: Callable[[], None]) -> None:
        """Show "place your card" (sentence ``key``) over the screen until a card or 取消."""
        self.close_prompt()
        self._prompt = CardPrompt(text=self.app.t(key))
        self._prompt.bind(on_cancel=lambda _view: cancelled())
        self._prompt.open(animation=False)
        self.app.say(self.app.t(key))

    def close_prompt(self) -> None:
        """Close the card prompt, if one is open."""
        if self._prompt is not None:
            self._prompt.dismiss(animation=False)
            self._prompt = None


def _call(screen: object, handler: str, value: object) -> None:
    method = getattr(screen, handler, None)
    if method is not None:
        method(value)
