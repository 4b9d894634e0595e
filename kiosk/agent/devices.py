"""The ID card reader on the tablet: its events on Kivy's main thread, to the screen on show
(``on_card(card)``, ``on_card_failed(key)``), through the core's typed device bridge."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.core.device_events import CardFailed, CardRead, DeviceBridge, DeviceEvent
from kiosk.core.errors import explain

if TYPE_CHECKING:
    from kiosk.agent.app import AgentApp


class AgentDevices:
    """Routes card reads to the screen that asked for one."""

    def __init__(self, app: AgentApp) -> None:
        self.app = app
        self.bridge = DeviceBridge(
            app.front_end.devices.reader,
            None,
            lambda event: app.on_main_thread(self.handle, event),
        )

    def start(self) -> None:
        """Start the reader and listen to it."""
        self.app.front_end.devices.start()
        self.bridge.start()

    def stop(self) -> None:
        """Stop listening (the front-end closes the reader)."""
        self.bridge.stop()

    def handle(self, event: DeviceEvent) -> None:
        """One reader event, now on the main thread."""
        screen = self.app.root.current_screen if self.app.root else None
        if isinstance(event, CardRead):
            self.app._touched(None, None)
            handler = getattr(screen, "on_card", None)
            if handler is not None and self.app.session is not None:
                handler(event.card)
        elif isinstance(event, CardFailed):
            handler = getattr(screen, "on_card_failed", None)
            if handler is not None:
                handler(explain(event.error, self.app.messages)[0])
