"""A Kivy front-end under systemd: READY=1 once its first frame is drawn, watchdog pings
from its main loop (a frozen loop stops them, and systemd restarts the program)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window

from kiosk.core.upkeep.watchdog import Watchdog


class SystemdLink:
    """Tells systemd (through ``watchdog``) that a window is up and its loop alive."""

    def __init__(self, watchdog: Watchdog, status: Callable[[], str]) -> None:
        self._watchdog = watchdog
        self._status = status
        self._ping: Any = None

    def start(self) -> None:
        """From the app's ``on_start``: ping from the main loop, READY=1 on the first frame."""
        if self._watchdog.interval_s:
            self._ping = Clock.schedule_interval(
                lambda _dt: self._watchdog.ping(), self._watchdog.interval_s
            )
        Window.bind(on_flip=self._first_frame)

    def stop(self) -> None:
        """From the app's ``on_stop``: no more pings (the front-end says STOPPING=1)."""
        if self._ping is not None:
            self._ping.cancel()
            self._ping = None
        Window.unbind(on_flip=self._first_frame)

    def _first_frame(self, *_args: Any) -> None:
        Window.unbind(on_flip=self._first_frame)
        self._watchdog.ready(self._status())
