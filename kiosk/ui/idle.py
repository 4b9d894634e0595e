"""Idle wipe and the technician's corner: who is at the screen, and who may leave it.

After ``[ui] idle_s`` seconds without a touch a countdown shows over the screen; when it
runs out the kiosk goes home and forgets the person. Five taps in the top-right corner
within four seconds open the technician's PIN pad (when a PIN is configured).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from kivy.core.window import Window
from kivy.metrics import dp

from kiosk.core.session import IdlePhase, IdleTimer
from kiosk.ui.navigation import HOME
from kiosk.ui.overlays import IdleCountdown, TechnicianPin

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

log = logging.getLogger(__name__)

IDLE_CHECK_S = 0.25
TECH_CORNER_PX = 160
TECH_TAPS = 5
TECH_WINDOW_S = 4.0


class IdleWatch:
    """Touches keep the session; silence counts down to a wipe."""

    def __init__(self, app: KioskApp) -> None:
        self.app = app
        ui = app.site.ui
        self.timer = IdleTimer(app.clock, ui.idle_s, ui.countdown_s)
        self._countdown: IdleCountdown | None = None
        self._tech_taps: list[float] = []

    def touched(self, touch: Any) -> None:
        """Someone touched the screen (anywhere): the session goes on."""
        self.timer.touch()
        corner = dp(TECH_CORNER_PX)
        if touch.x >= Window.width - corner and touch.y >= Window.height - corner:
            now = self.app.clock.monotonic()
            self._tech_taps = [t for t in self._tech_taps if now - t < TECH_WINDOW_S] + [now]
            if len(self._tech_taps) >= TECH_TAPS:
                self._tech_taps = []
                if self.app.site.ui.technician_pin:
                    TechnicianPin().open(animation=False)

    def keep(self) -> None:
        """继续使用: the villager is still there."""
        self.timer.touch()
        self.close()

    def check(self, _dt: float = 0) -> None:
        """Move the countdown on, or wipe and go home when it has run out."""
        app = self.app
        at_rest = app.current_screen_name == HOME and not app.session.has_personal_data
        if at_rest and self._countdown is None:
            self.timer.touch()
            return
        phase = self.timer.phase()
        if phase is IdlePhase.ACTIVE:
            self.close()
        elif phase is IdlePhase.COUNTDOWN:
            if self._countdown is None:
                self._countdown = IdleCountdown()
                self._countdown.open(animation=False)
                app.say(app.t("voice.idle"))
            self._countdown.seconds = self.timer.seconds_left()
        else:
            log.info("idle for %s s: personal data wiped, back home", app.site.ui.idle_s)
            app.go_home()
            self.timer.touch()

    def close(self) -> None:
        """Close the countdown, if it shows."""
        if self._countdown is not None:
            self._countdown.dismiss(animation=False)
            self._countdown = None
